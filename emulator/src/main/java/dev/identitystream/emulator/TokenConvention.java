package dev.identitystream.emulator;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an access token asks of the emulator. Tokens have Plaid's format {@code
 * access-<sandbox|production>-<id>}; sandbox tokens whose id starts with a keyword select a
 * behaviour (see {@link PlaidEmulator} and {@code docs/EMULATOR.md}). Parsing never keeps or prints
 * the token.
 */
sealed interface TokenConvention {

  int MAX_TOKEN_LENGTH = 256;
  int MAX_ACCOUNTS = 100;
  int MAX_FAILURES = 1_000;

  /** Realistic data derived from the token. */
  record Plain() implements TokenConvention {}

  /** Always answer this Plaid error code. */
  record ErrorCode(String code) implements TokenConvention {}

  /** Exactly {@code count} accounts. */
  record Accounts(int count) implements TokenConvention {}

  /** The first {@code failures} calls fail with {@code kind}; later calls succeed. */
  record FailFirst(int failures, FaultKind kind) implements TokenConvention {}

  /** A 200 whose {@code item.error} is a non-null PlaidError. */
  record ItemError() implements TokenConvention {}

  /** A 200 with unknown fields and unknown enum values. */
  record UnknownFields() implements TokenConvention {}

  /** A keyword with a bad argument (e.g. {@code accounts0}); answered as INVALID_ACCESS_TOKEN. */
  record Misused(String reason) implements TokenConvention {}

  Pattern FORMAT = Pattern.compile("access-(sandbox|production)-([A-Za-z0-9][A-Za-z0-9_-]*)");
  Pattern ERROR = Pattern.compile("error-([A-Za-z0-9_]+)(?:-.*)?");
  Pattern ACCOUNTS = Pattern.compile("accounts(\\d{1,6})(?:-.*)?");
  Pattern FAIL = Pattern.compile("fail(\\d{1,6})x([A-Za-z0-9]+)(?:-.*)?");
  Pattern ITEM_ERROR = Pattern.compile("itemerror(?:-.*)?");
  Pattern UNKNOWN = Pattern.compile("unknown(?:-.*)?");

  /**
   * Reads a token: empty when it is not {@code access-<sandbox|production>-<id>} (or too long),
   * which the emulator answers with INVALID_ACCESS_TOKEN.
   */
  static Optional<TokenConvention> parse(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    Matcher format = FORMAT.matcher(token);
    if (!format.matches()) {
      return Optional.empty();
    }
    if (!"sandbox".equals(format.group(1))) {
      return Optional.of(new Plain());
    }
    return Optional.of(conventionOf(format.group(2)));
  }

  private static TokenConvention conventionOf(String id) {
    Matcher m = ERROR.matcher(id);
    if (m.matches()) {
      return new ErrorCode(m.group(1).toUpperCase(Locale.ROOT));
    }
    m = ACCOUNTS.matcher(id);
    if (m.matches()) {
      int count = Integer.parseInt(m.group(1));
      return count >= 1 && count <= MAX_ACCOUNTS
          ? new Accounts(count)
          : new Misused("accounts<N> needs 1 <= N <= " + MAX_ACCOUNTS);
    }
    m = FAIL.matcher(id);
    if (m.matches()) {
      int failures = Integer.parseInt(m.group(1));
      Optional<FaultKind> kind = FaultKind.fromTokenName(m.group(2));
      if (kind.isEmpty()) {
        return new Misused("fail<N>x<KIND>: unknown KIND");
      }
      return failures <= MAX_FAILURES
          ? new FailFirst(failures, kind.get())
          : new Misused("fail<N>x<KIND> needs N <= " + MAX_FAILURES);
    }
    if (ITEM_ERROR.matcher(id).matches()) {
      return new ItemError();
    }
    if (UNKNOWN.matcher(id).matches()) {
      return new UnknownFields();
    }
    return new Plain();
  }
}
