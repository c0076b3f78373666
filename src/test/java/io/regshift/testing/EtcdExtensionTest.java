package io.regshift.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance-field extension: every test starts on its own empty etcd, stopped afterwards. */
class EtcdExtensionTest {

  private static final List<EtcdServer> USED = new CopyOnWriteArrayList<>();

  @RegisterExtension EtcdExtension etcd = new EtcdExtension();

  @Test
  void firstTestStartsOnAnEmptyEtcd() {
    writeIntoEmptyEtcd();
  }

  @Test
  void secondTestStartsOnAnEmptyEtcdToo() {
    writeIntoEmptyEtcd();
  }

  private void writeIntoEmptyEtcd() {
    USED.add(etcd.server());
    Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
    assertEquals(Map.of(), etcdctl.getPrefix("/"));
    etcdctl.put("/registry/leftover", "from an earlier test?");
    assertEquals(Map.of("/registry/leftover", "from an earlier test?"), etcdctl.getPrefix("/"));
  }

  @AfterAll
  static void everyServerWasStoppedAndRemoved() {
    assertEquals(2, USED.size());
    for (EtcdServer server : USED) {
      assertFalse(
          ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false),
          server + " still running");
      assertFalse(Files.exists(server.dataDir()), server + " left its data dir");
    }
  }
}
