package bench;

import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes N request events to `requests` at a fixed rate, open loop: request i is due at start + i / rate whatever
 * the peer does, and its record's CreateTime is the wall clock at its send. Key `item-<rnd(KEYS)>` (seed 42), value
 * {"access_token":"access-sandbox-<uuid>","request_id":"req-<i>"}: the events of bench.Loader, paced.
 * The producer does not linger (linger.ms=0), so a request waits for no batch-mate before it leaves.
 *
 * <p>Threading: {@link #run} on one thread (the pacer); the counters may be read from any thread.
 */
final class PacedLoad implements Runnable {
  private final String bootstrap;
  private final int n;
  private final double rate;
  private final int keys;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  /** The largest delay of a send behind its due time, ns: the pacer's own lateness (coordinated omission). */
  final AtomicLong maxLagNs = new AtomicLong();
  private volatile boolean finished;

  PacedLoad(String bootstrap, int n, double rate, int keys) {
    this.bootstrap = bootstrap;
    this.n = n;
    this.rate = rate;
    this.keys = keys;
  }

  boolean finished() {
    return finished;
  }

  @Override
  public void run() {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 0);
    Random rnd = new Random(42);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.partitionsFor("requests"); // metadata before the clock starts
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        long due = start + (long) (i * 1e9 / rate);
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now);
        }
        maxLagNs.accumulateAndGet(System.nanoTime() - due, Math::max);
        String key = "item-" + rnd.nextInt(keys);
        String value = "{\"access_token\":\"access-sandbox-" + UUID.randomUUID() + "\",\"request_id\":\"req-" + i + "\"}";
        producer.send(new ProducerRecord<>("requests", null, System.currentTimeMillis(), key, value),
            (metadata, e) -> (e == null ? sent : failed).incrementAndGet());
      }
      producer.flush();
    } finally {
      finished = true;
    }
  }
}
