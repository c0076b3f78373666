package io.regshift.sink;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.regshift.etcd.EtcdConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes keys into a target etcd in batched, create-only transactions: each put is guarded by
 * "create revision = 0" (the key does not exist), several batches in flight. When a guard fails
 * the batch's keys are read in the same transaction, and each existing one is ours (same bytes,
 * recorded by the journal: done), or a conflict handled by the {@link ConflictPolicy}. A dry run
 * only reads. {@link #barrier} waits for every batch sent so far (the end of an ordering tier).
 */
public final class EtcdRestoreWriter implements AutoCloseable {
  /** Rounds of "write, find the conflicts, write the rest" for one batch before giving up. */
  private static final int ROUNDS = 8;

  /** What the writer is told to do. */
  public record Settings(int txnOps, long txnBytes, int inFlight, boolean dryRun, ConflictPolicy policy) {}

  private final EtcdConnection target;
  private final RestoreJournal journal;
  private final Settings settings;
  private final RestoreVerifier verifier;
  private final ExecutorService workers;
  private final Semaphore slots;
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private final Map<Long, Long> leases = new HashMap<>();
  private final List<RestoreItem> batch = new ArrayList<>();
  private long batchBytes;

  private final AtomicLong written = new AtomicLong();
  private final AtomicLong resumed = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final Map<String, Long> perResource = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<RestoreConflict> conflicts = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> notOurs = ConcurrentHashMap.newKeySet();

  /**
   * @param journal  null in a dry run without an earlier journal
   * @param verifier reads each batch back once committed (resumed keys too; not the keys the
   *                 target keeps with its own value); null in a dry run
   */
  public EtcdRestoreWriter(EtcdConnection target, RestoreJournal journal, Settings settings, RestoreVerifier verifier) {
    this.target = target;
    this.journal = journal;
    this.settings = settings;
    this.verifier = verifier;
    this.workers = Executors.newFixedThreadPool(settings.inFlight(), r -> {
      Thread t = new Thread(r, "regshift-restore");
      t.setDaemon(true);
      return t;
    });
    this.slots = new Semaphore(settings.inFlight());
  }

  /** Adds one key; a full batch is sent (waiting while the in-flight batches are at their limit). */
  public void add(RestoreItem item) {
    rethrow();
    if (!batch.isEmpty() && (batch.size() >= settings.txnOps() || batchBytes + item.requestBytes() > settings.txnBytes())) {
      send();
    }
    batch.add(item);
    batchBytes += item.requestBytes();
  }

  /** Sends what is batched and waits until every batch sent so far is committed. */
  public void barrier() {
    if (!batch.isEmpty()) {
      send();
    }
    slots.acquireUninterruptibly(settings.inFlight());
    slots.release(settings.inFlight());
    rethrow();
  }

  private void send() {
    List<RestoreItem> b = List.copyOf(batch);
    batch.clear();
    batchBytes = 0;
    slots.acquireUninterruptibly();
    rethrow(); // a batch failed while this one waited: send nothing more
    workers.execute(() -> {
      try {
        if (failure.get() == null) {
          if (settings.dryRun()) {
            plan(b);
          } else {
            write(b);
            if (verifier != null) {
              verifier.check(b.stream().filter(i -> !notOurs.contains(i.keyString())).toList());
            }
          }
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      } finally {
        slots.release();
      }
    });
  }

  private void rethrow() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  private void write(List<RestoreItem> items) {
    List<RestoreItem> todo = new ArrayList<>();
    for (RestoreItem item : items) {
      if (journal.done(item)) {
        resumed.incrementAndGet(); // committed by an earlier run; read back with the rest of the batch
      } else {
        todo.add(item);
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    journal.sending(todo);
    // the mod revision each key must still have for an overwrite; 0: the key must not exist
    Map<RestoreItem, Long> expected = new LinkedHashMap<>();
    todo.forEach(i -> expected.put(i, 0L));
    for (int round = 1; !expected.isEmpty(); round++) {
      if (round > ROUNDS) {
        throw new SinkException(target.settings().sourceName() + ": the target keeps changing under the restore (keys "
            + "written by someone else while restoring, e.g. " + expected.keySet().iterator().next().keyString() + ")");
      }
      TxnResponse r = txn(expected);
      if (r.isSucceeded()) {
        written.addAndGet(expected.size());
        expected.keySet().forEach(i -> perResource.merge(i.resource(), 1L, Long::sum));
        journal.committed(new ArrayList<>(expected.keySet()));
        batches.incrementAndGet();
        return;
      }
      List<GetResponse> found = r.getGetResponses();
      List<RestoreItem> ours = new ArrayList<>();
      int n = 0;
      for (RestoreItem item : new ArrayList<>(expected.keySet())) {
        List<KeyValue> kvs = found.get(n++).getKvs();
        if (kvs.isEmpty()) {
          expected.put(item, 0L);
          continue;
        }
        KeyValue kv = kvs.get(0);
        byte[] held = kv.getValue().getBytes();
        boolean same = item.heldBy(held);
        if (same && journal.recorded(item, held)) {
          ours.add(item); // written by an earlier run whose answer was lost
          expected.remove(item);
          resumed.incrementAndGet();
          continue;
        }
        if (expected.get(item) != 0L && expected.get(item) == kv.getModRevision()) {
          continue; // our overwrite guard held for this key; another key failed the transaction
        }
        RestoreConflict c = new RestoreConflict(item.keyString(), !same);
        switch (settings.policy()) {
          case FAIL -> throw new SinkException(target.settings().sourceName() + ": the target already holds "
              + c.describe() + "; --on-conflict skip keeps it, --on-conflict overwrite replaces it");
          case SKIP -> {
            conflicts.add(c);
            notOurs.add(c.key());
            expected.remove(item);
          }
          case OVERWRITE -> {
            if (expected.get(item) == 0L) {
              conflicts.add(c);
            }
            if (same) {
              expected.remove(item); // the bytes are already right: a put would only bump its version
            } else {
              expected.put(item, kv.getModRevision());
            }
          }
        }
      }
      if (!ours.isEmpty()) {
        journal.committed(ours);
      }
    }
  }

  private TxnResponse txn(Map<RestoreItem, Long> expected) {
    List<Cmp> cmps = new ArrayList<>();
    List<Op> puts = new ArrayList<>();
    List<Op> gets = new ArrayList<>();
    for (Map.Entry<RestoreItem, Long> e : expected.entrySet()) {
      RestoreItem item = e.getKey();
      ByteSequence key = ByteSequence.from(item.targetKey());
      cmps.add(e.getValue() == 0L ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
          : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(e.getValue())));
      PutOption put = item.ttl() > 0 ? PutOption.builder().withLeaseId(lease(item.ttl())).build() : PutOption.DEFAULT;
      puts.add(Op.put(key, ByteSequence.from(item.value()), put));
      gets.add(Op.get(key, GetOption.DEFAULT));
    }
    return target.call("write keys", () -> target.client().getKVClient().txn()
        .If(cmps.toArray(Cmp[]::new)).Then(puts.toArray(Op[]::new)).Else(gets.toArray(Op[]::new)).commit());
  }

  /** One lease per TTL for the whole restore, granted when first needed. */
  private synchronized long lease(long ttl) {
    Long id = leases.get(ttl);
    if (id == null) {
      id = target.call("grant a lease", () -> target.client().getLeaseClient().grant(ttl)).getID();
      leases.put(ttl, id);
    }
    return id;
  }

  /** The dry run: read the batch's keys and say what writing them would do. */
  private void plan(List<RestoreItem> items) {
    List<Op> gets = new ArrayList<>();
    for (RestoreItem item : items) {
      gets.add(Op.get(ByteSequence.from(item.targetKey()), GetOption.DEFAULT));
    }
    TxnResponse r = target.call("read keys", () -> target.client().getKVClient().txn()
        .Then(gets.toArray(Op[]::new)).commit());
    List<GetResponse> found = r.getGetResponses();
    for (int i = 0; i < items.size(); i++) {
      RestoreItem item = items.get(i);
      List<KeyValue> kvs = found.get(i).getKvs();
      if (kvs.isEmpty()) {
        written.incrementAndGet();
        perResource.merge(item.resource(), 1L, Long::sum);
        continue;
      }
      byte[] held = kvs.get(0).getValue().getBytes();
      boolean same = item.heldBy(held);
      if (same && journal != null && journal.recorded(item, held)) {
        resumed.incrementAndGet();
      } else {
        conflicts.add(new RestoreConflict(item.keyString(), !same));
        if (settings.policy() == ConflictPolicy.OVERWRITE) {
          written.incrementAndGet();
          perResource.merge(item.resource(), 1L, Long::sum);
        }
      }
    }
    batches.incrementAndGet();
  }

  /** Keys written (or, in a dry run, that would be), overwrites included. */
  public long written() {
    return written.get();
  }

  /** Keys found written by an earlier run of the same restore. */
  public long resumed() {
    return resumed.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Keys written (would be written) per resource, in the order first written. */
  public Map<String, Long> perResource() {
    synchronized (perResource) {
      return new LinkedHashMap<>(perResource);
    }
  }

  public List<RestoreConflict> conflicts() {
    synchronized (conflicts) {
      return new ArrayList<>(conflicts);
    }
  }

  /** True for a key the target keeps with its own value (--on-conflict skip): not to be verified against the source. */
  public boolean keptTargetValue(String key) {
    return notOurs.contains(key);
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
