package dev.identitystream.local;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class one started {@link EmbeddedKafkaBroker}, closed after its last test. Tests
 * share it, so each should use its own topic names ({@link TestClients#uniqueName}).
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * ... KAFKA.bootstrapServers() ...
 * }</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

  private final BrokerOptions options;
  private EmbeddedKafkaBroker broker;

  public KafkaBrokerExtension() {
    this(BrokerOptions.defaults());
  }

  public KafkaBrokerExtension(BrokerOptions options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.start(options);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  public EmbeddedKafkaBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("the broker starts before the first test of the class");
    }
    return broker;
  }

  public String bootstrapServers() {
    return broker().bootstrapServers();
  }
}
