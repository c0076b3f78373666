package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decode and encode commands as a user runs them: output, one-line errors, exit codes. */
class DecodeEncodeCommandTest {
  private static final Path DEMO = Path.of("test-data", "demo", "nginx-deployment.etcd");
  @TempDir Path tmp;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void decodesTheDemoValueAsEtcdctlPrintsIt() {
    CliRun r = run("decode", DEMO.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"), r.out());
    assertTrue(r.out().contains("      maxSurge: 25%\n      maxUnavailable: 1\n"), r.out());
  }

  @Test
  void jsonLinesKeepArgumentOrderAndReportFailuresInline() throws Exception {
    Path garbage = Files.write(tmp.resolve("garbage.bin"), new byte[] {1, 2, 3});
    CliRun r = run("decode", "-o", "json", garbage.toString(), DEMO.toString());
    assertEquals(1, r.code()); // some failed, others printed
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size());
    Map<?, ?> first = (Map<?, ?>) Json.parse(lines.get(0));
    assertEquals(garbage.toString(), first.get("file"));
    assertTrue(((String) first.get("error")).startsWith("not a Kubernetes object"));
    assertEquals("Deployment", ((Map<?, ?>) Json.parse(lines.get(1))).get("kind"));
    assertEquals("regshift: " + garbage + ": not a Kubernetes object: the value is neither protobuf (k8s\\0), JSON, CBOR nor encrypted\n", r.err());
  }

  @Test
  void missingFileIsOneLineAndExitTwoWithoutStackTrace() {
    CliRun r = run("decode", "no/such/file.pb");
    assertEquals(2, r.code());
    assertEquals("regshift: no/such/file.pb: no such file\n", r.err());
    assertFalse(r.err().contains("Exception"));
  }

  @Test
  void debugShowsTheStackTrace() {
    CliRun r = run("decode", "--debug", "no/such/file.pb");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("UsageException"), r.err());
  }

  @Test
  void encodeWritesTheStoredBytesThroughATempFile() throws Exception {
    Path out = tmp.resolve("nginx.pb");
    CliRun r = run("encode", Path.of("test-data", "demo", "nginx-deployment.yaml").toString(), "-f", out.toString());
    assertEquals(0, r.code(), r.err());
    byte[] demo = Files.readAllBytes(DEMO);
    byte[] stored = java.util.Arrays.copyOfRange(demo, "/registry/deployments/web/nginx\n".length(), demo.length - 1);
    assertArrayEquals(stored, Files.readAllBytes(out));
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "a temp file was left behind");
    }
  }

  @Test
  void encodeNamesTheFieldTheSchemaLacks() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\nsped: 1\n");
    CliRun r = run("encode", bad.toString());
    assertEquals(2, r.code());
    assertEquals("regshift: ConfigMap x: sped: no such field in k8s.io.api.core.v1.ConfigMap\n", r.err());
  }

  @Test
  void kindsListsRemovedApiVersionsWithTheirKeys() {
    CliRun r = run("kinds");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("extensions/v1beta1\\s+Deployment\\s+deployments\\.apps\\s+Namespaced\\s+/registry/deployments/<namespace>/<name>\\s+apps/v1")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("policy/v1beta1\\s+PodSecurityPolicy\\s+.*/registry/podsecuritypolicy/<name>.*")), r.out());
  }
}
