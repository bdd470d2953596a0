package dev.identitystream.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The pre-serialized data of one Item: its accounts and its Item object as JSON bytes, so that an
 * answer is assembled by copying bytes (the emulator must not be a benchmark's bottleneck).
 *
 * <p>Threading: immutable after construction; shared by all handler threads.
 */
final class Fixture {

  private static final byte[] OPEN = bytes("{\"accounts\":[");
  private static final byte[] COMMA = bytes(",");
  private static final byte[] ITEM = bytes("],\"item\":");
  private static final byte[] REQUEST_ID = bytes(",\"request_id\":\"");
  private static final byte[] CLOSE = bytes("\"}");

  private final String itemId;
  private final Map<String, byte[]> accounts;
  private final byte[] item;
  private final byte[] extraTopLevel;

  /**
   * @param itemId the Item's id
   * @param accounts account id to the account's JSON object, in response order
   * @param item the Item's JSON object
   * @param extraTopLevel extra top-level members (each starting with a comma), or empty
   */
  Fixture(String itemId, Map<String, byte[]> accounts, byte[] item, byte[] extraTopLevel) {
    this.itemId = itemId;
    this.accounts = accounts;
    this.item = item;
    this.extraTopLevel = extraTopLevel;
  }

  /** The bytes this fixture holds (for the generator's cache bound). */
  long sizeBytes() {
    long size = (long) item.length + extraTopLevel.length;
    for (byte[] account : accounts.values()) {
      size += account.length;
    }
    return size;
  }

  String itemId() {
    return itemId;
  }

  /** The Item's account ids, in response order. */
  List<String> accountIds() {
    return List.copyOf(accounts.keySet());
  }

  boolean hasAccount(String accountId) {
    return accounts.containsKey(accountId);
  }

  /**
   * A 200 body with a fresh request id.
   *
   * @param only the accounts to include (all known to this Item), or empty for all of them
   */
  byte[] body(String requestId, Collection<String> only) {
    List<byte[]> selected = new ArrayList<>(accounts.size());
    if (only.isEmpty()) {
      selected.addAll(accounts.values());
    } else {
      for (Map.Entry<String, byte[]> e : accounts.entrySet()) {
        if (only.contains(e.getKey())) {
          selected.add(e.getValue());
        }
      }
    }
    byte[] rid = bytes(requestId);
    int size = OPEN.length + ITEM.length + item.length + extraTopLevel.length + REQUEST_ID.length;
    size += rid.length + CLOSE.length + Math.max(0, selected.size() - 1);
    for (byte[] account : selected) {
      size += account.length;
    }
    byte[] out = new byte[size];
    int at = put(out, 0, OPEN);
    for (int i = 0; i < selected.size(); i++) {
      if (i > 0) {
        at = put(out, at, COMMA);
      }
      at = put(out, at, selected.get(i));
    }
    at = put(out, at, ITEM);
    at = put(out, at, item);
    at = put(out, at, extraTopLevel);
    at = put(out, at, REQUEST_ID);
    at = put(out, at, rid);
    put(out, at, CLOSE);
    return out;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
