package dev.identitystream.app;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Checks a configuration and prints the effective values, secrets masked. */
@Command(
    name = "validate-config",
    mixinStandardHelpOptions = true,
    description = "Check a configuration and print the effective values (secrets masked).",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:valid", "2:bad usage", "3:invalid configuration (the message names the key)"})
public final class ValidateConfigCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AppConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    out.println("# app settings");
    new TreeMap<>(config.values())
        .forEach((key, value) -> out.println(key + "=" + masked(key, value)));
    out.println("# Kafka settings (defaults of the job, then yours)");
    Map<String, Object> kafka = new TreeMap<>();
    java.util.Properties streamsProps = StreamingJob.streamsProperties(config);
    if (streamsProps.containsKey(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      new org.apache.kafka.streams.StreamsConfig(streamsProps); // validates the Kafka keys' values
    } else {
      out.println("# note: bootstrap.servers is not set");
    }
    streamsProps.forEach((key, value) -> kafka.put(key.toString(), value));
    kafka.forEach((key, value) -> out.println(key + "=" + masked(key, value)));
    out.println("# configuration is valid");
    return ExitCodes.OK;
  }

  static String masked(String key, Object value) {
    if (value == null) {
      return "";
    }
    if (ConfigLoader.isSecret(key)) {
      return value.toString().isEmpty() ? "" : "[hidden]";
    }
    return value.toString();
  }
}
