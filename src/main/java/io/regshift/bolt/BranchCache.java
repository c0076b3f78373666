package io.regshift.bolt;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recently read branch nodes, shared by every reader of a file: point lookups descend through
 * the same few branches again and again. Bounded in bytes; when full it simply starts over,
 * which keeps it lock-free and is good enough for the top levels of a tree.
 */
final class BranchCache {

    private static final long MAX_BYTES = 16L << 20;

    private final ConcurrentHashMap<Long, Node> nodes = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    Node get(long page) {
        return nodes.get(page);
    }

    void put(Node branch) {
        if (bytes.addAndGet(branch.size()) > MAX_BYTES) {
            nodes.clear();
            bytes.set(branch.size());
        }
        nodes.put(branch.page(), branch);
    }
}
