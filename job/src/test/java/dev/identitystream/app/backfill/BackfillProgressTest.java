package dev.identitystream.app.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillProgressTest {

  @Test
  void shouldDrawABarWithDoneTotalRateAndEtaOnATerminal() {
    // given
    BackfillProgress progress =
        new BackfillProgress(
            new PrintWriter(new StringWriter()), true, 1000, Duration.ofSeconds(5));
    long tenSecondsLater = System.nanoTime() + Duration.ofSeconds(10).toNanos();

    // when
    String line = progress.line(250, 0, tenSecondsLater);

    // then: 250 in ~10 s is ~25/s, so 750 left take ~30 s
    assertThat(line)
        .startsWith("[#######.......................] 250/1000 requests (25%), 25/s, ETA 0:3");
  }

  @Test
  void shouldPrintPlainLinesOnlyEverySoOftenWhenNotATerminal() {
    // given
    StringWriter out = new StringWriter();
    BackfillProgress progress =
        new BackfillProgress(new PrintWriter(out), false, 10, Duration.ofHours(1));

    // when
    progress.update(1, 0);
    progress.update(2, 0);
    progress.finish(10);

    // then
    assertThat(out.toString()).doesNotContain("[").doesNotContain("\r");
    assertThat(out.toString().lines())
        .singleElement()
        .asString()
        .startsWith("backfill: 10/10 requests (100%)");
  }

  @Test
  void shouldSayHowManyRequestsWaitForPlaidWhenEverythingIsConsumed() {
    // given a backfill with nothing new to consume, finishing what an earlier run left pending
    StringWriter out = new StringWriter();
    BackfillProgress progress = new BackfillProgress(new PrintWriter(out), false, 0, Duration.ZERO);

    // when
    progress.update(0, 8);

    // then
    assertThat(out.toString())
        .startsWith("backfill: 0/0 requests (100%), 8 pending (waiting for Plaid), ");
  }
}
