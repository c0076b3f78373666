package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every fixture survives writing and re-reading, compact and indented, in Go's layout. */
class JsonFixturesTest {
    @TestFactory
    Stream<DynamicTest> compactRoundTrip() {
        return Fixtures.eachJson(json -> () -> {
            Object tree = Json.parse(Files.readAllBytes(json));
            String compact = Json.write(tree);
            assertEquals(tree, Json.parse(compact));
            assertTrue(compact.indexOf('\n') < 0 && compact.indexOf(": ") < 0, "compact output has no layout");
        });
    }

    @TestFactory
    Stream<DynamicTest> indentedRoundTripInGoLayout() {
        return Fixtures.eachJson(json -> () -> {
            Object tree = Json.parse(Files.readAllBytes(json));
            String indented = Json.writeIndented(tree);
            assertEquals(tree, Json.parse(indented));
            // Re-indenting Go's compact form by hand must give the same text as writeIndented.
            assertEquals(GoIndent.indent(Json.write(tree)), indented);
        });
    }
}
