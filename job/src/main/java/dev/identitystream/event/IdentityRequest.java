package dev.identitystream.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated {@code identity-requests} value.
 *
 * @param accessToken secret; never logged, never written to an output
 * @param requestId as given, or null (the caller derives one from topic, partition and offset)
 * @param itemId as given, or null
 * @param accountIds possibly empty, at most 100 non-empty strings
 * @param attributes possibly empty; insertion order kept
 */
public record IdentityRequest(
    String accessToken,
    String requestId,
    String itemId,
    List<String> accountIds,
    Map<String, String> attributes) {

  public IdentityRequest {
    Objects.requireNonNull(accessToken, "accessToken");
    accountIds = List.copyOf(accountIds);
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /** Never prints the access token. */
  @Override
  public String toString() {
    return "IdentityRequest[requestId="
        + requestId
        + ", itemId="
        + itemId
        + ", accountIds="
        + accountIds.size()
        + ", attributes="
        + attributes.keySet()
        + "]";
  }
}
