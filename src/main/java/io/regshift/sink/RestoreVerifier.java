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
 * Reads back what a restore wrote and compares the bytes, in batches of gets (one read-only
 * transaction each, so a batch is one consistent view).
 */
public final class RestoreVerifier {
  /** Problems quoted in the error; the count says how many there are in all. */
  private static final int QUOTED = 5;

  private final EtcdConnection target;
  private final int txnOps;
  private final long txnBytes;
  private final List<RestoreItem> batch = new ArrayList<>();
  private long batchBytes;
  private long verified;
  private long problems;
  private final List<String> quoted = new ArrayList<>();

  public RestoreVerifier(EtcdConnection target, int txnOps, long txnBytes) {
    this.target = target;
    this.txnOps = txnOps;
    this.txnBytes = txnBytes;
  }

  public void add(RestoreItem item) {
    if (!batch.isEmpty() && (batch.size() >= txnOps || batchBytes + item.value().length > txnBytes)) {
      flush();
    }
    batch.add(item);
    batchBytes += item.value().length; // responses carry the values: keep them near the request size
  }

  public void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<Op> gets = batch.stream().map(i -> (Op) Op.get(ByteSequence.from(i.targetKey()), GetOption.DEFAULT)).toList();
    List<GetResponse> found = target.call("read back the restored keys", () -> target.client().getKVClient().txn()
        .Then(gets.toArray(Op[]::new)).commit()).getGetResponses();
    for (int i = 0; i < batch.size(); i++) {
      RestoreItem item = batch.get(i);
      List<KeyValue> kvs = found.get(i).getKvs();
      if (kvs.isEmpty()) {
        problem(item.keyString() + " is missing");
      } else if (!item.heldBy(kvs.get(0).getValue().getBytes())) {
        problem(item.keyString() + (item.reEncrypted() ? " does not hold the source's content encrypted as the target config writes it"
            : " holds other bytes than the source"));
      } else {
        verified++;
      }
    }
    batch.clear();
    batchBytes = 0;
  }

  private void problem(String what) {
    problems++;
    if (quoted.size() < QUOTED) {
      quoted.add(what);
    }
  }

  public long verified() {
    return verified;
  }

  public long problems() {
    return problems;
  }

  /** The first few problems, for the message. */
  public List<String> quoted() {
    return quoted;
  }
}
