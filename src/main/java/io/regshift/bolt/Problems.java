package io.regshift.bolt;

import java.util.ArrayList;
import java.util.List;

/** The checker's findings, capped so that a badly damaged file still gives a readable report. */
final class Problems {

    private final int limit;
    private final List<String> found = new ArrayList<>();

    Problems(int limit) {
        this.limit = limit;
    }

    void add(String problem) {
        if (found.size() < limit) {
            found.add(problem);
        }
    }

    boolean full() {
        return found.size() >= limit;
    }

    List<String> list() {
        return List.copyOf(found);
    }
}
