package io.regshift.bolt;

import java.nio.file.Path;

/**
 * A bbolt file that cannot be read as such: not bbolt, truncated, corrupted, or unreadable.
 * The message is one line naming the file and, where known, the page, e.g.
 * {@code "snap.db: page 123: leaf element 4 points past the page"}.
 */
public final class BoltException extends RuntimeException {

    private final long page;
    private final String problem;

    BoltException(Path file, long page, String problem) {
        this(file, page, problem, null);
    }

    BoltException(Path file, long page, String problem, Throwable cause) {
        super(oneLine(file + ": " + (page >= 0 ? "page " + page + ": " : "") + problem), cause);
        this.page = page;
        this.problem = oneLine((page >= 0 ? "page " + page + ": " : "") + problem);
    }

    static BoltException noPage(Path file, String problem) {
        return new BoltException(file, -1, problem);
    }

    /** The page the problem was found on, or -1 when it concerns the file as a whole. */
    public long page() {
        return page;
    }

    /** The message without the file name, for the checker's list of problems. */
    String problem() {
        return problem;
    }

    /** Callers print the message as one line; an I/O message could carry a newline. */
    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
