package io.regshift.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Kubernetes' own round-trip fixtures in ../shared: X.pb, X.json and X.yaml for every API type. */
final class Fixtures {
  static final Path DIR = Path.of("..", "shared", "test-data", "k8s-api-fixtures", "HEAD");

  /** Fixture base names (e.g. {@code apps.v1.Deployment}); skips the caller when ../shared is absent. */
  static List<String> names() throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(DIR),
        "Kubernetes fixtures not found at " + DIR.toAbsolutePath() + " (../shared is absent): skipped");
    try (Stream<Path> s = Files.list(DIR)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".pb"))
          .map(n -> n.substring(0, n.length() - 3))
          .sorted()
          .toList();
    }
  }

  static byte[] bytes(String name, String ext) throws IOException {
    return Files.readAllBytes(DIR.resolve(name + "." + ext));
  }

  static String text(String name, String ext) throws IOException {
    return Files.readString(DIR.resolve(name + "." + ext));
  }

  private Fixtures() {}
}
