package io.regshift.etcd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Sorts revision references by key in bounded memory. etcd's key bucket is in revision order;
 * every view needs key order, so references are sorted in chunks that fit the budget and chunks
 * that do not fit are spilled to temporary files, then merged. Memory stays flat however many
 * keys the file holds.
 *
 * <p>While references are still being added, every {@link #RUN} of them is sorted (and runs of
 * equal length merged) on a background thread, so the sort overlaps the scan that feeds it and
 * {@link #sorted()} only merges a few runs. Only that thread touches the runs between gathers.
 */
public final class RevisionSorter implements AutoCloseable {
  private final long budget;
  private final UnaryOperator<List<RevisionRef>> reduce;
  private final Comparator<RevisionRef> order;
  private final SpilledRuns<RevisionRef> spills = new SpilledRuns<>("regshift-sort-", RevisionSorter::write,
      RevisionSorter::read);
  private List<RevisionRef> chunk = new ArrayList<>();
  /** What stayed in memory, sorted, once {@link #sorted()} was called. */
  private List<RevisionRef> memory;
  private long held;
  /** References per run sorted in the background. */
  static final int RUN = 1 << 14;
  /** Sorted runs, longest first (a binary counter of merges); background thread only. */
  private final List<List<RevisionRef>> runs = new ArrayList<>();
  private ExecutorService background;
  private Future<?> lastTask;

  /**
   * @param budget heap bytes the in-memory chunk may hold
   * @param reduce applied to a sorted chunk before it is kept or spilled (for the latest view:
   *               drop revisions a later one hides); must keep the list sorted
   */
  public RevisionSorter(long budget, UnaryOperator<List<RevisionRef>> reduce) {
    this(budget, RevisionRef.ORDER, reduce);
  }

  /** Sorting by {@code order} instead of key order (the snapshot writer wants revision order). */
  public RevisionSorter(long budget, Comparator<RevisionRef> order, UnaryOperator<List<RevisionRef>> reduce) {
    this.budget = Math.max(budget, 1 << 20);
    this.order = order;
    this.reduce = reduce;
  }

  /** A budget from the heap: a sixth of the maximum, so the rest of the pipeline keeps room. */
  public static long defaultBudget() {
    return Math.max(8L << 20, Runtime.getRuntime().maxMemory() / 6);
  }

  public void add(RevisionRef ref) {
    chunk.add(ref);
    held += ref.footprint();
    if (held > budget) {
      chunk = gather();
      held = chunk.stream().mapToLong(RevisionRef::footprint).sum();
      if (held > budget / 2) {
        spill();
      }
    } else if (chunk.size() >= RUN) {
      List<RevisionRef> run = chunk;
      chunk = new ArrayList<>();
      lastTask = background().submit(() -> addRun(run));
    }
  }

  /**
   * All references added, in the sorter's order ({@link RevisionRef#ORDER} by default). Nothing
   * may be added after the first call; each call reads them all again (a command's passes).
   */
  public Iterator<RevisionRef> sorted() {
    if (memory == null) {
      memory = gather();
      chunk = null;
    }
    if (spills.isEmpty()) {
      return memory.iterator();
    }
    List<Iterator<RevisionRef>> iterators = new ArrayList<>();
    iterators.add(memory.iterator());
    iterators.addAll(spills.read());
    return SpilledRuns.merge(iterators, order);
  }

  /**
   * Sorts a run and merges it into the runs of equal length (background thread). The reduce is
   * left to {@link #gather()}: once over everything beats once per merge level.
   */
  private void addRun(List<RevisionRef> run) {
    run.sort(order);
    List<RevisionRef> merged = run;
    while (!runs.isEmpty() && runs.get(runs.size() - 1).size() <= merged.size() * 2) {
      merged = mergeTwo(runs.remove(runs.size() - 1), merged, order);
    }
    runs.add(merged);
  }

  /** Everything held in memory as one sorted, reduced list; waits for the background runs. */
  private List<RevisionRef> gather() {
    awaitBackground();
    chunk.sort(order);
    List<RevisionRef> all = chunk;
    while (!runs.isEmpty()) {
      all = mergeTwo(runs.remove(runs.size() - 1), all, order);
    }
    return new ArrayList<>(reduce.apply(all));
  }

  private void awaitBackground() {
    if (lastTask == null) {
      return;
    }
    try {
      lastTask.get(); // the executor runs its tasks in order: the last done means all are
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sorting revisions", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      lastTask = null;
    }
  }

  private ExecutorService background() {
    if (background == null) {
      // one thread at most, tasks in order; it ends when idle, so a sorter never closed leaks nothing
      background = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "regshift-revision-sort");
        t.setDaemon(true);
        return t;
      });
    }
    return background;
  }

  private static List<RevisionRef> mergeTwo(List<RevisionRef> a, List<RevisionRef> b, Comparator<RevisionRef> order) {
    List<RevisionRef> out = new ArrayList<>(a.size() + b.size());
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      out.add(order.compare(a.get(i), b.get(j)) <= 0 ? a.get(i++) : b.get(j++));
    }
    out.addAll(a.subList(i, a.size()));
    out.addAll(b.subList(j, b.size()));
    return out;
  }

  private void spill() {
    spills.spill(chunk);
    chunk = new ArrayList<>();
    held = 0;
  }

  private static void write(DataOutputStream out, RevisionRef r) throws IOException {
    out.writeInt(r.key().length);
    out.write(r.key());
    out.writeLong(r.main());
    out.writeLong(r.sub());
    out.writeBoolean(r.tombstone());
    out.writeLong(r.offset());
    out.writeInt(r.length());
    out.writeLong(r.note());
  }

  private static RevisionRef read(DataInputStream in) throws IOException {
    byte[] key = in.readNBytes(in.readInt());
    return new RevisionRef(key, in.readLong(), in.readLong(), in.readBoolean(), in.readLong(), in.readInt(), in.readLong());
  }

  /** Spill files written so far (tests check that large inputs really spill). */
  int spillCount() {
    return spills.count();
  }

  @Override
  public void close() {
    if (background != null) {
      background.shutdownNow();
    }
    spills.close();
  }
}
