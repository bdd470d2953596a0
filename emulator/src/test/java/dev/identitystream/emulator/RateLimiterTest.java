package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void shouldPassABurstOfTheLimitThenRefuse() {
    RateLimiter limiter = new RateLimiter(3, 100);
    assertThat(limiter.tryAcquire("k", 0)).isTrue();
    assertThat(limiter.tryAcquire("k", 0)).isTrue();
    assertThat(limiter.tryAcquire("k", 0)).isTrue();
    assertThat(limiter.tryAcquire("k", 0)).isFalse();
    assertThat(limiter.tryAcquire("other", 0)).isTrue();
  }

  @Test
  void shouldRefillAtTheLimitPerMinute() {
    RateLimiter limiter = new RateLimiter(60, 100);
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.tryAcquire("k", 0)).isTrue();
    }
    assertThat(limiter.tryAcquire("k", SECOND / 2)).isFalse();
    assertThat(limiter.tryAcquire("k", SECOND)).isTrue();
    assertThat(limiter.tryAcquire("k", SECOND)).isFalse();
  }

  @Test
  void shouldNeverRefuseAClientPacedAtTheLimit() {
    RateLimiter limiter = new RateLimiter(120, 100);
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryAcquire("k", i * SECOND / 2)).isTrue();
    }
  }

  @Test
  void shouldAcceptEverythingWhenOff() {
    RateLimiter limiter = new RateLimiter(0, 100);
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryAcquire("k", 0)).isTrue();
    }
  }

  @Test
  void shouldStayBoundedInKeys() {
    RateLimiter limiter = new RateLimiter(1, 10);
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.tryAcquire("k" + i, 0)).isTrue();
      assertThat(limiter.keys()).isLessThanOrEqualTo(10);
    }
  }
}
