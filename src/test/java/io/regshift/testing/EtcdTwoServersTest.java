package io.regshift.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A backup-style test needs a source and a target etcd side by side, isolated from each other. */
class EtcdTwoServersTest {

  @RegisterExtension EtcdExtension source = new EtcdExtension();
  @RegisterExtension EtcdExtension target = new EtcdExtension();

  @Test
  void twoServersRunAtOnceOnDifferentPortsAndDataDirs() {
    assertNotEquals(source.endpoint(), target.endpoint());
    assertNotEquals(source.server().dataDir(), target.server().dataDir());
    assertTrue(ProcessHandle.of(source.server().pid()).orElseThrow().isAlive());
    assertTrue(ProcessHandle.of(target.server().pid()).orElseThrow().isAlive());
  }

  @Test
  void valueWrittenWithJetcdIsReadByEtcdctlAndAbsentFromTheOtherServer() throws Exception {
    String key = "/registry/configmaps/default/app";
    try (Client jetcd = Client.builder().endpoints(source.endpoint()).build()) {
      jetcd
          .getKVClient()
          .put(ByteSequence.from(key, UTF_8), ByteSequence.from("hello", UTF_8))
          .get(10, TimeUnit.SECONDS);
    }

    assertEquals(Optional.of("hello"), new Etcdctl(source.endpoint()).get(key));
    assertEquals(Optional.empty(), new Etcdctl(target.endpoint()).get(key));
  }
}
