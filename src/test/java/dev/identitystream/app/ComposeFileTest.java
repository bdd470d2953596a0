package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Docker cannot run here, so this checks {@code docker-compose.yml}, {@code docker/job.properties}
 * and the {@code Dockerfile} against what the code expects: the services, the job's command and
 * configuration, the topics the init step creates (the job's defaults, {@code identity-items}
 * compacted), the emulator's port and the environment variable names the code reads.
 */
class ComposeFileTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static final Pattern CREATE = Pattern.compile("kafka-topics\\.sh .*--create .*--topic (\\S+)");

  private final JsonNode compose = readYaml(ROOT.resolve("docker-compose.yml"));
  private final JsonNode services = compose.path("services");

  private static JsonNode readYaml(Path file) {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot parse " + file, e);
    }
  }

  private static List<String> strings(JsonNode node) {
    return StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void shouldDeclareKafkaTopicInitEmulatorAndJob() {
    assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("kafka", "topic-init", "emulator", "job");
    JsonNode kafka = services.path("kafka");
    assertThat(kafka.path("image").asText()).matches("apache/kafka:(4\\.([1-9]|\\d{2,})|[5-9])\\.\\d+.*");
    assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText()).isEqualTo("PLAINTEXT://kafka:9092");
    assertThat(services.path("topic-init").path("image").asText()).isEqualTo(kafka.path("image").asText());
  }

  @Test
  void shouldCreateExactlyTheJobsDefaultTopicsWithItemsCompacted() {
    // given
    JsonNode init = services.path("topic-init");
    String script = String.join("\n", strings(init.path("command")));

    // when
    Map<String, String> created = new LinkedHashMap<>();
    for (String line : script.split("\n")) {
      Matcher m = CREATE.matcher(line);
      if (m.find()) {
        created.put(m.group(1), line);
      }
    }

    // then
    Topics defaults = Topics.DEFAULTS;
    List<String> expected = new ArrayList<>(defaults.inputs());
    expected.addAll(defaults.outputs());
    assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    created.forEach((topic, line) -> {
      boolean compacted = line.contains("--config cleanup.policy=compact");
      assertThat(compacted).as(topic).isEqualTo(topic.equals(defaults.items()));
    });
    assertThat(init.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
  }

  @Test
  void shouldRunTheJobWithItsMountedConfigurationAndCredentialsFromTheEnvironment() {
    // given
    JsonNode job = services.path("job");
    List<String> command = strings(job.path("command"));

    // then the job runs `run --config <mounted file>`, after the topics exist
    assertThat(command.get(0)).isEqualTo("run");
    String configPath = command.get(command.indexOf("--config") + 1);
    String mount =
        strings(job.path("volumes")).stream().filter(v -> v.contains(":" + configPath)).findFirst().orElseThrow();
    Path hostFile = ROOT.resolve(mount.substring(0, mount.indexOf(':')));
    assertThat(hostFile).isRegularFile();
    assertThat(job.path("depends_on").path("topic-init").path("condition").asText())
        .isEqualTo("service_completed_successfully");

    // and the environment names are the ones the code reads; secrets are not written in the file
    for (String service : List.of("job", "emulator")) {
      JsonNode env = services.path(service).path("environment");
      assertThat(env.has(ConfigLoader.ENV_CLIENT_ID)).as(service).isTrue();
      assertThat(env.path(ConfigLoader.ENV_SECRET).asText()).as(service).startsWith("${" + ConfigLoader.ENV_SECRET);
    }
    assertThat(job.path("environment").path(ConfigLoader.ENV_LOG_FORMAT).asText()).isIn("text", "json");

    // and the mounted configuration is valid, uses the default topics, and reaches kafka and the emulator
    AppConfig config =
        ConfigLoader.load(hostFile, Map.of(ConfigLoader.ENV_CLIENT_ID, "id", ConfigLoader.ENV_SECRET, "s"), Map.of());
    assertThat(config.topics()).isEqualTo(Topics.DEFAULTS);
    assertThat(config.kafkaProps()).containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("state.dir", "/var/lib/plaid-identity-stream/state");
    assertThat(strings(job.path("volumes"))).anyMatch(v -> v.endsWith(":/var/lib/plaid-identity-stream"));
    URI plaid = URI.create(config.getString(AppConfig.PLAID_BASE_URL_CONFIG));
    List<String> emulator = strings(services.path("emulator").path("command"));
    assertThat(emulator.get(0)).isEqualTo("emulator");
    assertThat(plaid.getHost()).isEqualTo("127.0.0.1");
    assertThat(plaid.getPort()).isEqualTo(Integer.parseInt(emulator.get(emulator.indexOf("--port") + 1)));
    // the emulator listens on loopback only: the job must share its network namespace
    assertThat(job.path("network_mode").asText()).isEqualTo("service:emulator");
  }

  @Test
  void shouldBuildANonRootImageRunningTheJar() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).containsPattern("(?m)^FROM maven:\\S*temurin-17 AS build")
        .containsPattern("(?m)^FROM eclipse-temurin:17-jre")
        .containsPattern("(?m)^USER (?!root)\\S+")
        .containsPattern("(?m)^VOLUME .*/var/lib/plaid-identity-stream")
        .contains("\"-jar\", \"/app/plaid-identity-stream.jar\"");
    assertThat(ROOT.resolve(".dockerignore")).isRegularFile();
  }
}
