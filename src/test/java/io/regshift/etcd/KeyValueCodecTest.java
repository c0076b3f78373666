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

  /** The record in three parts, around the value, is the record: leases, empty values, long values. */
  @Test
  void theRecordAroundTheValueIsTheRecord() {
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 500; i++) {
      byte[] value = new byte[i % 7 == 0 ? 0 : random.nextInt(i % 3 == 0 ? 300_000 : 300)];
      random.nextBytes(value);
      MvccEntry e = new MvccEntry(("/registry/k-" + i).getBytes(StandardCharsets.UTF_8), value, 1 + random.nextInt(1 << 20),
          1 + random.nextInt(1 << 22), 1 + random.nextInt(9), i % 2 == 0 ? 0 : random.nextLong(), false, 0);
      byte[][] around = KeyValueCodec.around(e);
      java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
      joined.writeBytes(around[0]);
      joined.writeBytes(e.value().length == 0 ? new byte[0] : e.value());
      joined.writeBytes(around[1]);
      assertArrayEquals(KeyValueCodec.encode(e), joined.toByteArray(), "entry " + i);
    }
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

  /** The read straight from a file's mapping gives what the copying read gives, and gives up (null) where that one fails. */
  @Test
  void theMappedReadAgreesWithTheCopyingRead() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 2000; i++) {
      byte[] value = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(5000)];
      random.nextBytes(value);
      MvccProto.KeyValue.Builder b = MvccProto.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("/registry/k-" + i))
          .setCreateRevision(random.nextLong()).setModRevision(random.nextInt(1 << 20)).setVersion(random.nextInt(9))
          .setValue(ByteString.copyFrom(value)).setLease(random.nextBoolean() ? 0 : random.nextLong());
      if (random.nextInt(4) == 0) { // a field this code does not know, as a newer etcd might write
        b.setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(9, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addFixed64(random.nextLong())
                .addFixed32(random.nextInt()).addVarint(random.nextLong()).addLengthDelimited(ByteString.copyFromUtf8("x")).build())
            .build());
      }
      byte[] kv = b.build().toByteArray();
      RevisionKey rev = new RevisionKey(i + 1, 0, random.nextInt(5) == 0);
      MvccEntry copied = KeyValueCodec.decode(kv, rev);
      MvccEntry mapped = KeyValueCodec.decode(java.nio.ByteBuffer.allocateDirect(kv.length).put(kv).flip(), rev);
      assertEquals(copied.keyString(), mapped.keyString());
      assertArrayEquals(copied.value(), mapped.value());
      assertEquals(java.util.List.of(copied.createRevision(), copied.modRevision(), copied.version(), copied.lease(),
          copied.deleteRevision()), java.util.List.of(mapped.createRevision(), mapped.modRevision(), mapped.version(),
          mapped.lease(), mapped.deleteRevision()));
      assertEquals(copied.deleted(), mapped.deleted());
      // cut anywhere inside, the record is not well-formed: the mapped read leaves it to the copying one
      int cut = random.nextInt(kv.length);
      byte[] truncated = java.util.Arrays.copyOf(kv, cut);
      if (truncatedIsBroken(truncated, rev)) {
        assertNull(KeyValueCodec.decode(java.nio.ByteBuffer.wrap(truncated), rev), "cut at " + cut);
      }
    }
  }

  private static boolean truncatedIsBroken(byte[] kv, RevisionKey rev) {
    try {
      KeyValueCodec.decode(kv, rev);
      return false;
    } catch (MvccException e) {
      return true;
    }
  }
}
