package dev.identitystream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.yaml.snakeyaml.Yaml;

/**
 * A YAML file of the deployment (docker-compose.yml, Prometheus' and Grafana's files) read as
 * compose reads it: anchors, aliases and merge keys ({@code <<: *job}) resolved (SnakeYAML;
 * Jackson's YAML reader does not merge).
 */
final class ComposeFile {

  static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private ComposeFile() {}

  static JsonNode read(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object tree = new Yaml().load(reader);
      return JSON.valueToTree(tree);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  static JsonNode compose() {
    return read(ROOT.resolve("docker-compose.yml"));
  }

  static List<String> strings(JsonNode node) {
    return StreamSupport.stream(node.spliterator(), false).map(JsonNode::asText).toList();
  }

  /**
   * A service's environment as a map, from either compose form (mapping, or list of NAME=value).
   */
  static Map<String, String> environment(JsonNode service) {
    JsonNode env = service.path("environment");
    Map<String, String> map = new LinkedHashMap<>();
    if (env.isArray()) {
      for (String entry : strings(env)) {
        int eq = entry.indexOf('=');
        map.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? null : entry.substring(eq + 1));
      }
    } else {
      env.fields()
          .forEachRemaining(
              e -> map.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    }
    return map;
  }

  /** A volume entry in short syntax: source (a named volume or a host path), target, options. */
  record Mount(String source, String target, String options) {

    static List<Mount> of(JsonNode service) {
      List<Mount> mounts = new ArrayList<>();
      for (String entry : strings(service.path("volumes"))) {
        // the source may be an interpolation with a default: ${DIR:-./secrets}
        int sourceEnd = entry.startsWith("${") ? entry.indexOf('}') + 1 : entry.indexOf(':');
        String[] rest = entry.substring(sourceEnd + 1).split(":");
        mounts.add(
            new Mount(entry.substring(0, sourceEnd), rest[0], rest.length > 1 ? rest[1] : ""));
      }
      return mounts;
    }

    boolean named() {
      return !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("$");
    }

    /** The host path of a bind mount, relative to the project's root. */
    Path hostPath() {
      return ROOT.resolve(source);
    }
  }
}
