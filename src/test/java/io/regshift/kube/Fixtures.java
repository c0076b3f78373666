package io.regshift.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/** Kubernetes' own round-trip fixtures in ../shared: X.pb, X.json and X.yaml for every API type (read-only, never copied in). */
final class Fixtures {
  static final Path DIR = Path.of("..", "shared", "test-data", "k8s-api-fixtures", "HEAD");

  private static List<Path> files(String ext) {
    Assumptions.assumeTrue(Files.isDirectory(DIR),
        "Kubernetes fixtures not found at " + DIR.toAbsolutePath() + " (../shared is absent): skipped");
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.getFileName().toString().endsWith(ext)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fixture base names (e.g. {@code apps.v1.Deployment}); skips the caller when ../shared is absent. */
  static List<String> names() {
    return files(".pb").stream().map(p -> p.getFileName().toString().replaceFirst("\\.pb$", "")).toList();
  }

  /** Every X.json fixture, sorted by name; skips the caller when ../shared is absent. */
  static List<Path> jsonFiles() {
    return files(".json");
  }

  /**
   * One test per X.json fixture, named after it. Without the shared data there is a single
   * skipped test saying where the fixtures were expected, so the gap shows in the report.
   */
  static Stream<DynamicTest> eachJson(Function<Path, Executable> test) {
    if (!Files.isDirectory(DIR)) {
      return Stream.of(DynamicTest.dynamicTest("fixtures absent", () -> Assumptions.assumeTrue(false,
          "shared fixtures not found at " + DIR.toAbsolutePath().normalize()
              + " (they live in shared/test-data beside the project)")));
    }
    return jsonFiles().stream().map(json -> DynamicTest.dynamicTest(name(json), test.apply(json)));
  }

  static Path sibling(Path json, String extension) {
    String name = json.getFileName().toString();
    return json.resolveSibling(name.substring(0, name.length() - ".json".length()) + extension);
  }

  static String name(Path json) {
    return json.getFileName().toString();
  }

  static byte[] bytes(String name, String ext) throws IOException {
    return Files.readAllBytes(DIR.resolve(name + "." + ext));
  }

  static String text(String name, String ext) throws IOException {
    return Files.readString(DIR.resolve(name + "." + ext));
  }

  private Fixtures() {}
}
