package io.regshift.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jetcd 0.8.7 runs on gRPC over netty 4.2 here (the pom pins netty 4.2 for jetcd's mixed tree):
 * these are the calls regshift relies on, checked against a real etcd and etcdctl.
 */
class EtcdJetcdClientTest {

  private static final long TIMEOUT_SECONDS = 10;

  @RegisterExtension EtcdExtension etcd = new EtcdExtension();

  private Client jetcd;

  @BeforeEach
  void connect() {
    jetcd = Client.builder().endpoints(etcd.endpoint()).build();
  }

  @AfterEach
  void disconnect() {
    jetcd.close();
  }

  @Test
  void prefixRangeReturnsEveryKeyInOrderWithBinaryValuesIntact() throws Exception {
    Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
    etcdctl.put("/registry/pods/default/b", "pod b");
    etcdctl.put("/registry/pods/default/a", "pod a");
    etcdctl.put("/registry/services/default/a", "service a");
    byte[] protobufish = {'k', '8', 's', 0, (byte) 0x8a, (byte) 0xff};
    KV kv = jetcd.getKVClient();
    kv.put(bytes("/registry/pods/kube-system/c"), ByteSequence.from(protobufish))
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    GetResponse pods =
        kv.get(bytes("/registry/pods/"), GetOption.builder().isPrefix(true).build())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertEquals(3, pods.getCount());
    assertEquals(
        List.of(
            "/registry/pods/default/a", "/registry/pods/default/b", "/registry/pods/kube-system/c"),
        pods.getKvs().stream().map(pod -> pod.getKey().toString(UTF_8)).toList());
    KeyValue binary = pods.getKvs().get(2);
    assertArrayEquals(protobufish, binary.getValue().getBytes());
  }

  @Test
  void transactionCreatesAKeyOnlyWhenItIsAbsent() throws Exception {
    ByteSequence key = bytes("/registry/namespaces/demo");
    Cmp absent = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));

    boolean first = createIf(absent, key, "first");
    boolean second = createIf(absent, key, "second");

    assertTrue(first);
    assertFalse(second);
    assertEquals(Optional.of("first"), new Etcdctl(etcd.endpoint()).get("/registry/namespaces/demo"));
  }

  @Test
  void deleteRemovesKeysEtcdctlCanNoLongerSee() throws Exception {
    Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
    etcdctl.put("/registry/secrets/default/one", "1");
    etcdctl.put("/registry/secrets/default/two", "2");
    etcdctl.put("/registry/configmaps/default/keep", "3");

    long deleted =
        jetcd
            .getKVClient()
            .delete(
                bytes("/registry/secrets/"),
                DeleteOption.builder().isPrefix(true).build())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .getDeleted();

    assertEquals(2, deleted);
    assertEquals(Map.of("/registry/configmaps/default/keep", "3"), etcdctl.getPrefix("/registry/"));
  }

  @Test
  void watchStreamsAPutMadeByEtcdctl() throws Exception {
    // Watching from the next revision means a put that races the watch's setup is still seen.
    long nextRevision =
        jetcd.getKVClient().get(bytes("/")).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .getHeader().getRevision()
            + 1;
    WatchOption fromNextRevision =
        WatchOption.builder().isPrefix(true).withRevision(nextRevision).build();
    BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
    try (Watch.Watcher watcher =
        jetcd
            .getWatchClient()
            .watch(
                bytes("/registry/"),
                fromNextRevision,
                Watch.listener(response -> events.addAll(response.getEvents())))) {
      new Etcdctl(etcd.endpoint()).put("/registry/events/default/e1", "happened");

      WatchEvent event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      assertNotNull(event, "no watch event within " + TIMEOUT_SECONDS + " s");
      assertEquals(WatchEvent.EventType.PUT, event.getEventType());
      assertEquals("/registry/events/default/e1", event.getKeyValue().getKey().toString(UTF_8));
      assertEquals("happened", event.getKeyValue().getValue().toString(UTF_8));
    }
  }

  @Test
  void revokingALeaseRemovesItsKeys() throws Exception {
    long lease = jetcd.getLeaseClient().grant(60).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getID();
    jetcd
        .getKVClient()
        .put(bytes("/registry/leases/x"), bytes("held"), PutOption.builder().withLeaseId(lease).build())
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Etcdctl etcdctl = new Etcdctl(etcd.endpoint());
    assertEquals(Optional.of("held"), etcdctl.get("/registry/leases/x"));

    jetcd.getLeaseClient().revoke(lease).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

    assertEquals(Optional.empty(), etcdctl.get("/registry/leases/x"));
  }

  private boolean createIf(Cmp absent, ByteSequence key, String value) throws Exception {
    return jetcd
        .getKVClient()
        .txn()
        .If(absent)
        .Then(Op.put(key, bytes(value), PutOption.DEFAULT))
        .commit()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .isSucceeded();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, UTF_8);
  }
}
