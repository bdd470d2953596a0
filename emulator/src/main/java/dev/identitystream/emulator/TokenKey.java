package dev.identitystream.emulator;

/**
 * What the emulator keeps of an access token: its SHA-256 (hex, as a map key) and a 64-bit seed
 * taken from it. The token itself is never stored, logged or echoed.
 *
 * @param hex the SHA-256 of the token, hex-encoded
 * @param seed the first 8 bytes of that hash
 */
record TokenKey(String hex, long seed) {

  static TokenKey of(String token) {
    byte[] digest = Mix64.sha256(token);
    StringBuilder hex = new StringBuilder(digest.length * 2);
    long seed = 0;
    for (int i = 0; i < digest.length; i++) {
      hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16));
      hex.append(Character.forDigit(digest[i] & 0xF, 16));
      if (i < 8) {
        seed = (seed << 8) | (digest[i] & 0xFF);
      }
    }
    return new TokenKey(hex.toString(), seed);
  }
}
