package io.regshift.rewrite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.regshift.etcd.MvccEntry;
import io.regshift.kube.RegistryKey;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs rules over stored values the way a rewrite does: a survey pass, plan(), then an apply
 * pass that re-encodes changed objects and copies the others byte for byte. Each pass decodes the
 * stored bytes afresh (lossless), as a streaming rewrite must.
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

  static Result run(Map<String, byte[]> input, RewriteRule... rules) {
    for (RewriteRule rule : rules) {
      if (rule.needsSurvey()) {
        for (Map.Entry<String, byte[]> e : input.entrySet()) {
          RewriteObject object = object(e.getKey(), e.getValue(), c -> {
            throw new AssertionError("survey recorded a change: " + c);
          });
          rule.survey(object);
        }
      }
    }
    for (RewriteRule rule : rules) {
      rule.plan();
    }
    List<Change> changes = new ArrayList<>();
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> e : input.entrySet()) {
      RegistryKey key = RegistryKey.parse(e.getKey());
      boolean any = false;
      for (RewriteRule rule : rules) {
        any |= rule.mayChange(key);
      }
      if (!any) {
        put(out, e.getKey(), e.getValue());
        continue;
      }
      RewriteObject object = object(e.getKey(), e.getValue(), changes::add);
      for (RewriteRule rule : rules) {
        if (rule.mayChange(object.key())) {
          rule.apply(object);
        }
      }
      if (object.isDropped()) {
        continue;
      }
      put(out, object.key().key(), object.isChanged() ? CODEC.encode(object.object()) : e.getValue());
    }
    return new Result(out, changes, input);
  }

  private static void put(Map<String, byte[]> out, String key, byte[] value) {
    assertNull(out.put(key, value), "two objects were written to " + key);
  }

  private static RewriteObject object(String key, byte[] value, java.util.function.Consumer<Change> report) {
    StoredValue decoded = CODEC.decode(key, value, true);
    MvccEntry entry = new MvccEntry(key.getBytes(StandardCharsets.UTF_8), value, 1, 1, 1, 0, false, 0);
    return new RewriteObject(entry, RegistryKey.parse(key), decoded.ok() ? decoded.object() : null, report);
  }
}
