package dev.identitystream.app.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The summary a backfill prints (its counts come from the output topics: BackfillCommandIT). */
class BackfillSummaryTest {

  @Test
  void shouldPrintTheCountsSortedByCodeAndReason() {
    BackfillSummary.Outputs outputs =
        new BackfillSummary.Outputs(
            5,
            3,
            2,
            new TreeMap<>(Map.of("ITEM_LOGIN_REQUIRED", 1L, "INSTITUTION_DOWN", 2L)),
            new TreeMap<>(Map.of("MALFORMED_JSON", 1L)));
    StringWriter text = new StringWriter();

    new BackfillSummary(7, outputs, Duration.ofMillis(1_234)).print(new PrintWriter(text));

    assertThat(text.toString())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "Backfill done in 1.234 s",
                "  requests consumed   7",
                "  accounts            5",
                "  Items               3 OK, 2 ERROR",
                "  Item errors         3",
                "    INSTITUTION_DOWN               2",
                "    ITEM_LOGIN_REQUIRED            1",
                "  DLQ                 1",
                "    MALFORMED_JSON                 1",
                ""));
  }

  @Test
  void shouldCountAnItemErrorWithoutACodeUnderAName() {
    assertThat(codeOf("{\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"n\":1e10000}"))
        .isEqualTo("ITEM_LOGIN_REQUIRED");
    for (String value :
        new String[] {
          "{\"error_code\":null}", "{}", "{\"error_code\":7}", "{\"error_code\":[\"X\"]}"
        }) {
      assertThat(codeOf(value)).as(value).isEqualTo("(no error_code)");
    }
    assertThat(codeOf("not json")).isEqualTo("?");
  }

  private static String codeOf(String value) {
    return BackfillSummary.Outputs.errorCodeOf(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldKeepItsOwnCopyOfTheCounts() {
    TreeMap<String, Long> errors = new TreeMap<>(Map.of("X", 1L));
    BackfillSummary.Outputs outputs = new BackfillSummary.Outputs(0, 0, 0, errors, new TreeMap<>());

    errors.put("Y", 2L);

    assertThat(outputs.errorsByCode()).containsOnlyKeys("X");
    assertThatThrownBy(() -> outputs.errorsByCode().put("Z", 3L))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
