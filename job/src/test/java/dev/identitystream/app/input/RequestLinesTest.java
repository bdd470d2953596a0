package dev.identitystream.app.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLinesTest {

  private static List<RequestLines.Line> read(String text, RequestLines.Format format)
      throws IOException {
    List<RequestLines.Line> lines = new ArrayList<>();
    RequestLines.read(new StringReader(text), format, lines::add);
    return lines;
  }

  private static String value(RequestLines.Line line) {
    return new String(line.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldTurnCsvRowsIntoRequestValuesInContractFieldOrder() throws IOException {
    // when
    List<RequestLines.Line> lines =
        read(
            """
        request_id,extra,access_token,account_ids,attributes
        r1,ignored,access-sandbox-a,a1|a2;a3, k = v ;x=y
        ,,access-sandbox-b,,
        """,
            RequestLines.Format.CSV);

    // then
    assertThat(lines).extracting(RequestLines.Line::number).containsExactly(2L, 3L);
    assertThat(value(lines.get(0)))
        .isEqualTo(
            "{\"access_token\":\"access-sandbox-a\",\"account_ids\":[\"a1\",\"a2\",\"a3\"],\"attributes\":{\"k\":\"v\",\"x\":\"y\"},\"request_id\":\"r1\"}");
    assertThat(value(lines.get(1))).isEqualTo("{\"access_token\":\"access-sandbox-b\"}");
  }

  @Test
  void shouldReportABadAttributesCellWithoutQuotingIt() throws IOException {
    // when
    List<RequestLines.Line> lines =
        read(
            "access_token,attributes\naccess-sandbox-a,{not json SECRET\n",
            RequestLines.Format.CSV);

    // then
    assertThat(lines)
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.number()).isEqualTo(2);
              assertThat(line.formatError()).contains("attributes").doesNotContain("SECRET");
            });
  }

  @Test
  void shouldRefuseACsvWithoutAnAccessTokenColumn() {
    assertThatThrownBy(() -> read("token,item_id\naccess-sandbox-a,i\n", RequestLines.Format.CSV))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("access_token");
  }

  @Test
  void shouldKeepJsonLinesAsWrittenAndNumberThemByFileLine() throws IOException {
    // when
    List<RequestLines.Line> lines = read("{\"a\":1}\n\n  {\"b\":2}  \n", RequestLines.Format.JSONL);

    // then
    assertThat(lines).extracting(RequestLines.Line::number).containsExactly(1L, 3L);
    assertThat(lines).extracting(RequestLinesTest::value).containsExactly("{\"a\":1}", "{\"b\":2}");
  }

  @Test
  void shouldTellTheFormatFromTheExtension() {
    assertThat(RequestLines.formatOf("x/Tokens.CSV")).isEqualTo(RequestLines.Format.CSV);
    assertThat(RequestLines.formatOf("t.jsonl")).isEqualTo(RequestLines.Format.JSONL);
    assertThat(RequestLines.formatOf("t.ndjson")).isEqualTo(RequestLines.Format.JSONL);
    assertThat(RequestLines.formatOf("t.txt")).isNull();
  }

  @Test
  void shouldKeyByItemIdThenRequestIdThenNothing() {
    assertThat(
            RequestKeys.keyOf(
                "{\"item_id\":\"i\",\"request_id\":\"r\"}".getBytes(StandardCharsets.UTF_8)))
        .asString()
        .isEqualTo("i");
    assertThat(RequestKeys.keyOf("{\"request_id\":\"r\"}".getBytes(StandardCharsets.UTF_8)))
        .asString()
        .isEqualTo("r");
    assertThat(
            RequestKeys.keyOf(
                "{\"access_token\":\"access-sandbox-a\"}".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(RequestKeys.keyOf("not json".getBytes(StandardCharsets.UTF_8))).isNull();
  }
}
