package io.regshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.kube.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real etcd files in ../shared/test-data/etcd-snapshots (see SOURCE.md there): read, listed,
 * decoded; stats agrees with etcdctl snapshot status; verify passes the sound ones and fails the
 * damaged ones for the reasons etcd's bbolt gives.
 */
class SharedSnapshotFilesTest {
  private static final Path DIR = Path.of("..", "shared", "test-data", "etcd-snapshots");
  @TempDir Path tmp;

  @BeforeEach
  void needShared() {
    Assumptions.assumeTrue(Files.isDirectory(DIR), "../shared/test-data/etcd-snapshots is absent: skipping the shared etcd files");
  }

  @Test
  void gkeMemberDbListsAndDecodesItsKubernetesObjects() {
    CliRun r = run("ls", DIR.resolve("gke-etcd32-member.db").toString(), "-o", "json");
    assertEquals(0, r.code(), r.err());
    List<Map<?, ?>> lines = r.out().lines().<Map<?, ?>>map(l -> (Map<?, ?>) Json.parse(l)).toList();
    assertEquals(List.of("/registry/jobs/default/pi", "/registry/namespaces/default", "/registry/pods/default/pi-dqtsw"),
        lines.stream().map(l -> l.get("key")).toList());
    assertEquals(List.of("Job", "Namespace", "Pod"), lines.stream().map(l -> l.get("kind")).toList());
    CliRun pod = run("get", DIR.resolve("gke-etcd32-member.db").toString(), "pods/pi-dqtsw", "-o", "json");
    Map<?, ?> meta = (Map<?, ?>) ((Map<?, ?>) Json.parse(pod.out())).get("metadata");
    assertEquals("82702", meta.get("resourceVersion"));
    CliRun all = run("ls", DIR.resolve("gke-etcd32-member.db").toString(), "--all-keys", "-o", "name");
    assertTrue(all.out().contains("compact_rev_key\n"), all.out());
    assertEquals(0, all.code(), "a key outside the prefix is not a decode failure: " + all.err());
  }

  @Test
  void aggregatedApiServerJsonObjectDecodesUnderItsOwnPrefix() {
    CliRun r = run("ls", DIR.resolve("etcd31-aggregated-json-member.db").toString(), "--prefix", "/registry/wardle.kubernetes.io", "-o", "json");
    assertEquals(0, r.code(), r.err());
    Map<?, ?> line = (Map<?, ?>) Json.parse(r.out().strip());
    assertEquals("json", line.get("encoding"));
    assertEquals("links-place", line.get("name"));
    assertEquals("default", line.get("namespace"));
    assertEquals(null, line.get("error"));
  }

  @Test
  void statsMatchesEtcdctlSnapshotStatusOnTheEtcd35Snapshot() throws Exception {
    Path copy = Files.copy(DIR.resolve("etcd35-snapshot.db"), tmp.resolve("s.db"));
    Map<?, ?> truth = (Map<?, ?>) Json.parse(etcdctl("snapshot", "status", copy.toString(), "-w", "json"));
    CliRun r = run("stats", copy.toString(), "-o", "json");
    assertEquals(0, r.code(), r.err());
    Map<?, ?> ours = (Map<?, ?>) Json.parse(r.out());
    assertEquals(truth.get("hash"), ours.get("hash"));
    assertEquals(truth.get("revision"), ours.get("revision"));
    assertEquals(truth.get("totalKey"), ours.get("totalKeys"));
    assertEquals(truth.get("totalSize"), ours.get("totalSize"));
    assertEquals(3, ((List<?>) ours.get("members")).size());
    assertEquals(Boolean.TRUE, ((Map<?, ?>) ours.get("trailer")).get("present"));
    Map<?, ?> checked = (Map<?, ?>) Json.parse(run("stats", copy.toString(), "-o", "json", "--verify-trailer").out());
    assertEquals(Boolean.TRUE, ((Map<?, ?>) checked.get("trailer")).get("valid"));
  }

  @Test
  void verifyPassesSoundFilesAndSaysWhenThereIsNoTrailer() {
    CliRun snap = run("verify", DIR.resolve("etcd35-snapshot.db").toString());
    assertEquals(0, snap.code(), snap.out());
    assertTrue(snap.out().contains("sound: sha256 trailer ok"), snap.out());
    CliRun member = run("verify", DIR.resolve("etcd31-aggregated-json-member.db").toString());
    assertEquals(0, member.code(), member.out());
    assertTrue(member.out().contains("no sha256 trailer"), member.out());
  }

  @Test
  void verifyFailsDamagedFilesForTheReasonsEtcdsBboltGives() {
    CliRun corrupted = run("verify", DIR.resolve("corrupted-backup.db").toString());
    assertEquals(1, corrupted.code());
    Path f = DIR.resolve("corrupted-backup.db");
    assertEquals(f + ": page 3: already freed\n" + f + ": page 4: unreachable unfreed\n", corrupted.out());
    // etcd's bbolt panics on this file: "invalid freelist page: 2, page type is leaf"
    CliRun gke = run("verify", DIR.resolve("gke-etcd32-member.db").toString());
    assertEquals(1, gke.code());
    assertTrue(gke.out().contains("page 2: invalid freelist page: page type is leaf"), gke.out());
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static String etcdctl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("etcdctl"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ETCDCTL_API", "3");
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "etcdctl " + String.join(" ", args));
    return out;
  }
}
