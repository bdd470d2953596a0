package dev.identitystream;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package arrows of the architecture point one way only, across the modules (job, emulator,
 * testkit, devkit): their main classes, from target/classes or the modules' jars, never their tests.
 */
class LayeringTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
          .importPackages("dev.identitystream");

  @Test
  void shouldKeepThePackageArrowsOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("app").definedBy("dev.identitystream.app..")
        .layer("topology").definedBy("dev.identitystream.topology..")
        .layer("plaid").definedBy("dev.identitystream.plaid..")
        .layer("event").definedBy("dev.identitystream.event..")
        .layer("emulator").definedBy("dev.identitystream.emulator..")
        .layer("local").definedBy("dev.identitystream.local..")
        .layer("cli").definedBy("dev.identitystream.cli..")
        .layer("kafka").definedBy("dev.identitystream.kafka..")
        .layer("testkit").definedBy("dev.identitystream.testkit..")
        // the test kit reads the job's configuration and request files (app: AppConfig, RequestLines)
        .whereLayer("app").mayOnlyBeAccessedByLayers("testkit")
        .whereLayer("testkit").mayOnlyBeAccessedByLayers("app")
        .whereLayer("topology").mayOnlyBeAccessedByLayers("app", "testkit")
        .whereLayer("emulator").mayOnlyBeAccessedByLayers("app")
        .whereLayer("local").mayOnlyBeAccessedByLayers("app")
        .whereLayer("cli").mayOnlyBeAccessedByLayers("app", "emulator")
        .whereLayer("kafka").mayOnlyBeAccessedByLayers("app", "local")
        .whereLayer("event").mayOnlyBeAccessedByLayers("app", "topology", "testkit")
        .whereLayer("plaid").mayOnlyBeAccessedByLayers("app", "topology", "emulator", "testkit")
        .check(classes);
  }
}
