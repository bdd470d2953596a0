package dev.identitystream.app.demo;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.app.job.JobLifecycle;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;

/**
 * {@code demo --no-job}: a broker and the emulator on the addresses of {@code
 * config/local.properties} (127.0.0.1:9092 and 127.0.0.1:8089 by default), no job and no sample
 * requests, until Ctrl-C or SIGTERM. The broker's data is temporary and deleted on stop (use the
 * {@code broker} command for data that stays). The emulator expects {@code PLAID_CLIENT_ID} /
 * {@code PLAID_SECRET} when they are set in the environment, else accepts any credentials.
 */
final class DemoServices {

  private DemoServices() {}

  static int run(
      CommandLine commandLine,
      int brokerPort,
      int emulatorPort,
      long latencyMs,
      JobLifecycle lifecycle)
      throws InterruptedException {
    PrintWriter out = commandLine.getOut();
    PrintWriter err = commandLine.getErr();
    BrokerOptions brokerOptions = BrokerOptions.defaults().withPort(brokerPort);
    Optional<String> busy = EmbeddedKafkaBroker.whyCannotStart(brokerOptions);
    if (busy.isPresent()) {
      err.println(
          "demo: cannot start the broker: "
              + busy.get()
              + " (a broker already running? then start only"
              + " the emulator: emulator --port "
              + emulatorPort
              + ")");
      return ExitCodes.FAILURE;
    }
    String clientId = System.getenv(ConfigLoader.ENV_CLIENT_ID);
    String secret = System.getenv(ConfigLoader.ENV_SECRET);
    out.println("Starting a Kafka broker and the Plaid emulator (no job)...");
    out.flush();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerOptions)) {
      PlaidEmulator emulator;
      try {
        emulator =
            PlaidEmulator.start(
                EmulatorOptions.builder()
                    .port(emulatorPort)
                    .credentials(clientId, secret)
                    .latency(Duration.ofMillis(latencyMs))
                    .build());
      } catch (RuntimeException e) {
        err.println(
            "demo: cannot start the emulator on 127.0.0.1:"
                + emulatorPort
                + ": "
                + ErrorText.describe(e));
        return ExitCodes.FAILURE;
      }
      try (emulator) {
        out.println(
            "Kafka broker:   "
                + broker.bootstrapServers()
                + " (data deleted on stop; the broker command keeps it)");
        out.println(
            "Plaid emulator: "
                + emulator.baseUrl()
                + (secret == null
                    ? " (accepts any credentials)"
                    : " (expects PLAID_CLIENT_ID and PLAID_SECRET as set here)"));
        out.println("In another terminal (README, \"From the demo to a local pipeline\"):");
        out.println(
            "  PLAID_CLIENT_ID=local PLAID_SECRET=local-secret java -jar target/plaid-identity-stream.jar run --config config/local.properties"
                + (brokerPort == 9092
                    ? ""
                    : " --set bootstrap.servers=" + broker.bootstrapServers())
                + (emulatorPort == 8089 ? "" : " --set plaid.base.url=" + emulator.baseUrl()));
        out.println("Ctrl-C or SIGTERM stops both.");
        out.flush();
        lifecycle.awaitSignal();
        out.println(lifecycle.signalName() + " received: stopping the emulator and the broker.");
        out.flush();
      }
    }
    return ExitCodes.OK;
  }
}
