package io.regshift.bolt;

import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * The branch nodes from a bucket's root down to the current leaf, each with the child taken.
 * A real B+tree is a few levels deep, so depth is bounded, and a page already on the path means
 * a cycle: both end a descent with an error instead of running forever.
 */
final class TreePath {

    /** Far deeper than any bbolt tree (each branch has at least two children). */
    static final int MAX_DEPTH = 64;

    private final Path file;
    private final Node[] nodes = new Node[MAX_DEPTH];
    private final int[] taken = new int[MAX_DEPTH];
    private int depth;

    TreePath(Path file) {
        this.file = file;
    }

    int depth() {
        return depth;
    }

    Node node(int level) {
        return nodes[level];
    }

    int taken(int level) {
        return taken[level];
    }

    /** Moves the branch at {@code level} to its next child and drops the levels below it. */
    int takeNext(int level) {
        depth = level + 1;
        return ++taken[level];
    }

    void truncate(int newDepth) {
        depth = newDepth;
    }

    void push(Node branch, int child) {
        if (depth == MAX_DEPTH) {
            throw new BoltException(file, branch.page(), "tree deeper than " + MAX_DEPTH + " levels " + this);
        }
        nodes[depth] = branch;
        taken[depth] = child;
        depth++;
    }

    /** Refuses to enter a page that is already one of its own ancestors. */
    void checkNotOnPath(long page) {
        for (int level = 0; level < depth; level++) {
            if (nodes[level].page() == page) {
                throw new BoltException(file, page, "branch cycle: the page is its own ancestor " + this);
            }
        }
    }

    @Override
    public String toString() {
        StringJoiner pages = new StringJoiner(" ", "(path: [", "])");
        for (int level = 0; level < depth; level++) {
            pages.add(Long.toUnsignedString(nodes[level].page()));
        }
        return pages.toString();
    }
}
