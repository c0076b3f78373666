package io.regshift.kube;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;

/** The Kubernetes API round-trip fixtures shared beside the project (read-only, never copied in). */
final class Fixtures {
    static final Path DIR = Path.of("..", "shared", "test-data", "k8s-api-fixtures", "HEAD");

    private Fixtures() {
    }

    /**
     * One test per X.json fixture, named after it. Without the shared data there is a single
     * skipped test saying where the fixtures were expected, so the gap shows in the report.
     */
    static Stream<DynamicTest> eachJson(Function<Path, Executable> test) {
        if (!Files.isDirectory(DIR)) {
            return Stream.of(DynamicTest.dynamicTest("fixtures absent", () -> assumeTrue(false,
                    "shared fixtures not found at " + DIR.toAbsolutePath().normalize()
                            + " (they live in shared/test-data beside the project)")));
        }
        return jsonFiles().stream().map(json -> DynamicTest.dynamicTest(name(json), test.apply(json)));
    }

    private static List<Path> jsonFiles() {
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

    private static String name(Path json) {
        return json.getFileName().toString();
    }
}
