package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PIS_LOG_FORMAT and PIS_LOG_LEVEL: any case works, a typo exits naming the variable. */
class LogSettingsTest {

  @Test
  void shouldAcceptTheFormatInAnyCaseAndNormalizeItForLogback() {
    Properties system = new Properties();
    assertThat(
            LogSettings.apply(Map.of("PIS_LOG_FORMAT", "JSON", "PIS_LOG_LEVEL", "debug"), system))
        .isNull();
    assertThat(system.getProperty("PIS_LOG_FORMAT")).isEqualTo("json");
    assertThat(system.getProperty("PIS_LOG_LEVEL")).isEqualTo("DEBUG");
  }

  @Test
  void shouldNameTheVariableAndItsAllowedValuesOnATypo() {
    assertThat(LogSettings.apply(Map.of("PIS_LOG_FORMAT", "jsno"), new Properties()))
        .contains("PIS_LOG_FORMAT=jsno")
        .contains("[text, json]");
    assertThat(LogSettings.apply(Map.of("PIS_LOG_LEVEL", "verbose"), new Properties()))
        .contains("PIS_LOG_LEVEL=verbose")
        .contains("INFO");
  }

  @Test
  void shouldLetASystemPropertyWinOverTheEnvironmentAsLogbackDoes() {
    Properties system = new Properties();
    system.setProperty("PIS_LOG_FORMAT", "Text");
    assertThat(LogSettings.apply(Map.of("PIS_LOG_FORMAT", "bogus"), system)).isNull();
    assertThat(system.getProperty("PIS_LOG_FORMAT")).isEqualTo("text");
  }

  @Test
  void shouldExitWithConfigOnABadFormatAndConfigureLogbackForUpperCaseJson() throws Exception {
    // when: the real main in its own JVM (logging is configured once per JVM)
    Result bad =
        main(Map.of("PIS_LOG_FORMAT", "xml"), "validate-config", "--set", "bootstrap.servers=x:1");
    Result json =
        main(
            Map.of("PIS_LOG_FORMAT", "JSON"),
            "validate-config",
            "--set",
            "bootstrap.servers=127.0.0.1:1",
            "--set",
            "plaid.client.id=c",
            "--set",
            "plaid.base.url=http://127.0.0.1:1",
            "--set",
            "main.consumer.no.such.key=1");

    // then a typo exits 3 naming the variable; upper-case JSON works and logback prints no status
    // lines
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(bad.output())
        .contains("PIS_LOG_FORMAT=xml is not a log format; use one of [text, json]");
    assertThat(json.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(json.output())
        .contains("main.consumer.no.such.key")
        .doesNotContain("|-WARN in ch.qos.logback")
        .doesNotContain("logback-JSON.xml");
  }

  private record Result(int exitCode, String output) {}

  /**
   * {@code java -cp <test class path> Main args} with the given environment (no PIS_* inherited).
   */
  private static Result main(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("PIS_") || name.startsWith("PLAID_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @Test
  void shouldKeepTheHttpClientsHeaderAndWireLogsOffEvenAtTrace() throws Exception {
    // given the shipped logback.xml, with everything the job logs turned up to TRACE
    ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
    context.putProperty("PIS_LOG_LEVEL", "TRACE");
    ch.qos.logback.classic.joran.JoranConfigurator configurator =
        new ch.qos.logback.classic.joran.JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogSettingsTest.class.getResource("/logback.xml"));
    context
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .setLevel(ch.qos.logback.classic.Level.TRACE);

    // then Apache HttpClient's loggers that print headers (PLAID-SECRET) and bodies (access_token)
    // stay off
    assertThat(context.getLogger("org.apache.hc.client5.http.headers").isErrorEnabled()).isFalse();
    assertThat(context.getLogger("org.apache.hc.client5.http.wire").isErrorEnabled()).isFalse();
    assertThat(context.getLogger("dev.identitystream").isTraceEnabled()).isTrue();
    context.stop();
  }
}
