package dev.identitystream.emulator;

/**
 * A switchable outage of the whole emulator, for outage tests ({@link PlaidEmulator#setOutage}).
 */
public enum OutageMode {
  /** Normal service. */
  NONE,
  /** Every request gets HTTP 503 {@code API_ERROR} / {@code PLANNED_MAINTENANCE}. */
  MAINTENANCE,
  /**
   * Every request gets HTTP 400 {@code INVALID_INPUT} / {@code INVALID_API_KEYS}, whatever its
   * credentials: what a client sees after its secret was rotated away.
   */
  INVALID_API_KEYS,
  /**
   * Every request, whatever its path, gets HTTP 403 with an HTML page and no Plaid error body: what
   * a client sees when a proxy or firewall between it and Plaid refuses the call.
   */
  PROXY_FORBIDDEN,
  /**
   * The listening socket is closed and open connections are cut: connections are refused until the
   * outage ends, when the emulator listens again on the same port.
   */
  REFUSE_CONNECTIONS
}
