package io.regshift.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtcdServerTest {

  @Test
  void closeStopsEtcdDeletesItsDataDirAndFreesItsPort() {
    EtcdServer etcd = EtcdServer.start(EtcdServer.Options.defaults());
    long pid = etcd.pid();
    Path dataDir = etcd.dataDir();
    int port = URI.create(etcd.endpoint()).getPort();
    assertTrue(Files.isDirectory(dataDir.resolve("member")), "etcd writes its data in dataDir");
    assertFalse(FreeLoopbackPort.isFree(port), "etcd listens on its endpoint");

    etcd.close();

    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process dead");
    assertFalse(Files.exists(dataDir), "data dir deleted");
    assertTrue(FreeLoopbackPort.isFree(port), "client port free again");
    etcd.close(); // closing twice is harmless
  }

  @Test
  void badExtraArgsFailWithEtcdsOwnError() {
    EtcdServer.Options options = EtcdServer.Options.builder().args("--no-such-flag").build();

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> EtcdServer.start(options));

    String firstLine = failure.getMessage().lines().findFirst().orElseThrow();
    assertTrue(firstLine.startsWith("etcd exited with code"), firstLine);
    assertTrue(firstLine.contains("flag provided but not defined: -no-such-flag"), firstLine);
    assertTrue(failure.getMessage().contains("--- tail of "), "message carries the log tail");
  }

  @Test
  void etcdThatNeverBecomesHealthyIsReportedWithinTheTimeout() {
    // A two-member cluster whose second member never comes has no leader, so never is healthy.
    String peer = "http://127.0.0.1:" + FreeLoopbackPort.pick();
    String absentPeer = "http://127.0.0.1:" + FreeLoopbackPort.pick();
    EtcdServer.Options options =
        EtcdServer.Options.builder()
            .args(
                "--name=lonely",
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=lonely=" + peer + ",absent=" + absentPeer)
            .startupTimeout(Duration.ofMillis(500))
            .build();

    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> EtcdServer.start(options));

    assertTrue(
        failure.getMessage().startsWith("etcd did not become healthy within 500 ms"),
        failure.getMessage());
  }

  @Test
  void extraArgsReachEtcd() {
    EtcdServer.Options options =
        EtcdServer.Options.builder().args("--max-request-bytes=1024").build();
    try (EtcdServer etcd = EtcdServer.start(options)) {
      assertRejectsLargeValues(new Etcdctl(etcd.endpoint()));
    }
  }

  @Test
  void extraEnvReachesEtcd() {
    EtcdServer.Options options =
        EtcdServer.Options.builder().env("ETCD_MAX_REQUEST_BYTES", "1024").build();
    try (EtcdServer etcd = EtcdServer.start(options)) {
      assertRejectsLargeValues(new Etcdctl(etcd.endpoint()));
    }
  }

  private static void assertRejectsLargeValues(Etcdctl etcdctl) {
    etcdctl.put("/small", "x");
    IllegalStateException tooLarge =
        assertThrows(IllegalStateException.class, () -> etcdctl.put("/large", "x".repeat(4096)));
    assertTrue(tooLarge.getMessage().contains("request is too large"), tooLarge.getMessage());
    assertEquals(Optional.empty(), etcdctl.get("/large"));
  }
}
