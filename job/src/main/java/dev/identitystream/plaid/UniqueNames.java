package dev.identitystream.plaid;

import java.util.Arrays;
import java.util.HashSet;

/**
 * The names met so far in each open object of one JSON text, to refuse a name repeated in one
 * object. Names are compared as the parser decoded them, so <code>"a"</code> and <code>"&#92;u0061"
 * </code> are the same name (as for Jackson's {@code STRICT_DUPLICATE_DETECTION}).
 *
 * <p>Why not Jackson's detector: it allocates a {@code HashSet} for every object with more than two
 * names, and Plaid's bodies are many small objects (an account has about 15 names, its nested
 * objects fewer). Here the names of all open objects share one array, innermost object last, with
 * their hash codes beside them (a name from Jackson's symbol table is one {@code String} instance,
 * so its hash is computed once): a new name is compared with the hashes of its object's names, and
 * with {@code equals} only when a hash matches. An object that passes {@value #LINEAR_LIMIT} names
 * moves them to a hash set of its own, so a hostile object of many names costs linear time.
 *
 * <p>Threading: one instance per parse, used by one thread.
 */
final class UniqueNames {

  /** Names per object compared one by one; beyond this an object's names go to a hash set. */
  static final int LINEAR_LIMIT = 24;

  private String[] names = new String[64];
  private int[] hashes = new int[64];
  private int size;

  /** For each open object, innermost last: where its names start in {@link #names}. */
  private int[] starts = new int[16];

  /** For each open object: its names when it has passed {@link #LINEAR_LIMIT}, else null. */
  private HashSet<?>[] sets = new HashSet<?>[16];

  private int depth;

  /** An object starts: its names are counted apart from those of the objects around it. */
  void enterObject() {
    if (depth == starts.length) {
      starts = Arrays.copyOf(starts, depth * 2);
      sets = Arrays.copyOf(sets, depth * 2);
    }
    starts[depth++] = size;
  }

  /** The innermost open object ends: its names are forgotten. */
  void exitObject() {
    depth--;
    size = starts[depth];
    sets[depth] = null;
  }

  /**
   * Records a name of the innermost open object.
   *
   * @return false when that object already has this name
   */
  boolean add(String name) {
    int object = depth - 1;
    @SuppressWarnings("unchecked")
    HashSet<String> set = (HashSet<String>) sets[object];
    if (set != null) {
      return set.add(name);
    }
    int hash = name.hashCode();
    int start = starts[object];
    for (int i = start; i < size; i++) {
      if (hashes[i] == hash && names[i].equals(name)) {
        return false;
      }
    }
    if (size - start == LINEAR_LIMIT) {
      set = new HashSet<>(4 * LINEAR_LIMIT);
      set.addAll(Arrays.asList(names).subList(start, size));
      set.add(name);
      size = start;
      sets[object] = set;
      return true;
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      hashes = Arrays.copyOf(hashes, size * 2);
    }
    names[size] = name;
    hashes[size++] = hash;
    return true;
  }
}
