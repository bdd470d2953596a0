package dev.identitystream.emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Derives an Item's data from its access token: the same token always gives the same Item,
 * accounts, ids, owners and documents (seeded by the token's SHA-256; the token itself appears
 * nowhere in the data). Results are cached, up to a bound.
 *
 * <p>Threading: {@link #fixtureFor} may be called from any thread; two threads may build the same
 * fixture once each (the results are equal).
 */
final class FixtureGenerator {

  private static final Instant EPOCH = Instant.parse("2023-01-01T00:00:00Z");
  private static final List<String> AUTH_METHODS =
      List.of(
          "INSTANT_AUTH", "SAME_DAY_MICRODEPOSITS", "INSTANT_MICRODEPOSITS", "DATABASE_INSIGHTS");

  private final JsonFactory json;
  private final int minAccounts;
  private final int maxAccounts;
  private final int cacheSize;
  private final ConcurrentHashMap<String, Fixture> cache = new ConcurrentHashMap<>();
  private final AtomicLong cachedBytes = new AtomicLong();
  private final long maxCachedBytes;

  /**
   * At most this many bytes of cached fixtures (the emulator runs in a small heap beside
   * benchmarks).
   */
  static final long MAX_CACHED_BYTES = 64L << 20;

  FixtureGenerator(ObjectMapper mapper, int minAccounts, int maxAccounts, int cacheSize) {
    this(mapper, minAccounts, maxAccounts, cacheSize, MAX_CACHED_BYTES);
  }

  FixtureGenerator(
      ObjectMapper mapper, int minAccounts, int maxAccounts, int cacheSize, long maxCachedBytes) {
    this.maxCachedBytes = maxCachedBytes;
    this.json = mapper.getFactory();
    this.minAccounts = minAccounts;
    this.maxAccounts = maxAccounts;
    this.cacheSize = cacheSize;
  }

  /** The fixture of a well-formed token (its key) under the convention the token names. */
  Fixture fixtureFor(TokenKey token, TokenConvention convention) {
    Fixture cached = cache.get(token.hex());
    if (cached != null) {
      return cached;
    }
    Fixture built = build(token.seed(), convention);
    long size = built.sizeBytes();
    // Bounded by entries and by bytes (a 50-account fixture is ~75 KB): crude but bounded; a
    // benchmark with more tokens than this pays regeneration.
    if (cache.size() >= cacheSize || cachedBytes.addAndGet(size) > maxCachedBytes) {
      cache.clear();
      cachedBytes.set(size);
    }
    cache.put(token.hex(), built);
    return built;
  }

  /** Bytes held by cached fixtures now (for tests of the bound). */
  long cachedBytes() {
    return cachedBytes.get();
  }

  private Fixture build(long seed, TokenConvention convention) {
    Mix64 random = new Mix64(seed);
    int count =
        convention instanceof TokenConvention.Accounts a
            ? a.count()
            : random.between(minAccounts, maxAccounts);
    ItemProfile profile = profile(random, convention);
    AccountWriter.Holder holder = holder(random);
    Map<String, byte[]> accounts = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      Mix64 accountRandom = new Mix64(Mix64.mix(seed + 31L * (i + 1)));
      String accountId = PlaidIds.objectId(accountRandom);
      accounts.put(
          accountId,
          render(g -> new AccountWriter(g, accountRandom, profile).write(accountId, holder)));
    }
    byte[] item = render(g -> ItemWriter.write(g, profile, random));
    byte[] extra = profile.unknownFields() ? render(ItemWriter::writeExtraTopLevel) : new byte[0];
    return new Fixture(profile.itemId(), accounts, item, extra);
  }

  private static ItemProfile profile(Mix64 random, TokenConvention convention) {
    String itemId = PlaidIds.objectId(random);
    String authMethod = random.pick(AUTH_METHODS);
    FakeData.Institution institution =
        "SAME_DAY_MICRODEPOSITS".equals(authMethod) ? null : random.pick(FakeData.INSTITUTIONS);
    Instant linkedAt = EPOCH.plusSeconds(random.nextInt(600 * 86_400));
    return new ItemProfile(
        itemId,
        institution,
        authMethod,
        linkedAt,
        convention instanceof TokenConvention.UnknownFields,
        convention instanceof TokenConvention.ItemError);
  }

  private static AccountWriter.Holder holder(Mix64 random) {
    String last = random.pick(FakeData.LAST_NAMES);
    List<String> names = new ArrayList<>();
    List<String> phones = new ArrayList<>();
    List<String> emails = new ArrayList<>();
    int people = random.chance(0.2) ? 2 : 1;
    for (int i = 0; i < people; i++) {
      String first = random.pick(FakeData.FIRST_NAMES);
      names.add(first + " " + last);
      if (i == 0 || random.chance(0.7)) {
        phones.add(FakeData.phone(random));
      }
      if (i == 0 || random.chance(0.7)) {
        emails.add(FakeData.email(first, last, random));
      }
    }
    String street = (100 + random.nextInt(9_800)) + " " + random.pick(FakeData.STREETS);
    return new AccountWriter.Holder(
        List.copyOf(names),
        List.copyOf(phones),
        List.copyOf(emails),
        street,
        random.pick(FakeData.PLACES));
  }

  @FunctionalInterface
  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private byte[] render(JsonBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = json.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing emulator fixture", e);
    }
    return out.toByteArray();
  }
}
