package io.regshift.bolt;

import static io.regshift.bolt.LittleEndian.u32;
import static io.regshift.bolt.LittleEndian.u64;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the page size and reads both meta pages the way bbolt opens a file: meta 0 at offset 0;
 * when it is bad, meta 1 at 1024 << k; then the valid meta with the higher txid.
 */
final class MetaPages {

    static final long MAGIC = 0xED0CDAEDL;
    static final int VERSION = 2;
    static final int MIN_PAGE_SIZE = 512;
    static final int MAX_PAGE_SIZE = 65536;
    /** The meta sits after the page header; its checksum covers the 56 bytes before it. */
    private static final int META_OFFSET = PageType.HEADER_SIZE;
    private static final int META_SIZE = 64;
    private static final int CHECKSUMMED = 56;
    /** bbolt probes meta 1 at 1024 << k for k = 0..14. */
    private static final int PROBES = 15;

    final int pageSize;
    final List<Meta> metas;
    final Meta chosen;

    private MetaPages(int pageSize, List<Meta> metas, Meta chosen) {
        this.pageSize = pageSize;
        this.metas = metas;
        this.chosen = chosen;
    }

    static MetaPages read(PositionalFile file) {
        Path path = file.path();
        long size = file.size();
        if (size == 0) {
            throw BoltException.noPage(path, "not a bbolt file: it is empty");
        }
        if (size < META_OFFSET + META_SIZE) {
            throw BoltException.noPage(path, "not a bbolt file: only " + size + " bytes");
        }
        Meta first = read(file, 0, 0, 0);
        int pageSize = first.valid() ? first.pageSize() : probeMeta1(file);
        if (pageSize == 0) {
            throw BoltException.noPage(path, noValidMeta(file, first));
        }
        List<Meta> metas = new ArrayList<>(2);
        metas.add(read(file, 0, 0, pageSize));
        metas.add(pageSize + META_OFFSET + META_SIZE <= size
                ? read(file, 1, pageSize, pageSize)
                : invalid(1, "beyond the end of the file"));
        Meta chosen = choose(metas.get(0), metas.get(1));
        return new MetaPages(pageSize, List.copyOf(metas), chosen);
    }

    /** bbolt: the higher txid wins; if it is invalid, the other one (meta 0 on a tie). */
    private static Meta choose(Meta meta0, Meta meta1) {
        Meta newer = Long.compareUnsigned(meta1.txid(), meta0.txid()) > 0 ? meta1 : meta0;
        Meta older = newer == meta0 ? meta1 : meta0;
        return newer.valid() ? newer : older;
    }

    /** The page size a valid meta 1 gives, found where bbolt looks for it; 0 when none is. */
    private static int probeMeta1(PositionalFile file) {
        for (int k = 0; k < PROBES; k++) {
            int offset = 1024 << k;
            if (offset + META_OFFSET + META_SIZE > file.size()) {
                break;
            }
            Meta candidate = read(file, 1, offset, offset);
            if (candidate.valid()) {
                return offset;
            }
        }
        return 0;
    }

    private static String noValidMeta(PositionalFile file, Meta meta0) {
        if (meta0.magic() != MAGIC) {
            return String.format("not a bbolt file: no bbolt magic at offset %d (found 0x%08x)",
                    META_OFFSET, meta0.magic());
        }
        String meta1 = "no valid copy at any page size";
        int pageSize = meta0.pageSize();
        if (pageSize >= MIN_PAGE_SIZE && pageSize <= MAX_PAGE_SIZE
                && pageSize + META_OFFSET + META_SIZE <= file.size()) {
            meta1 = read(file, 1, pageSize, pageSize).problem();
        }
        return "no valid meta page: meta 0: " + meta0.problem() + "; meta 1: " + meta1;
    }

    /**
     * The meta in the page at {@code offset}. {@code pageSize} is the page size the file is read
     * with (0 while it is still unknown): a meta claiming another one cannot be right.
     */
    private static Meta read(PositionalFile file, int index, long offset, int pageSize) {
        byte[] page = new byte[META_OFFSET + META_SIZE];
        file.readFully(index, offset, page, 0, page.length);
        int at = META_OFFSET;
        long magic = u32(page, at);
        int version = (int) u32(page, at + 4);
        long declaredPageSize = u32(page, at + 8);
        long root = u64(page, at + 16);
        long sequence = u64(page, at + 24);
        long freelist = u64(page, at + 32);
        long pgid = u64(page, at + 40);
        long txid = u64(page, at + 48);
        long checksum = u64(page, at + 56);
        long computed = Fnv1a64.hash(page, at, CHECKSUMMED);

        String problem = "";
        if (magic != MAGIC) {
            problem = String.format("magic 0x%08x is not bbolt's 0x%08x", magic, MAGIC);
        } else if (version != VERSION) {
            problem = "version " + Integer.toUnsignedString(version) + ", expected " + VERSION;
        } else if (checksum != computed) {
            problem = String.format("checksum 0x%016x does not match its contents (0x%016x)", checksum, computed);
        } else if (declaredPageSize < MIN_PAGE_SIZE || declaredPageSize > MAX_PAGE_SIZE) {
            problem = "page size " + declaredPageSize + " is outside " + MIN_PAGE_SIZE + ".." + MAX_PAGE_SIZE;
        } else if (pageSize != 0 && declaredPageSize != pageSize) {
            problem = "page size " + declaredPageSize + " differs from the file's " + pageSize;
        } else if (root < 2 || Long.compareUnsigned(root, pgid) >= 0) {
            problem = "root page " + Long.toUnsignedString(root) + " is outside the data (pgid "
                    + Long.toUnsignedString(pgid) + ")";
        } else if (freelist != Meta.NO_FREELIST && (freelist < 2 || Long.compareUnsigned(freelist, pgid) >= 0)) {
            problem = "freelist page " + Long.toUnsignedString(freelist) + " is outside the data (pgid "
                    + Long.toUnsignedString(pgid) + ")";
        }
        int shownPageSize = (int) Math.min(declaredPageSize, Integer.MAX_VALUE);
        return new Meta(index, magic, version, shownPageSize, root, sequence, freelist, pgid, txid, checksum,
                problem.isEmpty(), problem);
    }

    private static Meta invalid(int index, String problem) {
        return new Meta(index, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, problem);
    }
}
