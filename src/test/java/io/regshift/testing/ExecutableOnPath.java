package io.regshift.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a program the way a shell would, so tests run the same binaries as scripts/test. */
final class ExecutableOnPath {

  private ExecutableOnPath() {}

  static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Fails with {@code hint} when the program is missing, so the reader learns how to get it. */
  static Path require(String name, String hint) {
    return find(name).orElseThrow(() -> new IllegalStateException(hint));
  }
}
