package dev.identitystream.app;

import static dev.identitystream.app.ComposeFile.ROOT;
import static dev.identitystream.app.ComposeFile.environment;
import static dev.identitystream.app.ComposeFile.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.ComposeFile.Mount;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.topology.Topics;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Docker cannot run here, so this checks {@code docker-compose.yml} against the code and against
 * what "works as written" needs: pinned images (Kafka's the version the pom uses), the job built,
 * health checks, a grace period longer than the job's close timeout, restart policies, named
 * volumes for the broker's data and the job's state, a host listener, metrics on the compose
 * network, the two profiles (the emulator's made-up credentials never the real ones; the plaid job
 * never the emulator), and Prometheus and Grafana wired to the job and the dashboard. A real
 * compose parser reads the file in {@link ComposeConfigTest}.
 */
class ComposeFileTest {

  private static final Pattern CREATE =
      Pattern.compile("kafka-topics\\.sh .*--create .*--topic (\\S+)");

  /** An exact version tag: digits and dots, optionally a suffix; never latest or a major alone. */
  private static final Pattern PINNED =
      Pattern.compile(
          "[a-z0-9./-]+:v?\\d+\\.\\d+\\.\\d+([._-][A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?");

  private static final Set<String> JOB_SERVICES = Set.of("job", "job-plaid");

  private final JsonNode compose = ComposeFile.compose();
  private final JsonNode services = compose.path("services");

  private JsonNode service(String name) {
    JsonNode service = services.path(name);
    assertThat(service.isObject()).as("service " + name).isTrue();
    return service;
  }

  private static Map<String, String> properties(JsonNode service) {
    Mount config =
        Mount.of(service).stream()
            .filter(m -> m.target().equals("/etc/plaid-identity-stream/job.properties"))
            .findFirst()
            .orElseThrow();
    assertThat(config.options()).isEqualTo("ro");
    return ConfigLoader.merge(config.hostPath(), Map.of(), Map.of());
  }

  @Test
  void shouldDeclareTheStackWithProfilesLocalAndPlaid() {
    assertThat(compose.path("name").asText()).isEqualTo("plaid-identity-stream");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "kafka", "topic-init", "emulator", "job", "job-plaid", "prometheus", "grafana");
    assertThat(strings(service("emulator").path("profiles"))).containsExactly("local");
    assertThat(strings(service("job").path("profiles"))).containsExactly("local");
    assertThat(strings(service("job-plaid").path("profiles"))).containsExactly("plaid");
    for (String always : List.of("kafka", "topic-init", "prometheus", "grafana")) {
      assertThat(service(always).has("profiles")).as(always).isFalse();
    }
  }

  @Test
  void shouldPinEveryImageAndRunKafkaAtThePomsVersion() throws java.io.IOException {
    // given
    String kafkaVersion = PomVersions.property("kafka.version");

    // then every image pulled is an exact version; Kafka's is the one the job is built and tested
    // with
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().has("build")) {
                assertThat(e.getValue().path("image").asText()).as(e.getKey()).matches(PINNED);
              }
            });
    assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
    assertThat(service("topic-init").path("image").asText())
        .isEqualTo("apache/kafka:" + kafkaVersion);
    // and the job's image is built here, never pulled: the Dockerfile's default target for the jobs
    // (the runtime jar), its devkit target for the emulator (the full CLI)
    for (String name : List.of("job", "job-plaid")) {
      assertThat(service(name).path("build").asText()).as(name).isEqualTo(".");
      assertThat(service(name).path("image").asText())
          .as(name)
          .isEqualTo("plaid-identity-stream:local");
    }
    JsonNode emulatorBuild = service("emulator").path("build");
    assertThat(emulatorBuild.path("context").asText()).isEqualTo(".");
    assertThat(emulatorBuild.path("target").asText()).isEqualTo("devkit");
    assertThat(DockerfileTest.stages(Files.readString(ComposeFile.ROOT.resolve("Dockerfile"))))
        .extracting(DockerfileTest.Stage::name)
        .contains("devkit");
    assertThat(service("emulator").path("image").asText())
        .isEqualTo("plaid-identity-stream-devkit:local");
    // and compose never tries a registry for them (without a pull_policy, the Compose
    // Specification has `up` try to pull an image that has a build section first)
    for (String name : List.of("job", "job-plaid", "emulator")) {
      assertThat(service(name).path("pull_policy").asText()).as(name).isEqualTo("build");
    }
  }

  @Test
  void shouldGiveEveryLongRunningServiceAHealthCheckARestartPolicyAndTheJobTimeToClose() {
    services
        .fields()
        .forEachRemaining(
            e -> {
              String name = e.getKey();
              JsonNode service = e.getValue();
              assertThat(service.path("restart").asText())
                  .as(name)
                  .isIn("unless-stopped", "always", "no");
              if (name.equals("topic-init")) {
                // a one-shot: the jobs wait for its exit 0; restarting it would not help them
                assertThat(service.path("restart").asText()).isEqualTo("no");
                return;
              }
              assertThat(service.path("restart").asText()).as(name).isEqualTo("unless-stopped");
              assertThat(strings(service.path("healthcheck").path("test")))
                  .as(name + " healthcheck")
                  .isNotEmpty();
              assertThat(service.path("healthcheck").path("disable").asBoolean(false))
                  .as(name)
                  .isFalse();
            });
    for (String name : JOB_SERVICES) {
      Duration grace = duration(service(name).path("stop_grace_period").asText());
      assertThat(grace).as(name).isGreaterThan(StreamingJob.CLOSE_TIMEOUT.plusSeconds(10));
      String check = String.join(" ", strings(service(name).path("healthcheck").path("test")));
      int port = Integer.parseInt(properties(service(name)).get(AppConfig.METRICS_PORT_CONFIG));
      assertThat(check)
          .as(name)
          .contains("/dev/tcp/127.0.0.1/" + port)
          .contains("GET /health/ready ");
    }
  }

  @Test
  void shouldKeepTheBrokersDataAndTheJobsStateOnNamedVolumes() {
    // given
    JsonNode kafka = service("kafka");
    String logDirs = environment(kafka).get("KAFKA_LOG_DIRS");

    // then the broker formats its (persistent) log dir with a valid, fixed cluster id
    assertThat(org.apache.kafka.common.Uuid.fromString(environment(kafka).get("CLUSTER_ID")))
        .isNotNull();
    // and the broker's log dir is a named volume, not the container's /tmp
    assertThat(logDirs).doesNotStartWith("/tmp");
    assertThat(Mount.of(kafka))
        .anyMatch(m -> m.named() && m.source().equals("kafka-data") && m.target().equals(logDirs));
    // and each job's state.dir is under the named volume job-state
    for (String name : JOB_SERVICES) {
      String stateDir = properties(service(name)).get("state.dir");
      assertThat(Mount.of(service(name)))
          .as(name)
          .anyMatch(
              m ->
                  m.named()
                      && m.source().equals("job-state")
                      && stateDir.startsWith(m.target() + "/"));
    }
    assertThat(compose.path("volumes").fieldNames())
        .toIterable()
        .contains("kafka-data", "job-state", "prometheus-data", "grafana-data");
    // and every mounted host file exists
    services
        .fields()
        .forEachRemaining(
            e ->
                Mount.of(e.getValue()).stream()
                    .filter(m -> m.source().startsWith("./"))
                    .forEach(m -> assertThat(m.hostPath()).as(e.getKey() + " " + m).exists()));
  }

  @Test
  void shouldPublishAHostListenerOnLoopbackThatConfigLocalPropertiesReaches() {
    // given
    JsonNode kafka = service("kafka");
    Map<String, String> env = environment(kafka);
    String published = strings(kafka.path("ports")).get(0);
    Map<String, String> local =
        ConfigLoader.merge(ROOT.resolve("config/local.properties"), Map.of(), Map.of());

    // then the host port (default 9092) reaches the HOST listener and is what it advertises
    assertThat(published).isEqualTo("127.0.0.1:${KAFKA_HOST_PORT:-9092}:19092");
    assertThat(env.get("KAFKA_LISTENERS")).contains("HOST://:19092").contains("PLAINTEXT://:9092");
    assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
        .contains("PLAINTEXT://kafka:9092")
        .contains("HOST://127.0.0.1:${KAFKA_HOST_PORT:-9092}");
    assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).contains("HOST:PLAINTEXT");
    assertThat(local.get("bootstrap.servers")).isEqualTo("127.0.0.1:9092");
    // and the jobs use the compose network's listener
    for (String name : JOB_SERVICES) {
      assertThat(properties(service(name)).get("bootstrap.servers"))
          .as(name)
          .isEqualTo("kafka:9092");
    }
  }

  @Test
  void shouldCreateExactlyTheJobsDefaultTopicsWithItemsCompacted() {
    // given
    JsonNode init = service("topic-init");
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
    created.forEach(
        (topic, line) -> {
          boolean compacted = line.contains("--config cleanup.policy=compact");
          assertThat(compacted).as(topic).isEqualTo(topic.equals(defaults.items()));
        });
    assertThat(init.path("depends_on").path("kafka").path("condition").asText())
        .isEqualTo("service_healthy");
    for (String name : JOB_SERVICES) {
      AppConfig config =
          ConfigLoader.load(ROOT.resolve(mountedConfig(name)), credentials(), Map.of());
      assertThat(config.topics()).as(name).isEqualTo(Topics.DEFAULTS);
      assertThat(config.getBoolean(AppConfig.TOPICS_CREATE_CONFIG)).as(name).isFalse();
      assertThat(service(name).path("depends_on").path("topic-init").path("condition").asText())
          .isEqualTo("service_completed_successfully");
    }
  }

  @Test
  void shouldRunTheLocalJobAgainstTheEmulatorWithMadeUpCredentialsOnly() {
    // given
    JsonNode job = service("job");
    JsonNode emulator = service("emulator");
    AppConfig config =
        ConfigLoader.load(ROOT.resolve(mountedConfig("job")), credentials(), Map.of());

    // then the job reaches the emulator on loopback, sharing its network namespace
    List<String> command = strings(emulator.path("command"));
    URI plaid = URI.create(config.getString(AppConfig.PLAID_BASE_URL_CONFIG));
    assertThat(command.get(0)).isEqualTo("emulator");
    assertThat(plaid.getHost()).isEqualTo("127.0.0.1");
    assertThat(plaid.getPort())
        .isEqualTo(Integer.parseInt(command.get(command.indexOf("--port") + 1)));
    assertThat(job.path("network_mode").asText()).isEqualTo("service:emulator");
    assertThat(job.path("depends_on").path("emulator").path("condition").asText())
        .isEqualTo("service_healthy");
    // and both take the emulator's own variables, never the real PLAID_* of the user's shell
    for (JsonNode service : List.of(job, emulator)) {
      Map<String, String> env = environment(service);
      assertThat(env.get(ConfigLoader.ENV_CLIENT_ID)).startsWith("${EMULATOR_CLIENT_ID:-");
      assertThat(env.get(ConfigLoader.ENV_SECRET)).startsWith("${EMULATOR_SECRET:-");
      assertThat(env.get(ConfigLoader.ENV_LOG_FORMAT)).isEqualTo("json");
    }
  }

  @Test
  void shouldRunThePlaidJobAgainstPlaidByEnvironmentWithCredentialsFromEnvOrFiles() {
    // given
    JsonNode job = service("job-plaid");
    Map<String, String> env = environment(job);
    Path mounted = ROOT.resolve(mountedConfig("job-plaid"));

    // then no emulator: no base URL, its own network, plaid.env from PLAID_ENV (sandbox by default)
    assertThat(job.has("network_mode")).isFalse();
    assertThat(job.path("depends_on").has("emulator")).isFalse();
    assertThat(ConfigLoader.merge(mounted, Map.of(), Map.of()))
        .doesNotContainKey(AppConfig.PLAID_BASE_URL_CONFIG);
    assertThat(env.get("PIS_PLAID_ENV")).isEqualTo("${PLAID_ENV:-sandbox}");
    Map<String, String> production = new LinkedHashMap<>(credentials());
    production.put("PIS_PLAID_ENV", "production");
    assertThat(
            ConfigLoader.load(mounted, production, Map.of()).getString(AppConfig.PLAID_ENV_CONFIG))
        .isEqualTo("production");
    assertThat(
            ConfigLoader.load(mounted, credentials(), Map.of())
                .getString(AppConfig.PLAID_ENV_CONFIG))
        .isEqualTo("sandbox");
    // and credentials pass through from the shell (null: no value written here) or come from the
    // mounted files
    assertThat(env)
        .containsEntry(ConfigLoader.ENV_CLIENT_ID, null)
        .containsEntry(ConfigLoader.ENV_SECRET, null);
    Mount secrets =
        Mount.of(job).stream()
            .filter(m -> m.target().equals("/run/secrets/plaid"))
            .findFirst()
            .orElseThrow();
    assertThat(secrets.options()).isEqualTo("ro");
    assertThat(secrets.source()).isEqualTo("${PLAID_SECRETS_DIR:-./secrets}");
    assertThat(env.get(ConfigLoader.ENV_CLIENT_ID_FILE)).isEqualTo("/run/secrets/plaid/client_id");
    assertThat(env.get(ConfigLoader.ENV_SECRET_FILE)).isEqualTo("/run/secrets/plaid/secret");
    assertThat(ROOT.resolve("secrets/.gitignore")).content().contains("*").contains("!README.md");
    assertThat(env.values()).noneMatch(v -> v != null && v.contains("EMULATOR"));
  }

  @Test
  void shouldServeMetricsOnTheComposeNetworkWherePrometheusScrapes() {
    // given
    JsonNode prometheusConfig = ComposeFile.read(ROOT.resolve("config/prometheus.yml"));
    List<String> targets =
        strings(
            prometheusConfig
                .path("scrape_configs")
                .get(0)
                .path("static_configs")
                .get(0)
                .path("targets"));

    // then each job listens on all addresses at the port Prometheus scrapes, under the alias `job`
    assertThat(targets).hasSize(1);
    String target = targets.get(0);
    String host = target.substring(0, target.indexOf(':'));
    int port = Integer.parseInt(target.substring(target.indexOf(':') + 1));
    for (String name : JOB_SERVICES) {
      Map<String, String> props = properties(service(name));
      assertThat(props)
          .as(name)
          .containsEntry(AppConfig.METRICS_BIND_ADDRESS_CONFIG, "0.0.0.0")
          .containsEntry(AppConfig.METRICS_PORT_CONFIG, String.valueOf(port));
    }
    // the local job has no network of its own: the emulator's namespace carries the alias
    assertThat(strings(service("emulator").path("networks").path("default").path("aliases")))
        .containsExactly(host);
    assertThat(strings(service("job-plaid").path("networks").path("default").path("aliases")))
        .containsExactly(host);
    // and Prometheus loads the alert rules from the file next to its configuration
    assertThat(strings(prometheusConfig.path("rule_files"))).containsExactly("alerts.yml");
    assertThat(Mount.of(service("prometheus")))
        .contains(new Mount("./config/prometheus.yml", "/etc/prometheus/prometheus.yml", "ro"))
        .contains(new Mount("./config/alerts.yml", "/etc/prometheus/alerts.yml", "ro"));
  }

  @Test
  void shouldProvisionGrafanaWithThePrometheusServiceAndTheDashboard() {
    // given
    JsonNode grafana = service("grafana");
    Mount provisioning =
        Mount.of(grafana).stream()
            .filter(m -> m.target().equals("/etc/grafana/provisioning"))
            .findFirst()
            .orElseThrow();
    JsonNode datasources =
        ComposeFile.read(provisioning.hostPath().resolve("datasources/prometheus.yml"));
    JsonNode dashboards =
        ComposeFile.read(provisioning.hostPath().resolve("dashboards/plaid-identity-stream.yml"));
    Mount dashboard =
        Mount.of(grafana).stream()
            .filter(m -> m.source().equals("./config/grafana-dashboard.json"))
            .findFirst()
            .orElseThrow();

    // then the data source is the prometheus service at its container port
    JsonNode source = datasources.path("datasources").get(0);
    assertThat(source.path("type").asText()).isEqualTo("prometheus");
    assertThat(source.path("isDefault").asBoolean()).isTrue();
    String published = strings(service("prometheus").path("ports")).get(0);
    assertThat(source.path("url").asText())
        .isEqualTo("http://prometheus:" + published.substring(published.lastIndexOf(':') + 1));
    // and the dashboard file is where the provider looks
    String path = dashboards.path("providers").get(0).path("options").path("path").asText();
    assertThat(dashboard.target()).startsWith(path + "/").endsWith(".json");
    assertThat(grafana.path("depends_on").path("prometheus").path("condition").asText())
        .isEqualTo("service_healthy");
  }

  private String mountedConfig(String service) {
    return Mount.of(service(service)).stream()
        .filter(m -> m.target().equals("/etc/plaid-identity-stream/job.properties"))
        .findFirst()
        .orElseThrow()
        .source();
  }

  private static Map<String, String> credentials() {
    return Map.of(ConfigLoader.ENV_CLIENT_ID, "id", ConfigLoader.ENV_SECRET, "s");
  }

  /** A compose duration such as {@code 45s}, {@code 1m30s}. */
  static Duration duration(String text) {
    Matcher m = Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?").matcher(text);
    assertThat(m.matches() && !text.isEmpty()).as("a duration: " + text).isTrue();
    long minutes = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long seconds = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return Duration.ofMinutes(minutes).plusSeconds(seconds);
  }
}
