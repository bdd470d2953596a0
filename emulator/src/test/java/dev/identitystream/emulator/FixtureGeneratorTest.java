package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FixtureGeneratorTest {

  @Test
  void shouldKeepTheCacheUnderItsByteBoundWhatEverTheNumberOfTokens() {
    // given a cache of at most 10,000 entries but 256 KiB, and 10-account fixtures of several KB
    // each
    FixtureGenerator generator = new FixtureGenerator(new ObjectMapper(), 1, 4, 10_000, 256 * 1024);
    long largest = 0;

    // when far more distinct tokens than fit in 256 KiB are asked for
    for (int i = 0; i < 200; i++) {
      String token = "access-sandbox-accounts10-t" + i;
      generator.fixtureFor(TokenKey.of(token), TokenConvention.parse(token).orElseThrow());
      largest = Math.max(largest, generator.cachedBytes());
    }

    // then the cached bytes never passed the bound, and the cache did fill up (it was used)
    assertThat(largest).isLessThanOrEqualTo(256 * 1024).isGreaterThan(128 * 1024);
  }

  @Test
  void shouldAnswerTheSameFixtureForTheSameTokenFromTheCache() {
    FixtureGenerator generator = new FixtureGenerator(new ObjectMapper(), 1, 4, 10_000);
    String token = "access-sandbox-accounts3-same";

    Fixture first =
        generator.fixtureFor(TokenKey.of(token), TokenConvention.parse(token).orElseThrow());
    Fixture second =
        generator.fixtureFor(TokenKey.of(token), TokenConvention.parse(token).orElseThrow());

    assertThat(second).isSameAs(first);
  }
}
