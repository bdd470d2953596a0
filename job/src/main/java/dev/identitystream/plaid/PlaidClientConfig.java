package dev.identitystream.plaid;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of {@link HttpPlaidClient}. Build with {@link #builder()}; the compact constructor
 * validates and normalizes. {@link #toString()} shows {@code secret=[hidden]}.
 *
 * @param baseUrl e.g. {@code https://sandbox.plaid.com}, or the emulator's loopback URL; no
 *     trailing slash
 * @param clientId sent as {@code PLAID-CLIENT-ID}
 * @param secret sent as {@code PLAID-SECRET}
 * @param attemptTimeout limit of one HTTP attempt, headers and body (default 10 s)
 * @param connectTimeout limit of opening a connection (default 5 s)
 * @param maxResponseBytes a larger body is refused without reading it all (default 2 MiB)
 * @param plaidVersion the {@code Plaid-Version} header (default {@code 2020-09-14})
 * @param userAgent the {@code User-Agent} header
 * @param httpVersion HTTP/1.1 by default (many connections, no head-of-line blocking); HTTP/2 is
 *     negotiated over TLS only when asked for
 * @param ioThreads the transport's I/O threads (default 2): Apache's reactor threads, which also
 *     read and parse the answers; for the JDK transport, the threads of its executor (beside the
 *     JDK's own selector thread)
 * @param transport the HTTP client underneath (default {@link Transport#APACHE}; see BENCHMARKS.md,
 *     "HTTP client comparison")
 * @param maxConnections connections to Plaid at most (default 256; the job sets {@code
 *     plaid.max.in.flight}); an attempt beyond them waits for a free one within its timeout. The
 *     JDK transport has no such bound
 */
public record PlaidClientConfig(
    URI baseUrl,
    String clientId,
    Secret secret,
    Duration attemptTimeout,
    Duration connectTimeout,
    int maxResponseBytes,
    String plaidVersion,
    String userAgent,
    HttpClient.Version httpVersion,
    int ioThreads,
    Transport transport,
    int maxConnections) {

  /** The HTTP client under {@link HttpPlaidClient}. */
  public enum Transport {
    /** Apache HttpClient 5 async: the least CPU per call of the clients measured. */
    APACHE,
    /**
     * The JDK's {@code java.net.http.HttpClient}: no dependency, about three times the CPU per
     * call.
     */
    JDK
  }

  public static final String DEFAULT_PLAID_VERSION = "2020-09-14";
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
  public static final String DEFAULT_USER_AGENT = "plaid-identity-stream/0.1";
  public static final int DEFAULT_MAX_CONNECTIONS = 256;

  /** Upper bound for {@link #maxResponseBytes}. */
  public static final int MAX_RESPONSE_BYTES_LIMIT = 256 * 1024 * 1024;

  private static final String ENDPOINT_PATH = "/identity/documents/uploads/get";
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  public PlaidClientConfig {
    baseUrl = checkBaseUrl(baseUrl);
    if (clientId == null || clientId.isBlank() || CONTROL.matcher(clientId).find()) {
      throw new IllegalArgumentException(
          "clientId must be non-empty text without control characters");
    }
    Objects.requireNonNull(secret, "secret must be set");
    if (CONTROL.matcher(secret.reveal()).find()) {
      throw new IllegalArgumentException(
          "secret must not contain control characters (e.g. a newline)");
    }
    attemptTimeout = positive(attemptTimeout, "attemptTimeout");
    connectTimeout = positive(connectTimeout, "connectTimeout");
    if (maxResponseBytes < 1 || maxResponseBytes > MAX_RESPONSE_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be in [1, "
              + MAX_RESPONSE_BYTES_LIMIT
              + "], got "
              + maxResponseBytes);
    }
    if (plaidVersion == null || plaidVersion.isBlank() || CONTROL.matcher(plaidVersion).find()) {
      throw new IllegalArgumentException("plaidVersion must be non-empty text");
    }
    if (userAgent == null || userAgent.isBlank() || CONTROL.matcher(userAgent).find()) {
      throw new IllegalArgumentException("userAgent must be non-empty text");
    }
    Objects.requireNonNull(httpVersion, "httpVersion must be set");
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads must be at least 1, got " + ioThreads);
    }
    Objects.requireNonNull(transport, "transport must be set");
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "maxConnections must be at least 1, got " + maxConnections);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code POST} target: {@code {baseUrl}/identity/documents/uploads/get}. */
  public URI endpoint() {
    return URI.create(baseUrl + ENDPOINT_PATH);
  }

  private static Duration positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
    return value;
  }

  private static URI checkBaseUrl(URI url) {
    Objects.requireNonNull(url, "baseUrl must be set");
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!url.isAbsolute() || url.getHost() == null) {
      throw new IllegalArgumentException(
          "baseUrl must be an absolute http(s) URL with a host: " + url);
    }
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "baseUrl must not carry user info, a query or a fragment: "
              + url.getScheme()
              + "://"
              + url.getHost());
    }
    if (scheme.equals("http")) {
      if (!isLoopback(url.getHost())) {
        throw new IllegalArgumentException(
            "plain http:// is allowed only to a loopback address (127.0.0.1, ::1, localhost); use https:// for "
                + url.getHost());
      }
    } else if (!scheme.equals("https")) {
      throw new IllegalArgumentException(
          "must use https:// (or http:// to a loopback address), not " + url);
    }
    String text = url.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }

  /** True for localhost and loopback IP literals; never resolves a name. */
  static boolean isLoopback(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
      return true;
    }
    if (h.indexOf(':') < 0) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Builds a {@link PlaidClientConfig}; an explicit base URL overrides the environment. */
  public static final class Builder {
    private PlaidEnvironment environment = PlaidEnvironment.SANDBOX;
    private URI baseUrl;
    private String clientId;
    private Secret secret;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private String plaidVersion = DEFAULT_PLAID_VERSION;
    private String userAgent = DEFAULT_USER_AGENT;
    private HttpClient.Version httpVersion = HttpClient.Version.HTTP_1_1;
    private int ioThreads = 2;
    private Transport transport = Transport.APACHE;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;

    private Builder() {}

    public Builder environment(PlaidEnvironment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Overrides the environment's URL (e.g. the emulator); null to use the environment. */
    public Builder baseUrl(URI baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder baseUrl(String baseUrl) {
      return baseUrl(baseUrl == null ? null : URI.create(baseUrl));
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder secret(Secret secret) {
      this.secret = secret;
      return this;
    }

    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder maxResponseBytes(int maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    public Builder plaidVersion(String plaidVersion) {
      this.plaidVersion = plaidVersion;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    public Builder httpVersion(HttpClient.Version httpVersion) {
      this.httpVersion = httpVersion;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public PlaidClientConfig build() {
      return new PlaidClientConfig(
          baseUrl != null ? baseUrl : environment.baseUrl(),
          clientId,
          secret,
          attemptTimeout,
          connectTimeout,
          maxResponseBytes,
          plaidVersion,
          userAgent,
          httpVersion,
          ioThreads,
          transport,
          maxConnections);
    }
  }
}
