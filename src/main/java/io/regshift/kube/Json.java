package io.regshift.kube;

import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the project's JSON tree (Map / List / String / Long or BigInteger / Double /
 * Boolean / null) with the output of Go's encoding/json, which is what kubectl prints.
 */
public final class Json {
    private Json() {
    }

    /** Parses strict RFC 8259 JSON given as UTF-8 bytes. */
    public static Object parse(byte[] utf8) {
        return new JsonParser(utf8).parseDocument();
    }

    /** Parses strict RFC 8259 JSON. */
    public static Object parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Compact JSON as Go's {@code json.Marshal} prints the equivalent {@code interface{}} value. */
    public static String write(Object tree) {
        StringBuilder out = new StringBuilder();
        write(tree, out);
        return out.toString();
    }

    /**
     * A record of regshift's own (an ls line, stats) with its fields in the order given, as Go
     * prints a struct, rather than sorted as it prints a map.
     */
    public static String writeRecord(Object tree, boolean indented) {
        StringBuilder out = new StringBuilder();
        JsonWriter.record(out, indented).value(tree);
        return out.toString();
    }

    /** Appends compact JSON to {@code out}; the allocation-light path for large outputs. */
    public static void write(Object tree, StringBuilder out) {
        JsonWriter.compact(out).value(tree);
    }

    /** What {@code kubectl get -o json} prints (Go's MarshalIndent with 4 spaces), without a trailing newline. */
    public static String writeIndented(Object tree) {
        StringBuilder out = new StringBuilder();
        JsonWriter.indented(out).value(tree);
        return out.toString();
    }
}
