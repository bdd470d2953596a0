package dev.identitystream.app.observability;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics and health of one {@link StreamingJob}: the Prometheus registry, the job's own meters
 * ({@link JobMetrics}, {@link TaskLoadMeters}), JVM and process metrics (Micrometer's binders:
 * memory, GC, threads, class loading, CPU, uptime, file descriptors), Kafka Streams' metrics bound
 * through Micrometer's Kafka binder, and the HTTP endpoint ({@link MetricsServer}) unless {@code
 * metrics.port} is -1.
 *
 * <p>Use: {@link #create} (which opens the endpoint at once, so a taken {@code metrics.port} fails
 * before anything connects to Kafka), pass {@link #metrics()} to the Plaid client and the job,
 * {@link #bind} the job after constructing it, close after the job. Until bound, liveness is UP and
 * readiness DOWN (state CREATED).
 *
 * <p>Threading: create, bind and close from one thread (the CLI's); the endpoint reads the bound
 * job through a volatile field.
 */
public final class Observability implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

  /** How often newly created Kafka client metrics (per thread, per partition) are picked up. */
  private static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

  /** How often the per-task gauges and the backpressure state are sampled. */
  private static final Duration TASK_LOAD_REFRESH = Duration.ofSeconds(1);

  private final AppConfig config;
  private final PrometheusMeterRegistry registry;
  private final JobMetrics metrics;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private ScheduledExecutorService scheduler;
  private KafkaStreamsMetrics streamsMetrics;
  private MetricsServer server;
  private volatile StreamingJob job;

  private Observability(AppConfig config) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new JobMetrics(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * Creates the registry and starts the endpoint unless {@code metrics.port} is -1.
   *
   * @throws ConfigException naming {@code metrics.port} when the endpoint cannot listen
   */
  public static Observability create(AppConfig config) {
    Observability observability = new Observability(config);
    observability.startServer();
    return observability;
  }

  public JobMetrics metrics() {
    return metrics;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Binds the job's gauges and Kafka Streams' metrics; the endpoint then reports its health. */
  public void bind(StreamingJob job) {
    int maxPendingPerTask = config.getInt(AppConfig.STAGE_MAX_PENDING_CONFIG);
    metrics.bindStage(job.built(), config.topics(), maxPendingPerTask);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "metrics-refresh");
              thread.setDaemon(true);
              return thread;
            });
    streamsMetrics =
        new KafkaStreamsMetrics(job.streams(), List.of(), scheduler, KAFKA_METRICS_REFRESH);
    streamsMetrics.bindTo(registry);
    TaskLoadMeters taskLoads =
        new TaskLoadMeters(
            registry, job.built().pending()::byTask, maxPendingPerTask, System::nanoTime);
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            taskLoads.refresh();
          } catch (RuntimeException e) {
            LOG.warn("Sampling the tasks' load failed: {}", e.toString());
          }
        },
        0,
        TASK_LOAD_REFRESH.toMillis(),
        TimeUnit.MILLISECONDS);
    this.job = job;
  }

  private void startServer() {
    int port = config.getInt(AppConfig.METRICS_PORT_CONFIG);
    if (port < 0) {
      return;
    }
    String address = config.getString(AppConfig.METRICS_BIND_ADDRESS_CONFIG);
    try {
      server =
          MetricsServer.start(
              address,
              port,
              registry,
              () -> {
                StreamingJob bound = job;
                return bound == null
                    ? Health.live(KafkaStreams.State.CREATED, null)
                    : Health.live(bound.streams().state(), bound.fatalError());
              },
              () -> {
                StreamingJob bound = job;
                return Health.ready(
                    bound == null ? KafkaStreams.State.CREATED : bound.streams().state(),
                    metrics.clientErrorPause());
              });
    } catch (IOException e) {
      gcMetrics.close();
      registry.close();
      throw new ConfigException(
          AppConfig.METRICS_PORT_CONFIG,
          port,
          "cannot listen on "
              + address
              + ":"
              + port
              + " ("
              + ErrorText.describe(e)
              + "); change it, use 0 for a free port, or -1 to turn the endpoint off");
    }
  }

  /** The endpoint's base URL, when it runs. */
  public Optional<String> url() {
    return Optional.ofNullable(server).map(MetricsServer::url);
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    gcMetrics.close();
    registry.close();
  }
}
