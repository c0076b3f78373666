package io.regshift.rewrite;

import io.regshift.etcd.MvccEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Rewritten entries in the order of their new keys, for sinks that need etcd's key order (an
 * archive, a snapshot) when a rule moves keys (--map-namespace). The source is read as several
 * streams at once, each in key order and each keeping its order once rewritten (the entries of
 * one mapped namespace move together); the streams are merged by new key. Memory: one entry per
 * stream.
 */
public final class KeyOrderMerge {
  private final Rewriter rewriter;
  private final List<Supplier<MvccEntry>> streams;
  private final Rewriter.Result[] heads;
  private final boolean[] started;
  private byte[] last;

  public KeyOrderMerge(Rewriter rewriter, List<Supplier<MvccEntry>> streams) {
    this.rewriter = rewriter;
    this.streams = new ArrayList<>(streams);
    this.heads = new Rewriter.Result[streams.size()];
    this.started = new boolean[streams.size()];
  }

  /** The next result in new-key order (dropped entries are given too, for the report); null at the end. */
  public Rewriter.Result next() {
    int best = -1;
    for (int i = 0; i < heads.length; i++) {
      if (!started[i]) {
        heads[i] = advance(i);
        started[i] = true;
      }
      if (heads[i] != null && (best < 0 || Arrays.compareUnsigned(key(heads[i]), key(heads[best])) < 0)) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    Rewriter.Result r = heads[best];
    heads[best] = advance(best);
    byte[] k = key(r);
    if (!r.dropped()) {
      if (last != null && Arrays.compareUnsigned(last, k) >= 0) {
        throw new RewriteException("rewritten keys out of order: " + r.output().keyString() + " after "
            + new String(last, java.nio.charset.StandardCharsets.UTF_8) + " (two objects mapped onto one key?)");
      }
      last = k;
    }
    return r;
  }

  private Rewriter.Result advance(int i) {
    MvccEntry e = streams.get(i).get();
    return e == null ? null : rewriter.rewrite(e);
  }

  private static byte[] key(Rewriter.Result r) {
    return r.dropped() ? r.source().key() : r.output().key();
  }
}
