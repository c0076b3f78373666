package io.regshift.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every fixture's JSON, written as YAML, must be byte-for-byte the YAML Kubernetes generated. */
class YamlFixturesTest {
    @TestFactory
    Stream<DynamicTest> yamlMatchesKubernetesFixture() {
        return Fixtures.eachJson(json -> () -> {
            Path yaml = Fixtures.sibling(json, ".yaml");
            Object tree = Json.parse(Files.readAllBytes(json));
            assertEquals(Files.readString(yaml), Yaml.write(tree));
        });
    }
}
