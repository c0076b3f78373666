package io.regshift.testdata;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Writes {@link Step}s into a real etcd through jetcd.
 *
 * <p>{@link Mode#SEQUENTIAL} does what kube-apiserver does: one txn per object, guarded by the
 * key's mod revision (create if absent, update/delete if unchanged since read), so revisions
 * are the same on every run into a fresh etcd. {@link Mode#BULK} is for big clusters: creates
 * are batched many to a txn (bounded by op count and bytes, below etcd's request limit and
 * --max-txn-ops), several txns in flight at once; updates, deletes and compactor runs wait for
 * everything in flight, so a key's writes keep their order.
 *
 * <p>Leases are granted with the id the step names (jetcd's Lease client cannot choose one, so
 * this uses jetcd's generated Lease stub directly): generated content is identical run to run.
 */
final class ClusterWriter implements Consumer<Step>, AutoCloseable {
  static final String COMPACT_REV_KEY = "compact_rev_key";
  private static final long TIMEOUT_SECONDS = 60;

  enum Mode { SEQUENTIAL, BULK }

  /** Limits for {@link Mode#BULK}. */
  record Bulk(int maxOps, int maxBytes, int inFlight) {
    static Bulk defaults() {
      return new Bulk(500, 1 << 20, 8);
    }
  }

  private final Client client;
  private final KV kv;
  private final ManagedChannel leaseChannel;
  private final Mode mode;
  private final Bulk bulk;
  private final Map<String, Long> modRevisions = new HashMap<>();
  private long compactTime;
  private long compactRev;
  private long lastCompacted;
  private long revision;
  private long txns;

  // bulk state
  private final List<Op> batch = new ArrayList<>();
  private int batchBytes;
  private final Semaphore slots;
  private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  ClusterWriter(String endpoint, Mode mode, Bulk bulk) {
    this.client = Client.builder().endpoints(endpoint).build();
    this.kv = client.getKVClient();
    URI uri = URI.create(endpoint);
    this.leaseChannel = ManagedChannelBuilder.forAddress(uri.getHost(), uri.getPort())
        .usePlaintext().build();
    this.mode = mode;
    this.bulk = bulk;
    this.slots = new Semaphore(bulk.inFlight());
  }

  static ClusterWriter sequential(String endpoint) {
    return new ClusterWriter(endpoint, Mode.SEQUENTIAL, Bulk.defaults());
  }

  @Override
  public void accept(Step step) {
    rethrow();
    if (mode == Mode.BULK && step instanceof Step.Create c) {
      enqueue(c);
      return;
    }
    if (mode == Mode.BULK && !(step instanceof Step.GrantLease)) {
      drain();
    }
    if (step instanceof Step.Create c) {
      commit(c.key(), new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(0)),
          Op.put(bytes(c.key()), ByteSequence.from(c.value()), putOption(c.lease())));
    } else if (step instanceof Step.Update u) {
      commit(u.key(), guard(u.key()),
          Op.put(bytes(u.key()), ByteSequence.from(u.value()), putOption(u.lease())));
    } else if (step instanceof Step.Delete d) {
      commit(d.key(), guard(d.key()), Op.delete(bytes(d.key()), DeleteOption.DEFAULT));
    } else if (step instanceof Step.GrantLease g) {
      grant(g);
    } else if (step instanceof Step.CompactorRun) {
      compactorRun();
    }
  }

  /** Waits for everything in flight; the revision etcd is at. */
  long finish() {
    drain();
    return revision;
  }

  long txns() {
    return txns;
  }

  /** The revision the last compactor run compacted to; 0 if none did. */
  long compactedRevision() {
    return lastCompacted;
  }

  @Override
  public void close() {
    try {
      if (mode == Mode.BULK) {
        drain();
      }
    } finally {
      leaseChannel.shutdownNow();
      client.close();
    }
  }

  // ---------------------------------------------------------------- one txn per step

  private Cmp guard(String key) {
    Long rev = modRevisions.get(key);
    // In bulk mode creates are not tracked: the guard then only requires that the key exists.
    return rev == null
        ? new Cmp(bytes(key), Cmp.Op.GREATER, CmpTarget.modRevision(0))
        : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev));
  }

  private void commit(String key, Cmp cmp, Op op) {
    TxnResponse r = await(kv.txn().If(cmp).Then(op)
        .Else(Op.get(bytes(key), GetOption.DEFAULT)).commit());
    txns++;
    if (!r.isSucceeded()) {
      throw new IllegalStateException("etcd refused the write of " + key
          + ": its mod revision is not the one last written (" + modRevisions.get(key) + ")");
    }
    revision = r.getHeader().getRevision();
    if (op instanceof Op.DeleteOp) {
      modRevisions.remove(key);
    } else if (mode == Mode.SEQUENTIAL) {
      modRevisions.put(key, revision);
    }
  }

  private void grant(Step.GrantLease g) {
    LeaseGrpc.newBlockingStub(leaseChannel)
        .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .leaseGrant(LeaseGrantRequest.newBuilder().setID(g.id()).setTTL(g.ttlSeconds()).build());
  }

  /** kube-apiserver's compact(): bump compact_rev_key guarded by its version, then compact. */
  private void compactorRun() {
    TxnResponse r = await(kv.txn()
        .If(new Cmp(bytes(COMPACT_REV_KEY), Cmp.Op.EQUAL, CmpTarget.version(compactTime)))
        .Then(Op.put(bytes(COMPACT_REV_KEY), bytes(Long.toString(compactRev)), PutOption.DEFAULT))
        .Else(Op.get(bytes(COMPACT_REV_KEY), GetOption.DEFAULT))
        .commit());
    txns++;
    long current = r.getHeader().getRevision();
    if (!r.isSucceeded()) {
      throw new IllegalStateException("another compactor owns " + COMPACT_REV_KEY);
    }
    revision = current;
    compactTime++;
    if (compactRev != 0) {
      await(kv.compact(compactRev));
      lastCompacted = compactRev;
    }
    compactRev = current;
  }

  // ---------------------------------------------------------------- bulk

  private void enqueue(Step.Create c) {
    int size = c.key().length() + c.value().length + 16;
    if (!batch.isEmpty() && (batch.size() >= bulk.maxOps() || batchBytes + size > bulk.maxBytes())) {
      sendBatch();
    }
    batch.add(Op.put(bytes(c.key()), ByteSequence.from(c.value()), putOption(c.lease())));
    batchBytes += size;
  }

  private void sendBatch() {
    Op[] ops = batch.toArray(new Op[0]);
    batch.clear();
    batchBytes = 0;
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    CompletableFuture<TxnResponse> f = kv.txn().Then(ops).commit();
    txns++;
    CompletableFuture<?> done = f.whenComplete((response, error) -> {
      slots.release();
      if (error != null) {
        failure.compareAndSet(null, error);
      } else {
        synchronized (this) {
          revision = Math.max(revision, response.getHeader().getRevision());
        }
      }
    });
    synchronized (inFlight) {
      inFlight.add(done);
      inFlight.removeIf(CompletableFuture::isDone);
    }
  }

  private void drain() {
    if (!batch.isEmpty()) {
      sendBatch();
    }
    List<CompletableFuture<?>> pending;
    synchronized (inFlight) {
      pending = new ArrayList<>(inFlight);
      inFlight.clear();
    }
    for (CompletableFuture<?> f : pending) {
      try {
        f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        failure.compareAndSet(null, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    rethrow();
  }

  private void rethrow() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("an etcd write failed: " + t.getMessage(), t);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static PutOption putOption(long lease) {
    return lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("etcd: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("etcd did not answer within " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
