package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs rules over stored values through the rewrite engine: the survey pass, plan(), then the
 * pass that re-encodes changed objects and copies the others byte for byte.
 */
final class RuleRun {
  static final ValueCodec CODEC = ValueCodec.builtin();

  /** What the rewrite wrote: key → value bytes, in input order; and every change recorded. */
  record Result(Map<String, byte[]> values, List<Change> changes, Map<String, byte[]> input) {

    Map<String, Object> object(String key) {
      byte[] v = values.get(key);
      return v == null ? null : CODEC.decode(key, v, false).object();
    }

    List<Change> changesOf(String key) {
      return changes.stream().filter(c -> c.key().equals(key)).toList();
    }

    /**
     * Every changed object, with the fields its changes name copied back from the original,
     * encodes to exactly the original bytes: nothing else changed, and not a byte of it.
     */
    void assertOnlyRecordedFieldsChanged() {
      Map<String, String> newKeyOf = new LinkedHashMap<>();
      for (Change c : changes) {
        if (c.path().equals("key")) {
          newKeyOf.put(c.key(), (String) c.newValue());
        }
      }
      for (Map.Entry<String, byte[]> in : input.entrySet()) {
        String key = newKeyOf.getOrDefault(in.getKey(), in.getKey());
        byte[] out = values.get(key);
        List<Change> own = changesOf(in.getKey());
        if (own.isEmpty()) {
          assertArrayEquals(in.getValue(), out, in.getKey() + " was not changed but its bytes were");
          continue;
        }
        Map<String, Object> original = CODEC.decode(in.getKey(), in.getValue(), true).object();
        Map<String, Object> rewritten = CODEC.decode(key, out, true).object();
        for (Change c : own) {
          if (!c.path().equals("key")) {
            TreePath.set(rewritten, c.path(), TreePath.get(original, c.path()));
          }
        }
        assertArrayEquals(in.getValue(), CODEC.encode(rewritten),
            in.getKey() + ": fields other than the recorded changes " + own + " differ");
      }
    }
  }

  /** Through the rewrite engine itself ({@link Rewriter}), as restore runs it (a sink that stores values). */
  static Result run(Map<String, byte[]> input, RewriteRule... rules) {
    Rewriter rewriter = new Rewriter(List.of(rules), CODEC, "/registry", ResourceCatalog.builtin(), true);
    Iterator<Map.Entry<String, byte[]>> first = input.entrySet().iterator();
    rewriter.survey(() -> first.hasNext() ? entry(first.next()) : null);
    List<Change> changes = new ArrayList<>();
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : input.entrySet()) {
      Rewriter.Result r = rewriter.rewrite(entry(e));
      changes.addAll(r.changes());
      if (!r.dropped()) {
        put(out, r.output().keyString(), r.output().value());
      }
    }
    return new Result(out, changes, input);
  }

  private static MvccEntry entry(Map.Entry<String, byte[]> e) {
    return new MvccEntry(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue(), 1, 1, 1, 0, false, 0);
  }

  private static void put(Map<String, byte[]> out, String key, byte[] value) {
    assertNull(out.put(key, value), "two objects were written to " + key);
  }

}
