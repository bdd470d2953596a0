package dev.identitystream.app.job;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.plaid.HttpPlaidClient;
import dev.identitystream.plaid.OffloadedPlaidClient;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidClientConfig;
import dev.identitystream.plaid.PlaidEnvironment;
import dev.identitystream.plaid.ResilienceConfig;
import dev.identitystream.plaid.ResilienceListener;
import dev.identitystream.plaid.ResilientPlaidClient;
import dev.identitystream.plaid.Secret;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the job's Plaid client (HTTP client inside the resilient decorator) from configuration.
 */
public final class PlaidClients {

  private PlaidClients() {}

  public static PlaidClientConfig httpConfig(AppConfig config) {
    String clientId = config.getString(AppConfig.PLAID_CLIENT_ID_CONFIG);
    String secret = config.plaidSecret().value();
    if (clientId.isEmpty() || secret.isEmpty()) {
      throw new ConfigException(
          "Plaid credentials are missing: set PLAID_CLIENT_ID and PLAID_SECRET in the environment"
              + " (or plaid.client.id / plaid.secret in a file readable only by its owner)");
    }
    PlaidClientConfig.Builder builder =
        PlaidClientConfig.builder()
            .environment(PlaidEnvironment.fromName(config.getString(AppConfig.PLAID_ENV_CONFIG)))
            .clientId(clientId)
            .secret(Secret.of(secret))
            .attemptTimeout(Duration.ofMillis(config.getLong(AppConfig.PLAID_TIMEOUT_MS_CONFIG)))
            .maxResponseBytes(config.getInt(AppConfig.PLAID_MAX_RESPONSE_BYTES_CONFIG))
            .transport(
                PlaidClientConfig.Transport.valueOf(
                    config.getString(AppConfig.PLAID_HTTP_CLIENT_CONFIG).toUpperCase(Locale.ROOT)))
            .ioThreads(config.getInt(AppConfig.PLAID_HTTP_IO_THREADS_CONFIG))
            .maxConnections(config.getInt(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG));
    String baseUrl = config.getString(AppConfig.PLAID_BASE_URL_CONFIG);
    if (!baseUrl.isBlank()) {
      builder.baseUrl(baseUrl);
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(AppConfig.PLAID_BASE_URL_CONFIG, baseUrl, e.getMessage());
    }
  }

  public static ResilienceConfig resilienceConfig(AppConfig config) {
    return ResilienceConfig.defaults().toBuilder()
        .deadline(Duration.ofMillis(config.getLong(AppConfig.PLAID_DEADLINE_MS_CONFIG)))
        .maxAttempts(config.getInt(AppConfig.PLAID_RETRY_MAX_ATTEMPTS_CONFIG))
        .backoff(
            Duration.ofMillis(config.getLong(AppConfig.PLAID_RETRY_BACKOFF_MS_CONFIG)),
            Duration.ofMillis(config.getLong(AppConfig.PLAID_RETRY_BACKOFF_MAX_MS_CONFIG)))
        .requestsPerMinute(config.getInt(AppConfig.PLAID_REQUESTS_PER_MINUTE_CONFIG))
        .breakerFailureRatePercent(
            config.getDouble(AppConfig.PLAID_BREAKER_FAILURE_RATE_CONFIG).floatValue())
        .breakerOpenDuration(
            Duration.ofMillis(config.getLong(AppConfig.PLAID_BREAKER_OPEN_MS_CONFIG)))
        .clientErrorProbeInterval(
            Duration.ofMillis(config.getLong(AppConfig.PLAID_CLIENT_ERROR_PROBE_MS_CONFIG)))
        .liveReserve(config.liveReserve())
        .itemRateLimitSpacing(
            Duration.ofMillis(config.getLong(AppConfig.PLAID_ITEM_SPACING_MS_CONFIG)))
        .concurrency(
            config.getBoolean(AppConfig.PLAID_CONCURRENCY_ADAPTIVE_CONFIG),
            config.getInt(AppConfig.PLAID_CONCURRENCY_MIN_CONFIG),
            config.getInt(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG))
        .build();
  }

  /** The production client: retries, rate limit and circuit breaker around the HTTP client. */
  public static PlaidClient create(AppConfig config) {
    return create(config, ResilienceListener.NONE);
  }

  /** As {@link #create(AppConfig)}, reporting attempts, retries, waits and breaker changes. */
  public static PlaidClient create(AppConfig config, ResilienceListener listener) {
    PlaidClientConfig http = httpConfig(config);
    ResilienceConfig resilience;
    try {
      resilience = resilienceConfig(config);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid retry or breaker settings: " + e.getMessage());
    }
    // Calls start on a thread of their own, so the stream thread that dispatches them only decides.
    return new OffloadedPlaidClient(
        new ResilientPlaidClient(new HttpPlaidClient(http), resilience, listener));
  }
}
