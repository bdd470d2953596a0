package dev.identitystream.plaid.cassette;

import dev.identitystream.plaid.PlaidRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names a Plaid request in a cassette without the access token: HMAC-SHA256, under a secret key, of
 * the token and the sorted {@code account_ids}, in lower-case hex. Without the key a fingerprint
 * can neither be reversed nor checked against a guessed token.
 *
 * <p>The MAC input is unambiguous: the token, the number of account ids, then each id in {@link
 * String#compareTo} order, each string as a 4-byte big-endian length and its UTF-8 bytes. The order
 * of {@code account_ids} in the request therefore does not matter; duplicates do.
 *
 * <p>{@link #keyId()} is the first 16 hex digits of the HMAC of a fixed label: written in the
 * cassette's header, it tells a replay that it holds another key than the recording did, without
 * telling anything about the key.
 *
 * <p>Threading: immutable and thread-safe (a {@link Mac} per call).
 */
public final class Fingerprinter {

  /** The algorithm as named in a cassette's header. */
  public static final String ALGORITHM = "HMAC-SHA256(access_token, sorted account_ids)";

  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 16;

  private static final String MAC = "HmacSHA256";
  private static final byte[] KEY_ID_LABEL =
      "plaid-identity-stream cassette key id".getBytes(StandardCharsets.UTF_8);

  private final SecretKeySpec key;
  private final String keyId;

  private Fingerprinter(byte[] key) {
    this.key = new SecretKeySpec(key, MAC);
    this.keyId = HexFormat.of().formatHex(mac().doFinal(KEY_ID_LABEL)).substring(0, 16);
  }

  /**
   * @param key the secret key, at least {@link #MIN_KEY_BYTES} bytes; copied
   * @throws IllegalArgumentException when it is shorter (the message does not quote it)
   */
  public static Fingerprinter withKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the cassette key must be at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
    }
    return new Fingerprinter(key.clone());
  }

  /** The fingerprint of a request: 64 lower-case hex digits. */
  public String of(PlaidRequest request) {
    List<String> ids = new ArrayList<>(request.accountIds());
    ids.sort(null);
    Mac mac = mac();
    update(mac, request.accessToken());
    mac.update(ByteBuffer.allocate(4).putInt(ids.size()).array());
    ids.forEach(id -> update(mac, id));
    return HexFormat.of().formatHex(mac.doFinal());
  }

  /** Identifies the key (not secret): 16 hex digits. */
  public String keyId() {
    return keyId;
  }

  /** Whether {@code other} is this key's id, compared in constant time. */
  public boolean hasKeyId(String other) {
    return other != null
        && MessageDigest.isEqual(
            keyId.getBytes(StandardCharsets.US_ASCII), other.getBytes(StandardCharsets.US_ASCII));
  }

  private static void update(Mac mac, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    mac.update(bytes);
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance(MAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + MAC, e); // every JDK has it
    }
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "Fingerprinter[keyId=" + keyId + "]";
  }
}
