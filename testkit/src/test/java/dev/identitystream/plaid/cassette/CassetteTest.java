package dev.identitystream.plaid.cassette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassetteTest {

  private static final Instant RECORDED_AT = Instant.parse("2026-11-25T12:00:00.123Z");

  @TempDir Path dir;
  private final Fingerprinter fingerprinter = CassetteSamples.fingerprinter();

  @Test
  void shouldReadBackEveryKindOfResultAsWritten() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    List<PlaidResult> results = CassetteSamples.everyKind();

    // when
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      for (int i = 0; i < results.size(); i++) {
        writer.write(fingerprint(i), results.get(i));
      }
    }
    Cassette cassette = Cassette.read(file);

    // then
    assertThat(cassette.header())
        .isEqualTo(
            new Cassette.Header(1, RECORDED_AT, Fingerprinter.ALGORITHM, fingerprinter.keyId()));
    assertThat(cassette.entries()).isEqualTo(results.size());
    for (int i = 0; i < results.size(); i++) {
      assertThat(cassette.results(fingerprint(i))).as("kind %d", i).containsExactly(results.get(i));
    }
    assertThat(Files.readString(file))
        .contains("\"current\":12.50")
        .contains("\"kind\":\"exhausted\"");
  }

  @Test
  void shouldKeepEntriesOfOneRequestInRecordingOrder() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    String fingerprint = fingerprint(0);

    // when
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      writer.write(fingerprint, CassetteSamples.exhausted());
      writer.write(fingerprint(1), CassetteSamples.errorAnswer());
      writer.write(fingerprint, CassetteSamples.success("item-9"));
    }

    // then
    Cassette cassette = Cassette.read(file);
    assertThat(cassette.results(fingerprint))
        .containsExactly(CassetteSamples.exhausted(), CassetteSamples.success("item-9"));
    assertThat(cassette.fingerprints()).isEqualTo(2);
    assertThat(cassette.lastSequence()).isEqualTo(3);
  }

  @Test
  void shouldNeverWriteTheAccessToken() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    PlaidRequest request = new PlaidRequest(CassetteSamples.TOKEN, List.of("acc-1"), "r-1");

    // when
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      for (PlaidResult result : CassetteSamples.everyKind()) {
        writer.write(fingerprinter.of(request), result);
      }
    }

    // then
    String text = Files.readString(file);
    assertThat(text)
        .doesNotContain(CassetteSamples.TOKEN)
        .doesNotContain("SECRET")
        .doesNotContain(new String(CassetteSamples.KEY, StandardCharsets.UTF_8));
    assertThat(text.lines()).hasSize(1 + CassetteSamples.everyKind().size());
  }

  @Test
  void shouldContinueTheSequenceWhenAppending() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      writer.write(fingerprint(0), CassetteSamples.errorAnswer());
    }

    // when
    try (CassetteWriter writer = CassetteWriter.appendTo(file, Cassette.read(file))) {
      writer.write(fingerprint(0), CassetteSamples.transportFailure());
    }

    // then
    Cassette cassette = Cassette.read(file);
    assertThat(cassette.results(fingerprint(0)))
        .containsExactly(CassetteSamples.errorAnswer(), CassetteSamples.transportFailure());
    assertThat(cassette.lastSequence()).isEqualTo(2);
    assertThat(cassette.header().recordedAt()).isEqualTo(RECORDED_AT);
  }

  @Test
  void shouldNameTheLineOfABadEntryWithoutQuotingIt() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      writer.write(fingerprint(0), CassetteSamples.errorAnswer());
    }
    Files.writeString(
        file,
        "{\"fingerprint\":\""
            + fingerprint(1)
            + "\",\"seq\":2,\"kind\":\"success\",\"http_status\":200,"
            + "\"attempts\":1,\"body\":{\"accounts\":[],\"note\":\"access-sandbox-LEAK\"}}\n",
        java.nio.file.StandardOpenOption.APPEND);

    // then
    assertThatThrownBy(() -> Cassette.read(file))
        .isInstanceOf(Cassette.FormatException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("item")
        .hasMessageNotContaining("LEAK");
  }

  @Test
  void shouldRefuseAFileThatIsNotACassette() throws Exception {
    // given
    Path file = dir.resolve("requests.jsonl");
    Files.writeString(file, "{\"access_token\":\"access-sandbox-x\"}\n");

    // then
    assertThatThrownBy(() -> Cassette.read(file))
        .isInstanceOf(Cassette.FormatException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("not a cassette header");
  }

  @Test
  void shouldWriteWholeLinesFromManyThreadsAtOnce() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    int threads = 8;
    int perThread = 50;

    // when
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      List<Thread> writers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread writing =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    writer.write(
                        fingerprint(thread), CassetteSamples.success("item-" + thread + "-" + i));
                  }
                });
        writing.start();
        writers.add(writing);
      }
      for (Thread thread : writers) {
        thread.join();
      }
      assertThat(writer.failure()).isNull();
    }

    // then: every entry reads back, each thread's in its own order
    Cassette cassette = Cassette.read(file);
    assertThat(cassette.entries()).isEqualTo((long) threads * perThread);
    for (int t = 0; t < threads; t++) {
      List<PlaidResult> results = cassette.results(fingerprint(t));
      for (int i = 0; i < perThread; i++) {
        assertThat(((PlaidResult.Success) results.get(i)).response().itemId())
            .isEqualTo("item-" + t + "-" + i);
      }
    }
  }

  private String fingerprint(int i) {
    return fingerprinter.of(new PlaidRequest("access-sandbox-t" + i, List.of(), "r"));
  }
}
