package io.regshift.bolt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Overwrites bytes of a written test file in place: how the corruption tests damage a file. */
final class FilePatch {

    private FilePatch() {}

    static void bytes(Path file, long offset, byte... bytes) {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(offset);
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void u16(Path file, long offset, int value) {
        bytes(file, offset, little(2).putShort((short) value).array());
    }

    static void u32(Path file, long offset, long value) {
        bytes(file, offset, little(4).putInt((int) value).array());
    }

    static void u64(Path file, long offset, long value) {
        bytes(file, offset, little(8).putLong(value).array());
    }

    static void zero(Path file, long offset, int length) {
        bytes(file, offset, new byte[length]);
    }

    /**
     * Changes meta {@code index} with {@code edit} (offsets relative to the meta, as in the
     * format doc: pgid @40, root @16...) and stores a matching checksum, so the meta stays valid
     * as far as its checksum goes.
     */
    static void meta(Path file, int pageSize, int index, java.util.function.Consumer<ByteBuffer> edit) {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] meta = new byte[64];
            out.seek((long) index * pageSize + 16);
            out.readFully(meta);
            ByteBuffer buffer = ByteBuffer.wrap(meta).order(ByteOrder.LITTLE_ENDIAN);
            edit.accept(buffer);
            buffer.putLong(56, Fnv1a64.hash(meta, 0, 56));
            out.seek((long) index * pageSize + 16);
            out.write(meta);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncate(Path file, long length) {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer little(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
