package io.regshift.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.regshift.etcd.proto.MvccProto;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Our hand-rolled KeyValue reading and writing against protoc's generated code for etcd's kv.proto. */
class KeyValueCodecTest {

  private static final RevisionKey REV = new RevisionKey(7, 0, false);

  @Test
  void readsWhatProtobufWrites() {
    byte[] kv = MvccProto.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("/registry/pods/a/b"))
        .setCreateRevision(5).setModRevision(7).setVersion(3).setValue(ByteString.copyFrom(new byte[] {0, 1, 2}))
        .setLease(0x1234567890L).build().toByteArray();
    MvccEntry e = KeyValueCodec.decode(kv, REV);
    assertEquals("/registry/pods/a/b", e.keyString());
    assertEquals(5, e.createRevision());
    assertEquals(7, e.modRevision());
    assertEquals(3, e.version());
    assertEquals(0x1234567890L, e.lease());
    assertArrayEquals(new byte[] {0, 1, 2}, e.value());
    assertArrayEquals("/registry/pods/a/b".getBytes(StandardCharsets.UTF_8), KeyValueCodec.key(kv, 0, kv.length));
  }

  @Test
  void writesWhatProtobufWrites() throws Exception {
    MvccEntry e = new MvccEntry("/k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), 2, 9, 4, 0, false, 0);
    byte[] ours = KeyValueCodec.encode(e);
    MvccProto.KeyValue theirs = MvccProto.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("/k"))
        .setValue(ByteString.copyFromUtf8("v")).setCreateRevision(2).setModRevision(9).setVersion(4).build();
    assertArrayEquals(theirs.toByteArray(), ours);
    assertEquals(theirs, MvccProto.KeyValue.parseFrom(ours));
  }

  @Test
  void aTombstoneTakesItsRevisionFromTheBucketKey() {
    byte[] kv = MvccProto.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("/gone")).build().toByteArray();
    MvccEntry e = KeyValueCodec.decode(kv, new RevisionKey(12, 1, true));
    assertTrue(e.deleted());
    assertEquals(12, e.modRevision());
    assertEquals(12, e.deleteRevision());
  }

  @Test
  void garbageIsAnErrorNamingTheRevision() {
    MvccException ex = assertThrows(MvccException.class, () -> KeyValueCodec.decode(new byte[] {0x0a, 0x7f, 1}, REV));
    assertTrue(ex.getMessage().contains("revision 7_0"), ex.getMessage());
    assertNull(KeyValueCodec.key(new byte[] {0x10, 0x01}, 0, 2));
  }

  @Test
  void revisionKeysRoundTripAndRejectOtherShapes() {
    RevisionKey t = new RevisionKey(300, 2, true);
    assertEquals(t, RevisionKey.parse(t.bytes()));
    assertEquals(18, t.bytes().length);
    assertNull(RevisionKey.parse(new byte[17]), "no '_' separator");
    byte[] bad = new RevisionKey(1, 0, true).bytes();
    bad[17] = 'x';
    assertNull(RevisionKey.parse(bad));
  }
}
