package io.regshift.sink;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.regshift.etcd.EtcdConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back what a restore wrote and compares the bytes: each batch once etcd committed it, in
 * one read-only transaction (one consistent view), from the writer's own threads, so the check
 * costs neither a second read of the source nor a pass of its own at the end. Thread-safe.
 */
public final class RestoreVerifier {
  /** Problems quoted in the error; the count says how many there are in all. */
  private static final int QUOTED = 5;

  private final EtcdConnection target;
  private long verified;
  private long problems;
  private final List<String> quoted = new ArrayList<>();

  public RestoreVerifier(EtcdConnection target) {
    this.target = target;
  }

  /** Reads {@code items} back from the target (a batch the writer sent: within the request limits). */
  public void check(List<RestoreItem> items) {
    if (items.isEmpty()) {
      return;
    }
    List<Op> gets = items.stream().map(i -> (Op) Op.get(ByteSequence.from(i.targetKey()), GetOption.DEFAULT)).toList();
    List<GetResponse> found = target.call("read back the restored keys", () -> target.client().getKVClient().txn()
        .Then(gets.toArray(Op[]::new)).commit()).getGetResponses();
    long ok = 0;
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      RestoreItem item = items.get(i);
      List<KeyValue> kvs = found.get(i).getKvs();
      if (kvs.isEmpty()) {
        bad.add(item.keyString() + " is missing");
      } else if (!item.heldBy(kvs.get(0).getValue().getBytes())) {
        bad.add(item.keyString() + (item.reEncrypted() ? " does not hold the source's content encrypted as the target config writes it"
            : " holds other bytes than the source"));
      } else {
        ok++;
      }
    }
    synchronized (this) {
      verified += ok;
      problems += bad.size();
      for (String b : bad) {
        if (quoted.size() < QUOTED) {
          quoted.add(b);
        }
      }
    }
  }

  public synchronized long verified() {
    return verified;
  }

  public synchronized long problems() {
    return problems;
  }

  /** The first few problems, for the message. */
  public synchronized List<String> quoted() {
    return List.copyOf(quoted);
  }
}
