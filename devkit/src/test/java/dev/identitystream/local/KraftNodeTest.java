package dev.identitystream.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftNodeTest {

  @TempDir Path tempDir;

  @Test
  void shouldConfigureSingleNodeForTransactionsAndFastRebalances() {
    // given
    KraftNode node = KraftNode.prepare(BrokerOptions.defaults().withWorkDir(tempDir));

    // when
    Properties props = node.serverProperties();

    // then
    assertThat(props)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("group.streams.initial.rebalance.delay.ms", "0")
        .containsEntry("listeners", props.getProperty("advertised.listeners"));
    assertThat(props.getProperty("listeners"))
        .startsWith("PLAINTEXT://" + node.bootstrapServers() + ",CONTROLLER://127.0.0.1:");
  }

  @Test
  void shouldLetExtraPropertiesOverrideDefaults() {
    // given
    BrokerOptions options =
        BrokerOptions.defaults()
            .withWorkDir(tempDir)
            .withProperty("broker.session.timeout.ms", "9000")
            .withProperty("num.partitions", "4");

    // when
    Properties props = KraftNode.prepare(options).serverProperties();

    // then
    assertThat(props)
        .containsEntry("broker.session.timeout.ms", "9000")
        .containsEntry("num.partitions", "4");
  }

  @Test
  void shouldFormatOnceAndKeepPortsWhenWorkDirIsReused() throws IOException {
    // given
    KraftNode first = KraftNode.prepare(BrokerOptions.defaults().withWorkDir(tempDir));
    Properties firstMeta = load(tempDir.resolve("kraft-logs/meta.properties"));

    // when
    KraftNode second = KraftNode.prepare(BrokerOptions.defaults().withWorkDir(tempDir));

    // then
    assertThat(second.bootstrapServers()).isEqualTo(first.bootstrapServers());
    assertThat(second.serverProperties()).isEqualTo(first.serverProperties());
    assertThat(firstMeta.getProperty("cluster.id")).isNotBlank();
    assertThat(load(tempDir.resolve("kraft-logs/meta.properties"))).isEqualTo(firstMeta);
    assertThat(load(second.serverPropertiesFile())).isEqualTo(second.serverProperties());
  }

  @Test
  void shouldUseGivenPortOverSavedOne() {
    // given
    KraftNode.prepare(BrokerOptions.defaults().withWorkDir(tempDir));
    int port = FreePorts.pick(1).get(0);

    // when
    BrokerOptions options = BrokerOptions.defaults().withWorkDir(tempDir).withPort(port);
    KraftNode node = KraftNode.prepare(options);

    // then
    assertThat(node.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
  }

  @Test
  void shouldDeleteOnlyTheTemporaryWorkDirItCreated() {
    // given
    KraftNode temporary = KraftNode.prepare(BrokerOptions.defaults());
    KraftNode given = KraftNode.prepare(BrokerOptions.defaults().withWorkDir(tempDir.resolve("w")));

    // when
    temporary.deleteWorkDirIfOwned();
    given.deleteWorkDirIfOwned();

    // then
    assertThat(Files.exists(temporary.workDir())).isFalse();
    assertThat(given.workDir()).isDirectory();
  }

  private static Properties load(Path file) throws IOException {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      props.load(reader);
    }
    return props;
  }
}
