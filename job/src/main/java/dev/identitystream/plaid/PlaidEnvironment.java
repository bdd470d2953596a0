package dev.identitystream.plaid;

import java.net.URI;
import java.util.Locale;

/** Plaid's two environments and their base URLs (docs/configuration.md, {@code plaid.env}). */
public enum PlaidEnvironment {
  SANDBOX("https://sandbox.plaid.com"),
  PRODUCTION("https://production.plaid.com");

  private final URI baseUrl;

  PlaidEnvironment(String baseUrl) {
    this.baseUrl = URI.create(baseUrl);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * Parses {@code sandbox} or {@code production}, ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static PlaidEnvironment fromName(String name) {
    if (name != null) {
      for (PlaidEnvironment env : values()) {
        if (env.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
          return env;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown Plaid environment '" + name + "'; expected 'sandbox' or 'production'");
  }
}
