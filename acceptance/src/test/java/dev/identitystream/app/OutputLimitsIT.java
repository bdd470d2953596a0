package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that Kafka would refuse for their size never stop the job: an answer whose account record
 * exceeds {@code max.request.size} goes to the DLQ as {@code OUTPUT_TOO_LARGE} and the requests
 * behind it complete; by default (limits kept consistent) the same answer is written; a DLQ record
 * larger than the DLQ topic accepts is truncated, with a reference to the original.
 */
class OutputLimitsIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** About 1.5 MB of account: under the 2 MiB response cap, over Kafka's default 1 MiB request. */
  private static final int HUGE_NAME_CHARS = 1_500_000;

  private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir Path tempDir;

  private HttpServer plaid;
  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final Topics topics = JobTestSupport.uniqueTopics("limits");

  /**
   * A fake Plaid: tokens containing "huge" get one account with a 1.5 MB name, others a small one.
   */
  @BeforeEach
  void startPlaid() throws IOException {
    plaid = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    plaid.createContext(
        "/identity/documents/uploads/get",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher token = TOKEN.matcher(body);
          String id = token.find() ? token.group(1).replaceAll("[^A-Za-z0-9]", "") : "none";
          String name = id.contains("huge") ? "x".repeat(HUGE_NAME_CHARS) : "Checking";
          byte[] answer =
              ("{\"accounts\":[{\"account_id\":\"acc-"
                      + id
                      + "\",\"balances\":{\"available\":1,"
                      + "\"current\":1,\"limit\":null,\"iso_currency_code\":\"USD\",\"unofficial_currency_code\":null},"
                      + "\"mask\":\"0000\",\"name\":\""
                      + name
                      + "\",\"official_name\":null,\"type\":\"depository\","
                      + "\"subtype\":\"checking\",\"owners\":[]}],\"item\":{\"item_id\":\"item-"
                      + id
                      + "\","
                      + "\"institution_id\":\"ins_1\",\"institution_name\":\"Stub Bank\",\"error\":null,"
                      + "\"available_products\":[],\"billed_products\":[\"identity\"],\"webhook\":null,"
                      + "\"consent_expiration_time\":null,\"update_type\":\"background\"},\"request_id\":\"req-"
                      + id
                      + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    plaid.start();
  }

  @AfterEach
  void stop() {
    resources.close();
    plaid.stop(0);
  }

  private Map<String, String> config() {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", KAFKA.bootstrapServers());
    config.put("application.id", uniqueName("limits-app"));
    config.put("state.dir", tempDir.resolve("state").toString());
    config.put(AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests());
    config.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts());
    config.put(AppConfig.TOPIC_ITEMS_CONFIG, topics.items());
    config.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors());
    config.put(AppConfig.TOPIC_DLQ_CONFIG, topics.dlq());
    config.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "1");
    config.put(AppConfig.PLAID_BASE_URL_CONFIG, "http://127.0.0.1:" + plaid.getAddress().getPort());
    config.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "limits-client");
    config.put(AppConfig.PLAID_SECRET_CONFIG, "limits-secret");
    return config;
  }

  private StreamingJob start(Map<String, String> settings) {
    AppConfig config = new AppConfig(settings);
    StreamingJob job =
        resources.add(new StreamingJob(config, PlaidClients.create(config), Clock.systemUTC()));
    job.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
    return job;
  }

  private void produce(String key, byte[]... values) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            KAFKA.bootstrapServers(),
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            4 * 1024 * 1024,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (byte[] value : values) {
        producer.send(
            new ProducerRecord<>(topics.requests(), key.getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }

  private static byte[] request(String tokenId, String requestId) {
    return ("{\"access_token\":\"access-sandbox-"
            + tokenId
            + "\",\"request_id\":\""
            + requestId
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldSendAnAnswerWhoseOutputExceedsMaxRequestSizeToTheDlqAndGoOn() {
    // given: the user keeps Kafka's default max.request.size (1 MiB); one key's requests, the
    // first answered with a 1.5 MB account
    KAFKA.broker().createTopic(topics.requests(), 1);
    Map<String, String> settings = config();
    settings.put("max.request.size", Integer.toString(1024 * 1024));
    StreamingJob job = start(settings);
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));

    // when
    produce(
        "one-key", request("huge1", "r-huge"), request("small1", "r1"), request("small2", "r2"));

    // then: the oversize answer is in the DLQ with its reason and sizes; the requests behind it
    // complete
    assertThat(
            outputs.pollUntil(
                c -> c.items().size() >= 2 && c.records(topics.dlq()).size() >= 1,
                Duration.ofSeconds(60)))
        .as(
            "outputs: %d items, %d DLQ",
            outputs.items().size(), outputs.records(topics.dlq()).size())
        .isTrue();
    outputs.pollQuietly(Duration.ofSeconds(1));
    ConsumerRecord<byte[], byte[]> dead = outputs.records(topics.dlq()).get(0);
    assertThat(header(dead, DlqHeaders.REASON)).isEqualTo("OUTPUT_TOO_LARGE");
    assertThat(header(dead, DlqHeaders.REQUEST_ID)).isEqualTo("r-huge");
    assertThat(header(dead, DlqHeaders.MESSAGE))
        .contains("1048576-byte limit")
        .contains(topics.accounts());
    assertThat(dead.value()).isEqualTo(request("huge1", "r-huge"));
    assertThat(outputs.items()).extracting(JobTestSupport::requestIdOf).containsExactly("r1", "r2");
    assertThat(outputs.accounts()).hasSize(2);
    assertThat(job.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(job.fatalError()).isNull();
  }

  @Test
  void shouldWriteTheSameAnswerWithTheDefaultLimits() {
    // given: the defaults: max.request.size and the topics' max.message.bytes follow the response
    // cap
    KAFKA.broker().createTopic(topics.requests(), 1);
    start(config());
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));

    // when
    produce("one-key", request("huge2", "r-huge"), request("small3", "r3"));

    // then: the 1.5 MB account record is written, and the next request completes
    assertThat(
            outputs.pollUntil(
                c -> c.items().size() >= 2 && c.accounts().size() >= 2, Duration.ofSeconds(60)))
        .isTrue();
    assertThat(outputs.records(topics.dlq())).isEmpty();
    assertThat(outputs.accounts()).hasSize(2);
    assertThat(outputs.accounts().get(0).value().length).isGreaterThan(HUGE_NAME_CHARS);
  }

  @Test
  void shouldTruncateADlqRecordThatTheDlqTopicCannotHold() {
    // given: an input topic that takes 2 MB records, a DLQ topic that takes 1 MiB
    KAFKA
        .broker()
        .createTopic(
            topics.requests(), 1, Map.of("max.message.bytes", Integer.toString(4 * 1024 * 1024)));
    KAFKA
        .broker()
        .createTopic(topics.dlq(), 1, Map.of("max.message.bytes", Integer.toString(1024 * 1024)));
    StreamingJob job = start(config());
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));
    byte[] tooLarge = new byte[1_090_000];
    Arrays.fill(tooLarge, (byte) 'a');

    // when: a 1.09 MB request (over input.max.record.bytes) and then a good one
    produce("k", tooLarge, request("small4", "r4"));

    // then: the DLQ holds a truncated copy that says so and where the original is; the job goes on
    assertThat(
            outputs.pollUntil(
                c -> c.items().size() >= 1 && c.records(topics.dlq()).size() >= 1,
                Duration.ofSeconds(60)))
        .isTrue();
    ConsumerRecord<byte[], byte[]> dead = outputs.records(topics.dlq()).get(0);
    assertThat(header(dead, DlqHeaders.REASON)).isEqualTo("RECORD_TOO_LARGE");
    assertThat(header(dead, DlqHeaders.TRUNCATED)).isEqualTo("true");
    assertThat(header(dead, DlqHeaders.VALUE_SIZE)).isEqualTo("1090000");
    assertThat(header(dead, DlqHeaders.TOPIC)).isEqualTo(topics.requests());
    assertThat(header(dead, DlqHeaders.OFFSET)).isEqualTo("0");
    assertThat(dead.value()).hasSize(1024);
    assertThat(outputs.items()).extracting(JobTestSupport::requestIdOf).containsExactly("r4");
    assertThat(job.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }
}
