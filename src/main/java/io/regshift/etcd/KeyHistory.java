package io.regshift.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every revision of one key that a live etcd still holds, oldest first, found with reads at past
 * revisions (etcd has no call that lists a key's history). Walking back from the head: a live
 * value names the revision it was written at, so the read before it is one revision earlier;
 * where the key is absent, revisions are probed {@link #PROBES} at a time in one transaction
 * until the value before the deletion appears.
 */
public final class KeyHistory {
  /** Reads per transaction; etcd's default --max-txn-ops is 128. */
  static final int PROBES = 128;

  private final EtcdConnection connection;
  private final ByteSequence key;
  private final byte[] keyBytes;
  private final long oldest;

  private KeyHistory(EtcdConnection connection, byte[] key, long oldest) {
    this.connection = connection;
    this.keyBytes = key;
    this.key = ByteSequence.from(key);
    this.oldest = oldest;
  }

  /**
   * @param head    the newest revision to look at
   * @param compact the compaction revision (the oldest readable), 0 when never compacted
   */
  public static List<MvccEntry> read(EtcdConnection connection, byte[] key, long head, long compact) {
    return new KeyHistory(connection, key, Math.max(compact, 1)).walk(head);
  }

  private List<MvccEntry> walk(long head) {
    Deque<MvccEntry> events = new ArrayDeque<>();
    KeyValue state = at(head);
    long absentFrom = head;
    while (true) {
      if (state == null) {
        Found f = lastPresentAtOrBefore(absentFrom);
        if (f == null) {
          break;
        }
        events.addFirst(tombstone(f.revision + 1));
        state = f.kv;
      }
      events.addFirst(entry(state));
      long before = state.getModRevision() - 1;
      if (before < oldest) {
        break;
      }
      KeyValue previous = at(before);
      if (state.getVersion() == 1 && previous != null) {
        events.addFirst(tombstone(state.getModRevision())); // deleted and created again in one transaction
      }
      state = previous;
      absentFrom = before;
    }
    return new ArrayList<>(events);
  }

  private record Found(long revision, KeyValue kv) {}

  /** The newest revision at or before {@code from} (and not before the oldest) where the key exists. */
  private Found lastPresentAtOrBefore(long from) {
    for (long top = from; top >= oldest; top -= PROBES) {
      long bottom = Math.max(oldest, top - PROBES + 1);
      List<Op> ops = new ArrayList<>();
      for (long r = top; r >= bottom; r--) {
        ops.add(Op.get(key, GetOption.builder().withRevision(r).build()));
      }
      long t = top;
      TxnResponse resp = connection.call("read the history of " + text() + " before revision " + (t + 1),
          () -> connection.client().getKVClient().txn().Then(ops.toArray(Op[]::new)).commit());
      List<GetResponse> gets = resp.getGetResponses();
      for (int i = 0; i < gets.size(); i++) {
        if (!gets.get(i).getKvs().isEmpty()) {
          return new Found(top - i, gets.get(i).getKvs().get(0));
        }
      }
    }
    return null;
  }

  private KeyValue at(long revision) {
    GetResponse r = connection.call("read " + text() + " at revision " + revision,
        () -> connection.client().getKVClient().get(key, GetOption.builder().withRevision(revision).build()));
    return r.getKvs().isEmpty() ? null : r.getKvs().get(0);
  }

  private MvccEntry entry(KeyValue kv) {
    return new MvccEntry(keyBytes, kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision(),
        kv.getVersion(), kv.getLease(), false, 0);
  }

  /** A deletion as etcd stores it: the key only, at the deleting revision. */
  private MvccEntry tombstone(long revision) {
    return new MvccEntry(keyBytes, new byte[0], 0, revision, 0, 0, true, revision);
  }

  private String text() {
    return "\"" + key.toString(java.nio.charset.StandardCharsets.UTF_8) + "\"";
  }
}
