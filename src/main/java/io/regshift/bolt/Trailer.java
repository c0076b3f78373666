package io.regshift.bolt;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 that {@code etcdctl snapshot save} appends to the bbolt image. etcd tells a
 * snapshot from a raw member database by size alone: the trailer is there iff
 * {@code size % 512 == 32}.
 */
public final class Trailer {

    static final int SIZE = 32;
    private static final int READ_CHUNK = 1 << 20;

    private final PositionalFile file;
    private final byte[] stored;

    private Trailer(PositionalFile file, byte[] stored) {
        this.file = file;
        this.stored = stored;
    }

    static Trailer of(PositionalFile file) {
        long size = file.size();
        if (size % 512 != SIZE) {
            return new Trailer(file, null);
        }
        byte[] stored = new byte[SIZE];
        file.readFully(-1, size - SIZE, stored, 0, SIZE);
        return new Trailer(file, stored);
    }

    public boolean present() {
        return stored != null;
    }

    /** The stored hash (a copy), or null when there is no trailer. */
    public byte[] stored() {
        return stored == null ? null : stored.clone();
    }

    /** Bytes before the trailer: the bbolt image etcd hashed. */
    long imageSize() {
        return file.size() - (present() ? SIZE : 0);
    }

    /**
     * Hashes the image {@code [0, size - 32)} in chunks and compares it with the stored hash, as
     * {@code etcdutl snapshot restore} does; false when there is no trailer.
     */
    public boolean verify() {
        if (stored == null) {
            return false;
        }
        MessageDigest sha256 = sha256();
        byte[] chunk = new byte[(int) Math.min(READ_CHUNK, Math.max(1, imageSize()))];
        for (long at = 0; at < imageSize(); at += chunk.length) {
            int length = (int) Math.min(chunk.length, imageSize() - at);
            file.readFully(-1, at, chunk, 0, length);
            sha256.update(chunk, 0, length);
        }
        return Arrays.equals(sha256.digest(), stored);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
