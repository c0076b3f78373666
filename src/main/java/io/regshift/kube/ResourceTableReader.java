package io.regshift.kube;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the tab-separated resource table (see builtin-resources.tsv for the columns).
 * Lines starting with '#' are comments; the first other line is the header; "-" means none.
 */
final class ResourceTableReader {

    private static final String[] HEADER = {
        "group", "resource", "singular", "kind", "scope", "shortNames",
        "apiVersions", "storageVersion", "keyPath", "since", "removed"
    };

    private ResourceTableReader() {
    }

    static List<ResourceInfo> read(InputStream in, String source) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<ResourceInfo> rows = new ArrayList<>();
            boolean headerSeen = false;
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                if (!headerSeen) {
                    if (!Arrays.equals(cells, HEADER)) {
                        throw new IllegalStateException(source + ":" + lineNumber + ": unexpected header " + line);
                    }
                    headerSeen = true;
                    continue;
                }
                if (cells.length != HEADER.length) {
                    throw new IllegalStateException(source + ":" + lineNumber + ": expected "
                            + HEADER.length + " tab-separated columns, found " + cells.length);
                }
                rows.add(toResource(cells, source + ":" + lineNumber));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    private static ResourceInfo toResource(String[] cells, String where) {
        String group = cells[0].equals("core") ? "" : cells[0];
        ResourceScope scope = switch (cells[4]) {
            case "Namespaced" -> ResourceScope.NAMESPACED;
            case "Cluster" -> ResourceScope.CLUSTER;
            default -> throw new IllegalStateException(where + ": scope must be Namespaced or Cluster, not " + cells[4]);
        };
        return new ResourceInfo(group, cells[1], cells[2], cells[3], scope,
                list(cells[5]), list(cells[6]), orNull(cells[7]), cells[8], orNull(cells[9]), orNull(cells[10]));
    }

    private static List<String> list(String cell) {
        return cell.equals("-") ? List.of() : List.of(cell.split(","));
    }

    private static String orNull(String cell) {
        return cell.equals("-") ? null : cell;
    }
}
