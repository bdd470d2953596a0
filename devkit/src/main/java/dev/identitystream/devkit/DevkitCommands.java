package dev.identitystream.devkit;

import dev.identitystream.app.CliExtension;
import dev.identitystream.app.demo.BrokerCommand;
import dev.identitystream.app.demo.DemoCommand;
import dev.identitystream.app.replay.RecordCommand;
import dev.identitystream.app.replay.ReplayCommand;
import dev.identitystream.emulator.EmulatorCommand;
import java.util.List;

/**
 * The devkit's commands in the full CLI: a local broker, the emulator, the demo, record and replay.
 */
public final class DevkitCommands implements CliExtension {

  @Override
  public List<Object> commands() {
    return List.of(
        new DemoCommand(),
        new BrokerCommand(),
        new EmulatorCommand(),
        new RecordCommand(),
        new ReplayCommand());
  }
}
