package io.regshift.bolt;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Test-side reading of what etcd keeps in its {@code key} bucket: the 17-byte revision key (18
 * with 't' for a tombstone) and the mvccpb.KeyValue value, parsed with protobuf-java.
 */
record EtcdKeyValue(long main, long sub, boolean tombstone, String key, long modRevision, byte[] value) {

    static EtcdKeyValue parse(byte[] revision, byte[] keyValue) {
        if (revision.length < 17 || revision[8] != '_') {
            throw new IllegalArgumentException("not an etcd revision key: " + revision.length + " bytes");
        }
        ByteBuffer rev = ByteBuffer.wrap(revision); // big-endian, as etcd writes it
        boolean tombstone = revision.length == 18 && revision[17] == 't';
        String key = null;
        long modRevision = 0;
        byte[] value = new byte[0];
        try {
            CodedInputStream in = CodedInputStream.newInstance(keyValue);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag >>> 3) {
                    case 1 -> key = in.readBytes().toString(StandardCharsets.UTF_8);
                    case 3 -> modRevision = in.readInt64();
                    case 5 -> value = in.readBytes().toByteArray();
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EtcdKeyValue(rev.getLong(0), rev.getLong(9), tombstone, key, modRevision, value);
    }

    String valueText() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
