package dev.identitystream.emulator;

import java.util.Locale;
import java.util.Optional;

/**
 * A failure the emulator can inject instead of a normal answer, by rate ({@link FaultRates}) or by
 * token ({@code access-sandbox-fail<N>x<KIND>-...}); {@link #fromTokenName} reads the KIND.
 */
public enum FaultKind {
  /** HTTP 429, {@code RATE_LIMIT_EXCEEDED} / {@code RATE_LIMIT}. */
  RATE_LIMIT_429("429"),
  /** HTTP 500, {@code API_ERROR} / {@code INTERNAL_SERVER_ERROR}. */
  SERVER_ERROR_500("500"),
  /** HTTP 502 with an HTML body and no Plaid error (as a proxy in front of Plaid would send). */
  BAD_GATEWAY_502("502"),
  /** HTTP 503, {@code API_ERROR} / {@code PLANNED_MAINTENANCE}. */
  UNAVAILABLE_503("503"),
  /**
   * No answer at all: the exchange is held open until the client gives up, and closed without a
   * response after {@link EmulatorOptions#timeoutHold()}.
   */
  TIMEOUT("timeout"),
  /**
   * HTTP 200 whose declared Content-Length is not reached: half the body, then the connection
   * closes.
   */
  TRUNCATED("truncated"),
  /** HTTP 200 with an HTML body instead of JSON. */
  NON_JSON("nonjson"),
  /** HTTP 200 with a valid JSON body padded to {@link EmulatorOptions#oversizeBytes()}. */
  OVERSIZE("oversize"),
  /** The connection is closed without any response. */
  DROP("drop");

  /** The KIND spelling in {@code fail<N>x<KIND>} tokens and on the command line. */
  private final String tokenName;

  FaultKind(String tokenName) {
    this.tokenName = tokenName;
  }

  /** The kind spelled {@code name} in a token (case-insensitive), if any. */
  public static Optional<FaultKind> fromTokenName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (FaultKind kind : values()) {
      if (kind.tokenName.equals(lower)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
