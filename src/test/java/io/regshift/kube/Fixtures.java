package io.regshift.kube;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The Kubernetes API round-trip fixtures shared beside the project (read-only, never copied in). */
final class Fixtures {
    static final Path DIR = Path.of("..", "shared", "test-data", "k8s-api-fixtures", "HEAD");

    private Fixtures() {
    }

    /** Every X.json fixture, sorted by name; skips the calling test when the shared data is absent. */
    static List<Path> jsonFiles() {
        assumeTrue(Files.isDirectory(DIR), "shared fixtures not found at " + DIR.toAbsolutePath()
                + " (they live in shared/test-data beside the project)");
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path sibling(Path json, String extension) {
        String name = json.getFileName().toString();
        return json.resolveSibling(name.substring(0, name.length() - ".json".length()) + extension);
    }

    static String name(Path json) {
        return json.getFileName().toString();
    }
}
