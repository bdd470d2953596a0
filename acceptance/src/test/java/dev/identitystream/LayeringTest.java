package dev.identitystream;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of the architecture point one way only, across the modules (job, emulator,
 * testkit, devkit): their main classes, from target/classes or the modules' jars, never their
 * tests.
 *
 * <p>Inside {@code app}, the arrows between the feature packages (an arrow is "may use"):
 *
 * <pre>
 * CLI root (Main, CliExtension) → config, job, observability, backfill, input, topics
 * devkit (DevkitCommands)       → CLI root, demo, replay (+ emulator: its command)
 * demo                          → config, job, observability, input, topics (+ local, emulator: only demo)
 * replay (record / replay)      → config, job, backfill, input, testkit (+ plaid.cassette)
 * testkit (CassetteReplay)      → config, job, input (+ plaid.cassette, topology)
 * backfill                      → config, job, topics (OutputReader)
 * input, topics                 → config, job
 * config ⇄ job ⇄ observability  the job's core: they may use each other
 * every app package             → ExitCodes, ErrorText (the CLI's contract, in the root package)
 * </pre>
 *
 * The features (backfill, input, topics, demo, replay) use no other feature except as drawn, and no
 * class of the job module depends on the devkit (embedded broker, emulator, cassettes, demo).
 */
class LayeringTest {

  /** The CLI's root classes (the root package holds these and {@link #SHARED_ROOT}). */
  private static final Set<String> CLI_ROOT =
      Set.of("dev.identitystream.app.Main", "dev.identitystream.app.CliExtension");

  private static final Set<String> SHARED_ROOT =
      Set.of("dev.identitystream.app.ExitCodes", "dev.identitystream.app.ErrorText");

  private static final String[] APP = {
    "CLI root",
    "shared root",
    "config",
    "job",
    "observability",
    "backfill",
    "input",
    "topics",
    "demo",
    "replay",
    "devkit",
    "testkit"
  };

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(
              location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
          .importPackages("dev.identitystream");

  @Test
  void shouldKeepThePackageArrowsOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("CLI root")
        .definedBy(rootClass("the CLI root", CLI_ROOT))
        .layer("shared root")
        .definedBy(rootClass("ExitCodes and ErrorText", SHARED_ROOT))
        .layer("replay")
        .definedBy("dev.identitystream.app.replay..")
        .layer("config")
        .definedBy("dev.identitystream.app.config..")
        .layer("job")
        .definedBy("dev.identitystream.app.job..")
        .layer("observability")
        .definedBy("dev.identitystream.app.observability..")
        .layer("backfill")
        .definedBy("dev.identitystream.app.backfill..")
        .layer("input")
        .definedBy("dev.identitystream.app.input..")
        .layer("topics")
        .definedBy("dev.identitystream.app.topics..")
        .layer("demo")
        .definedBy("dev.identitystream.app.demo..")
        .layer("devkit")
        .definedBy("dev.identitystream.devkit..")
        .layer("topology")
        .definedBy("dev.identitystream.topology..")
        .layer("plaid")
        .definedBy("dev.identitystream.plaid..")
        .layer("event")
        .definedBy("dev.identitystream.event..")
        .layer("emulator")
        .definedBy("dev.identitystream.emulator..")
        .layer("local")
        .definedBy("dev.identitystream.local..")
        .layer("cli")
        .definedBy("dev.identitystream.cli..")
        .layer("kafka")
        .definedBy("dev.identitystream.kafka..")
        .layer("testkit")
        .definedBy("dev.identitystream.testkit..")
        .whereLayer("testkit")
        .mayOnlyBeAccessedByLayers("replay")
        .whereLayer("devkit")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("CLI root")
        .mayOnlyBeAccessedByLayers("devkit")
        .whereLayer("demo")
        .mayOnlyBeAccessedByLayers("devkit")
        .whereLayer("replay")
        .mayOnlyBeAccessedByLayers("devkit")
        .whereLayer("backfill")
        .mayOnlyBeAccessedByLayers("CLI root", "replay")
        .whereLayer("input")
        .mayOnlyBeAccessedByLayers("CLI root", "demo", "replay", "testkit")
        .whereLayer("topics")
        .mayOnlyBeAccessedByLayers("CLI root", "backfill", "demo")
        .whereLayer("observability")
        .mayOnlyBeAccessedByLayers("CLI root", "job", "demo")
        .whereLayer("job")
        .mayOnlyBeAccessedByLayers(
            "CLI root",
            "config",
            "observability",
            "backfill",
            "input",
            "topics",
            "demo",
            "replay",
            "testkit")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers(
            "CLI root",
            "job",
            "observability",
            "backfill",
            "input",
            "topics",
            "demo",
            "replay",
            "testkit")
        .whereLayer("shared root")
        .mayOnlyBeAccessedByLayers(APP)
        .whereLayer("topology")
        .mayOnlyBeAccessedByLayers(APP)
        .whereLayer("emulator")
        .mayOnlyBeAccessedByLayers("demo", "devkit")
        .whereLayer("local")
        .mayOnlyBeAccessedByLayers("demo")
        .whereLayer("cli")
        .mayOnlyBeAccessedByLayers(with(APP, "emulator"))
        .whereLayer("kafka")
        .mayOnlyBeAccessedByLayers(with(APP, "local"))
        .whereLayer("event")
        .mayOnlyBeAccessedByLayers(with(APP, "topology"))
        .whereLayer("plaid")
        .mayOnlyBeAccessedByLayers(with(APP, "topology", "emulator"))
        .check(classes);
  }

  @Test
  void shouldKeepTheJobModuleFreeOfTheDevkit() {
    ArchRule rule =
        noClasses()
            .that(inTheJobModule())
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.identitystream.local..",
                "dev.identitystream.emulator..",
                "dev.identitystream.plaid.cassette..",
                "dev.identitystream.app.demo..",
                "dev.identitystream.testkit..",
                "dev.identitystream.devkit..");
    rule.check(classes);
  }

  /**
   * The job module's classes: its packages, without the test kit's cassettes that share {@code
   * plaid}.
   */
  private static DescribedPredicate<JavaClass> inTheJobModule() {
    DescribedPredicate<JavaClass> packages =
        resideInAnyPackage(
            "dev.identitystream.app.config..",
            "dev.identitystream.app.job..",
            "dev.identitystream.app.observability..",
            "dev.identitystream.app.backfill..",
            "dev.identitystream.app.input..",
            "dev.identitystream.app.topics..",
            "dev.identitystream.topology..",
            "dev.identitystream.event..",
            "dev.identitystream.kafka..",
            "dev.identitystream.cli..");
    DescribedPredicate<JavaClass> plaid =
        resideInAPackage("dev.identitystream.plaid..")
            .and(DescribedPredicate.not(resideInAPackage("dev.identitystream.plaid.cassette..")));
    DescribedPredicate<JavaClass> root = resideInAPackage("dev.identitystream.app");
    return packages.or(plaid).or(root).as("classes of the job module");
  }

  private static DescribedPredicate<JavaClass> rootClass(String description, Set<String> names) {
    return describe(description, (JavaClass c) -> names.contains(topLevel(c)));
  }

  /**
   * The name of the top-level class that declares {@code c} (itself, or the class it is nested in).
   */
  private static String topLevel(JavaClass c) {
    String name = c.getName();
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  private static String[] with(String[] layers, String... more) {
    String[] all = new String[layers.length + more.length];
    System.arraycopy(layers, 0, all, 0, layers.length);
    System.arraycopy(more, 0, all, layers.length, more.length);
    return all;
  }
}
