package dev.identitystream;

/**
 * JSON text helpers for tests (the job keeps values with the whitespace between tokens removed).
 */
public final class JsonText {

  private JsonText() {}

  /**
   * The JSON text without the whitespace between tokens; strings (and their escapes) as they are.
   */
  public static String withoutWhitespace(String json) {
    StringBuilder out = new StringBuilder(json.length());
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(json.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        out.append(c);
      }
    }
    return out.toString();
  }
}
