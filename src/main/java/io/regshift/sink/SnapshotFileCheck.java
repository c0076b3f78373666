package io.regshift.sink;

import io.regshift.bolt.BoltChecker;
import io.regshift.bolt.BoltException;
import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Bucket;
import io.regshift.bolt.Cursor;
import io.regshift.bolt.Meta;
import io.regshift.etcd.KeyValueFields;
import io.regshift.etcd.RevisionKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checks {@code regshift verify} makes of a database file, less the value decoding: both metas,
 * the SHA-256 trailer, bbolt's page-graph check, and every key-bucket record (a revision key, in
 * increasing order, a KeyValue that parses). Run on a written snapshot before it gets its name.
 */
public final class SnapshotFileCheck {
  private static final int MAX_PROBLEMS = 20;

  private SnapshotFileCheck() {}

  /** One line per problem; empty when the file is sound. */
  public static List<String> problems(Path file) {
    List<String> problems = trailerProblems(file, null);
    try (BoltFile f = BoltFile.open(file)) {
      problems.addAll(imageProblems(f));
    } catch (BoltException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /**
   * The trailer: present, and equal to {@code imageSha256} when given (the hash the writer
   * computed by reading the finished image back, so the same bytes are not hashed twice), else to
   * a fresh hash of the image.
   */
  public static List<String> trailerProblems(Path file, byte[] imageSha256) {
    List<String> problems = new ArrayList<>();
    try (BoltFile f = BoltFile.open(file)) {
      if (!f.trailer().present()) {
        problems.add("no sha256 trailer");
      } else if (imageSha256 != null ? !Arrays.equals(f.trailer().stored(), imageSha256) : !f.trailer().verify()) {
        problems.add("the sha256 trailer does not match the image");
      }
    } catch (BoltException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /**
   * Everything but the trailer: metas, page graph, key-bucket records. Reads only the image, so
   * it can run while the trailer is being hashed and appended.
   */
  public static List<String> imageProblems(BoltFile f) {
    List<String> problems = new ArrayList<>();
    try {
      for (Meta m : f.metas()) {
        if (!m.valid()) {
          problems.add("meta page " + m.index() + ": " + m.problem());
        }
      }
      problems.addAll(BoltChecker.check(f));
      Bucket keys = f.bucket("key");
      if (keys == null) {
        problems.add("no 'key' bucket");
        return problems;
      }
      KeyValueFields kv = new KeyValueFields();
      boolean[] parses = new boolean[1];
      // values are parsed where they lie, not copied: this walk sees every record of the file
      Cursor.ValueSink parse = (array, offset, length) -> parses[0] = length == 0 || kv.parse(array, offset, length);
      byte[] rkBuf = new byte[RevisionKey.LENGTH + 1];
      Cursor c = keys.cursor();
      RevisionKey previous = null;
      while (c.next() && problems.size() < MAX_PROBLEMS) {
        int n = c.key(rkBuf);
        RevisionKey rk = n > rkBuf.length ? null : RevisionKey.parse(rkBuf, n);
        if (rk == null) {
          problems.add("key bucket: a key that is not a revision");
          continue;
        }
        if (previous != null && rk.compareTo(previous) <= 0) {
          problems.add("key bucket: revision " + rk + " follows " + previous);
        }
        previous = rk;
        c.value(parse);
        if (!parses[0]) {
          problems.add("revision " + rk + ": the KeyValue record does not parse");
        }
      }
    } catch (BoltException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }
}
