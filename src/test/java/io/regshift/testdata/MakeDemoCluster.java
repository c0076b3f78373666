package io.regshift.testdata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a generated Kubernetes cluster into a running etcd through jetcd.
 *
 * <pre>
 * MakeDemoCluster --endpoint http://127.0.0.1:2379 [--seed N]
 *     the demo cluster: a few hundred objects with history and a compaction, one txn per write
 * MakeDemoCluster --endpoint URL --scale OBJECTS [--seed N] [--txn-ops N] [--txn-bytes N] [--in-flight N]
 *     a big cluster of at least OBJECTS objects, batched into txns, several in flight
 * </pre>
 *
 * The etcd should be empty (revisions and compaction assume a fresh one). For --scale it needs
 * --max-txn-ops at least --txn-ops (default 500), --max-request-bytes above --txn-bytes (default
 * 1 MiB) and a --quota-backend-bytes that fits the data.
 */
public final class MakeDemoCluster {
  static final long DEFAULT_SEED = 20260112L;

  /** What a run wrote. */
  record Result(StepLedger ledger, long revision, long predictedRevision, long compactedRevision,
      long txns, Duration elapsed) {}

  private MakeDemoCluster() {}

  /** The demo cluster, one txn per write, as kube-apiserver would have written it. */
  static Result demo(String endpoint, long seed) {
    long start = System.nanoTime();
    try (ClusterWriter writer = ClusterWriter.sequential(endpoint)) {
      StepLedger ledger = new StepLedger(writer);
      long predicted = ClusterModel.demo(seed, ledger);
      return new Result(ledger, writer.finish(), predicted, writer.compactedRevision(),
          writer.txns(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** The demo cluster into an empty etcd, for tests in other packages; returns the head revision. */
  public static long writeDemo(String endpoint) {
    return demo(endpoint, DEFAULT_SEED).revision();
  }

  /** A big cluster of at least {@code objects} objects, written in batches. */
  static Result scaled(String endpoint, long seed, long objects, ClusterWriter.Bulk bulk) {
    long start = System.nanoTime();
    try (ClusterWriter writer = new ClusterWriter(endpoint, ClusterWriter.Mode.BULK, bulk)) {
      StepLedger ledger = new StepLedger(writer);
      ClusterModel.scaled(seed, objects, ledger);
      long revision = writer.finish();
      return new Result(ledger, revision, -1, writer.compactedRevision(), writer.txns(),
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  public static void main(String[] args) {
    String endpoint = null;
    long seed = DEFAULT_SEED;
    long scale = 0;
    ClusterWriter.Bulk defaults = ClusterWriter.Bulk.defaults();
    int txnOps = defaults.maxOps();
    int txnBytes = defaults.maxBytes();
    int inFlight = defaults.inFlight();
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String flag = rest.remove(0);
      if (flag.equals("-h") || flag.equals("--help")) {
        usage(null);
      }
      if (rest.isEmpty()) {
        usage(flag + " needs a value");
      }
      String value = rest.remove(0);
      try {
        switch (flag) {
          case "--endpoint" -> endpoint = value;
          case "--seed" -> seed = Long.parseLong(value);
          case "--scale" -> scale = Long.parseLong(value);
          case "--txn-ops" -> txnOps = Integer.parseInt(value);
          case "--txn-bytes" -> txnBytes = Integer.parseInt(value);
          case "--in-flight" -> inFlight = Integer.parseInt(value);
          default -> usage("unknown option " + flag);
        }
      } catch (NumberFormatException e) {
        usage(flag + ": not a number: " + value);
      }
    }
    if (endpoint == null) {
      usage("--endpoint is required");
    }
    Result r = scale > 0
        ? scaled(endpoint, seed, scale, new ClusterWriter.Bulk(txnOps, txnBytes, inFlight))
        : demo(endpoint, seed);
    double seconds = r.elapsed().toMillis() / 1000.0;
    System.out.print(r.ledger().summary());
    System.out.printf("etcd revision %d%s, %d txns, %.1f s (%.0f objects/s, %.1f MiB/s of values)%n",
        r.revision(),
        r.compactedRevision() > 0 ? ", compacted at " + r.compactedRevision() : "",
        r.txns(), seconds, r.ledger().creates() / seconds,
        r.ledger().bytesWritten() / 1048576.0 / seconds);
  }

  private static void usage(String problem) {
    if (problem != null) {
      System.err.println("MakeDemoCluster: " + problem);
    }
    System.err.println("usage: MakeDemoCluster --endpoint URL [--seed N] "
        + "[--scale OBJECTS [--txn-ops N] [--txn-bytes N] [--in-flight N]]");
    System.exit(problem == null ? 0 : 2);
  }
}
