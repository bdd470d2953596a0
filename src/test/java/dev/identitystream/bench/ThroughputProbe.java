package dev.identitystream.bench;

import dev.identitystream.app.AppConfig;
import dev.identitystream.app.PlaidClients;
import dev.identitystream.app.StreamingJob;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A quick probe (not the benchmark harness): N requests, C in flight, L ms latency; prints req/s. */
public final class ThroughputProbe {

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int c = Integer.parseInt(args[1]);
    int latency = Integer.parseInt(args[2]);
    String guarantee = args.length > 3 ? args[3] : "exactly_once_v2";
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
        PlaidEmulator emulator =
            PlaidEmulator.start(EmulatorOptions.builder().credentials("b", "s").latency(Duration.ofMillis(latency)).build())) {
      Map<String, String> s = new LinkedHashMap<>();
      s.put("bootstrap.servers", broker.bootstrapServers());
      s.put("application.id", "probe-" + UUID.randomUUID());
      s.put("state.dir", Files.createTempDirectory("probe").toString());
      s.put("processing.guarantee", guarantee);
      s.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "4");
      s.put(AppConfig.PLAID_BASE_URL_CONFIG, emulator.baseUrl());
      s.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, Integer.toString(c));
      s.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "b");
      s.put(AppConfig.PLAID_SECRET_CONFIG, "s");
      AppConfig config = new AppConfig(s);
      Map<String, Object> p = Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
          ProducerConfig.LINGER_MS_CONFIG, 5);
      try (StreamingJob job = new StreamingJob(config, PlaidClients.create(config), Clock.systemUTC())) {
        job.start(); // creates topics
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
          for (int i = 0; i < n; i++) {
            String v = "{\"access_token\":\"access-sandbox-accounts10-%d\",\"request_id\":\"r%d\"}".formatted(i, i);
            producer.send(new ProducerRecord<>(config.topics().requests(), ("k" + i).getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
          }
        }
        Map<String, Object> cp = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "probe-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        long start = System.nanoTime();
        long first = 0;
        int items = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
          consumer.subscribe(List.of(config.topics().items()));
          while (items < n) {
            int got = consumer.poll(Duration.ofMillis(100)).count();
            if (got > 0 && first == 0) {
              first = System.nanoTime();
            }
            items += got;
            if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
              break;
            }
          }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        System.out.printf("n=%d C=%d L=%dms %s: %d items in %.2fs after first output = %.0f req/s (bound %d/s)%n",
            n, c, latency, guarantee, items, seconds, items / seconds, c * 1000 / latency);
      }
    }
  }
}
