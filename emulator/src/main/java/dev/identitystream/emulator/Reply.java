package dev.identitystream.emulator;

import java.nio.charset.StandardCharsets;

/**
 * What to send back for one request, decided before any waiting.
 *
 * @param status the HTTP status (ignored for faults that send no answer)
 * @param contentType the Content-Type of the body
 * @param body the body bytes (for {@link FaultKind#OVERSIZE}: the normal body, to be padded)
 * @param errorCode the Plaid {@code error_code} of an error answer, else null (for stats)
 * @param fault the injected fault, or null for a faithful answer
 */
record Reply(int status, String contentType, byte[] body, String errorCode, FaultKind fault) {

  static final String JSON = "application/json; charset=utf-8";
  static final String HTML = "text/html; charset=utf-8";

  static Reply json(int status, byte[] body) {
    return new Reply(status, JSON, body, null, null);
  }

  static Reply error(int status, byte[] body, String errorCode, FaultKind fault) {
    return new Reply(status, JSON, body, errorCode, fault);
  }

  /** An HTML page that is not Plaid's (a proxy's refusal): no Plaid error body. */
  static Reply page(int status, String content) {
    return new Reply(status, HTML, html(content), null, null);
  }

  /** A fault that sends no answer, or damages a 200 whose normal body is {@code body}. */
  static Reply fault(FaultKind fault, byte[] body) {
    return switch (fault) {
      case NON_JSON ->
          new Reply(200, HTML, html("<p>upstream returned an unexpected page</p>"), null, fault);
      case BAD_GATEWAY_502 -> new Reply(502, HTML, html("<h1>502 Bad Gateway</h1>"), null, fault);
      default -> new Reply(200, JSON, body, null, fault);
    };
  }

  private static byte[] html(String content) {
    return ("<html><head><title>Error</title></head><body>" + content + "</body></html>")
        .getBytes(StandardCharsets.UTF_8);
  }
}
