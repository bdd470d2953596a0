package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile's invariants, read as Docker parses it (instructions, continuation lines joined;
 * hadolint and Docker itself cannot run here): base images pinned to exact versions, the jars built
 * on the pom's Java release and run on a JRE of that release or later, only the runtime jar (the
 * job alone) copied into the runtime stage and only the full CLI into the devkit stage, an AOT
 * cache made in the runtime stage by a training run of the job with the entry point's JVM and
 * options at the jar's final path, a numeric non-root user, no VOLUME (no anonymous volumes), an
 * exec-form entry point running {@code java -jar} on that jar, with {@code
 * -XX:+ExitOnOutOfMemoryError} and that cache, and a build context holding only the poms and the
 * main sources.
 */
class DockerfileTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir"));

  /** Where the image keeps the jar it runs (the runtime jar, under the name users know). */
  private static final String IMAGE_JAR = "/app/plaid-identity-stream.jar";

  private static final Pattern FROM =
      Pattern.compile("FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE);

  /** One instruction: its keyword (upper case) and its arguments. */
  record Instruction(String keyword, String args) {}

  /** A build stage: its base image, its name, its instructions. */
  record Stage(String image, String name, List<Instruction> instructions) {
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }
  }

  static List<Stage> stages(String dockerfile) {
    List<Stage> stages = new ArrayList<>();
    StringBuilder logical = new StringBuilder();
    List<String> lines = new ArrayList<>();
    for (String line : dockerfile.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") && logical.length() == 0) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        logical.append(trimmed);
        if (!logical.toString().isBlank()) {
          lines.add(logical.toString().strip());
        }
        logical.setLength(0);
      }
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
      String args = space < 0 ? "" : line.substring(space + 1).strip();
      if (keyword.equals("FROM")) {
        Matcher m = FROM.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        stages.add(new Stage(m.group(1), m.group(2), new ArrayList<>()));
      } else {
        assertThat(stages).as("an instruction before FROM: " + line).isNotEmpty();
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
      }
    }
    return stages;
  }

  private final List<Stage> stages = stages(read("Dockerfile"));
  private final Stage runtime = stages.get(stages.size() - 1);

  private static String read(String file) {
    try {
      return Files.readString(ROOT.resolve(file));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void shouldPinEveryBaseImageAndBuildOnThePomsJavaRelease() {
    String release = PomVersions.property("maven.compiler.release");
    assertThat(stages).extracting(Stage::name).containsExactly("build", "devkit", "runtime");
    for (Stage stage : stages) {
      assertThat(stage.image())
          .as(stage.image())
          .doesNotContain(":latest")
          .matches("[a-z0-9./-]+:\\d+\\.\\d+\\.\\d+[._-][A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?");
    }
    // built by the JDK of the release the jar targets; run by a JRE of that release or later
    assertThat(stages.get(0).image())
        .startsWith("maven:3.")
        .contains("-eclipse-temurin-" + release);
    assertThat(runtime.image()).startsWith("eclipse-temurin:").contains("-jre-");
    assertThat(runtimeFeatureRelease()).isGreaterThanOrEqualTo(Integer.parseInt(release));
    assertThat(stages.get(0).name()).isEqualTo("build");
  }

  @Test
  void shouldStartFromAnAotCacheTrainedWithTheEntryPointsJvmAtTheJarsFinalPath()
      throws IOException {
    // given the entry point's JVM options and the cache it names
    List<String> entrypoint = exec(runtime.all("ENTRYPOINT").get(0));
    List<String> jvmOptions = entrypoint.subList(1, entrypoint.indexOf("-jar"));
    String cache =
        jvmOptions.stream()
            .filter(o -> o.startsWith("-XX:AOTCache="))
            .findFirst()
            .map(o -> o.substring("-XX:AOTCache=".length()))
            .orElseThrow(() -> new AssertionError("no -XX:AOTCache= in " + entrypoint));
    // then one RUN of the runtime stage makes it with java from the image (JDK 25: AOTCacheOutput)
    assertThat(runtimeFeatureRelease())
        .as("AOTCacheOutput needs JDK 25")
        .isGreaterThanOrEqualTo(25);
    List<Instruction> training =
        runtime.all("RUN").stream().filter(run -> run.args().contains("aot-train.sh")).toList();
    assertThat(training).as("a RUN of docker/aot-train.sh").hasSize(1);
    String command = training.get(0).args();
    // on the jar at the path the entry point runs, with the full CLI mounted from the build stage
    // for
    // this step only (a broker and the emulator: no network), never copied into the image
    assertThat(command)
        .contains(
            "--mount=type=bind,from=build,source=/build/target/plaid-identity-stream.jar,target=/opt/devkit.jar")
        .contains("--mount=type=bind,source=docker/aot-train.sh,target=/opt/aot-train.sh")
        .contains("bash /opt/aot-train.sh /opt/devkit.jar " + IMAGE_JAR + " " + cache);
    // and the script trains the job itself (backfill over made-up requests) with the entry point's
    // options (a cache made with other heap or header settings is not used), the out-of-memory exit
    // aside
    String script = read("docker/aot-train.sh");
    String trainingLine =
        script
            .lines()
            .filter(l -> l.contains("-XX:AOTCacheOutput="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no -XX:AOTCacheOutput= in docker/aot-train.sh"));
    assertThat(script).contains("-jar \"$runtime\" backfill --config").contains("demo --no-job");
    for (String option : jvmOptions) {
      if (!option.startsWith("-XX:AOTCache=") && !option.equals("-XX:+ExitOnOutOfMemoryError")) {
        assertThat(trainingLine).as("the training run's options").contains(option);
      }
    }
    // after the jar is in place (its path and modification time are part of the cache) and as root,
    // before the user switch (the cache is written into /app, which the user cannot write)
    List<Instruction> instructions = runtime.instructions();
    int copy = instructions.indexOf(runtime.all("COPY").get(0));
    int run = instructions.indexOf(training.get(0));
    int user = instructions.indexOf(runtime.all("USER").get(0));
    assertThat(run).isGreaterThan(copy).isLessThan(user);
  }

  /**
   * The runtime image's Java feature release: 25 for {@code eclipse-temurin:25.0.3_9-jre-noble}.
   */
  private int runtimeFeatureRelease() {
    Matcher m = Pattern.compile("eclipse-temurin:(\\d+)\\.").matcher(runtime.image());
    assertThat(m.find()).as(runtime.image()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static List<String> exec(Instruction instruction) throws IOException {
    return List.of(new ObjectMapper().readValue(instruction.args(), String[].class));
  }

  @Test
  void shouldBuildTheImagesJarWithoutOtherPlatformsNativeLibraries() {
    // the build stage packages the job and the devkit with the image profile, tests skipped (the
    // build context has none: they ran before the image)
    assertThat(stages.get(0).all("RUN"))
        .extracting(Instruction::args)
        .anyMatch(run -> run.endsWith("mvn -B -q -pl job,devkit -am package -DskipTests -Pimage"));
    // and the job's profile keeps RocksDB's natives for the base image's platforms (Linux, glibc,
    // x86_64 and aarch64) while dropping the others
    String pom = read("job/pom.xml");
    String profile =
        pom.substring(
            pom.indexOf("<id>image</id>"),
            pom.indexOf("</profile>", pom.indexOf("<id>image</id>")));
    assertThat(runtime.image()).contains("-noble"); // Ubuntu: glibc
    List<String> excluded = new ArrayList<>();
    Matcher exclude = Pattern.compile("<exclude>([^<]+)</exclude>").matcher(profile);
    while (exclude.find()) {
      excluded.add(exclude.group(1));
    }
    List<String> kept =
        List.of(
            "librocksdbjni-linux64.so",
            "librocksdbjni-linux-aarch64.so",
            "linux/amd64/libzstd-jni-1.5.7-17.so",
            "linux/aarch64/libzstd-jni-1.5.7-17.so");
    List<String> dropped =
        List.of(
            "librocksdbjni-linux64-musl.so",
            "librocksdbjni-osx-arm64.jnilib",
            "librocksdbjni-win64.dll",
            "librocksdbjni-linux-s390x.so",
            "darwin/aarch64/libzstd-jni-1.5.7-17.dylib");
    for (String file : kept) {
      assertThat(excluded).as(file).noneMatch(pattern -> glob(pattern).matcher(file).matches());
    }
    for (String file : dropped) {
      assertThat(excluded).as(file).anyMatch(pattern -> glob(pattern).matcher(file).matches());
    }
  }

  /** The shade plugin's include/exclude patterns: {@code **} any path, {@code *} within a name. */
  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  @Test
  void shouldCopyOnlyTheRuntimeJarIntoTheRuntimeStageAndTheFullCliIntoTheDevkitStage() {
    assertThat(runtime.all("ADD")).isEmpty();
    assertThat(runtime.all("COPY"))
        .extracting(Instruction::args)
        .containsExactly(
            "--from=build /build/target/plaid-identity-stream-runtime.jar " + IMAGE_JAR);
    Stage devkit = stages.get(1);
    assertThat(devkit.all("ADD")).isEmpty();
    assertThat(devkit.all("COPY"))
        .extracting(Instruction::args)
        .containsExactly("--from=build /build/target/plaid-identity-stream.jar " + IMAGE_JAR);
  }

  @Test
  void shouldRunAsANumericNonRootUserWithoutAnonymousVolumes() {
    List<Instruction> users = runtime.all("USER");
    assertThat(users).hasSize(1);
    assertThat(users.get(0).args()).matches("[1-9]\\d{3,}(:[1-9]\\d{3,})?");
    String uid = users.get(0).args().split(":")[0];
    assertThat(runtime.all("RUN"))
        .anyMatch(run -> run.args().contains("useradd") && run.args().contains("--uid " + uid));
    assertThat(stages)
        .allSatisfy(stage -> assertThat(stage.all("VOLUME")).as(stage.image()).isEmpty());
  }

  @Test
  void shouldRunTheJarAsPidOneExitingOnOutOfMemory() throws IOException {
    List<Instruction> entrypoints = runtime.all("ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    // exec form: java is PID 1 and receives SIGTERM from `docker stop` itself
    List<String> entrypoint = exec(entrypoints.get(0));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError").endsWith("-jar", IMAGE_JAR);
    // and the devkit image (compose's emulator, restarted by its policy) exits on it too
    List<String> devkit = exec(stages.get(1).all("ENTRYPOINT").get(0));
    assertThat(devkit.get(0)).isEqualTo("java");
    assertThat(devkit).contains("-XX:+ExitOnOutOfMemoryError").endsWith("-jar", IMAGE_JAR);
    List<String> command = exec(runtime.all("CMD").get(0));
    assertThat(command)
        .containsExactly("run", "--config", "/etc/plaid-identity-stream/job.properties");
    assertThat(stages)
        .allSatisfy(
            stage ->
                assertThat(stage.all("HEALTHCHECK"))
                    .as("checks are per service, in compose")
                    .isEmpty());
  }

  @Test
  void shouldBuildFromThePomsAndTheMainSourcesOnly() {
    List<String> ignore =
        read(".dockerignore")
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    // everything is excluded, then only the poms, the build settings, the main sources of the
    // modules
    // the image builds and the training script come back: no secrets/, no target/, no tests
    assertThat(ignore.get(0)).isEqualTo("*");
    assertThat(ignore.stream().filter(l -> l.startsWith("!")))
        .containsExactlyInAnyOrder(
            "!pom.xml",
            "!.mvn/",
            "!*/pom.xml",
            "!emulator/src/main/",
            "!job/src/main/",
            "!testkit/src/main/",
            "!devkit/src/main/",
            "!docker/aot-train.sh");
    // and the build stage copies exactly those
    assertThat(stages.get(0).all("COPY"))
        .extracting(Instruction::args)
        .allSatisfy(
            copy ->
                assertThat(copy)
                    .matches(
                        "(pom\\.xml \\.|\\.mvn \\./\\.mvn|[a-z]+/pom\\.xml [a-z]+/|(emulator|job|testkit|devkit)/src/main \\2/src/main)"));
  }
}
