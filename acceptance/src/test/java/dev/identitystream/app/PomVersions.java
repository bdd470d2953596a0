package dev.identitystream.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Values of the pom that deployment files must agree with (Kafka's version, Java's release). */
final class PomVersions {

  private PomVersions() {}

  /** The project's version: the root pom's first {@code <version>} (it has no parent). */
  static String projectVersion() {
    try {
      String pom = Files.readString(Path.of(System.getProperty("user.dir"), "pom.xml"));
      Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
      if (!m.find() || pom.contains("<parent>")) {
        throw new AssertionError("pom.xml's own version not found");
      }
      return m.group(1).trim();
    } catch (IOException e) {
      throw new AssertionError("cannot read pom.xml", e);
    }
  }

  /** A property of the pom's {@code <properties>}, e.g. {@code kafka.version}. */
  static String property(String name) {
    try {
      String pom = Files.readString(Path.of(System.getProperty("user.dir"), "pom.xml"));
      Matcher m =
          Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
              .matcher(pom);
      if (!m.find()) {
        throw new AssertionError("pom.xml has no property " + name);
      }
      return m.group(1).trim();
    } catch (IOException e) {
      throw new AssertionError("cannot read pom.xml", e);
    }
  }
}
