package io.regshift.sink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Runs the costly middle of a stream (decode, then render to text) on every core while the
 * output keeps the input's order. Items travel in batches; only a few batches are in flight, so
 * memory stays bounded whatever the length of the stream.
 */
public final class OrderedParallelMap {
  private static final int BATCH = 32;
  /** With a weigher: a batch also ends at this many units (bytes), so big items travel few at a time. */
  private static final long BATCH_WEIGHT = 1 << 20;
  /** How many threads do the work: {@code -Dregshift.threads=N} (1: all on the caller's thread), else every core. */
  static final String THREADS_PROPERTY = "regshift.threads";

  private OrderedParallelMap() {}

  /**
   * @param next   the next input, null at the end (called on the caller's thread)
   * @param map    the work, called on pool threads
   * @param output receives results in input order (called on the caller's thread)
   */
  public static <T, R> void run(Supplier<T> next, Function<T, R> map, Consumer<R> output) {
    run(next, map, output, t -> 0);
  }

  /**
   * As {@link #run(Supplier, Function, Consumer)}, with the items in flight bounded by weight too:
   * a batch ends at 32 items or at 1 MiB of {@code weight} (e.g. value bytes), whichever comes first.
   */
  public static <T, R> void run(Supplier<T> next, Function<T, R> map, Consumer<R> output, ToLongFunction<T> weight) {
    int threads = threads();
    if (threads == 1) {
      for (T t = next.get(); t != null; t = next.get()) {
        output.accept(map.apply(t));
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread th = new Thread(r, "regshift-render");
      th.setDaemon(true);
      return th;
    });
    ArrayDeque<Future<List<R>>> inFlight = new ArrayDeque<>();
    try {
      boolean more = true;
      while (more || !inFlight.isEmpty()) {
        while (more && inFlight.size() < threads * 2) {
          List<T> batch = new ArrayList<>(BATCH);
          long weighed = 0;
          T t = null;
          while (batch.size() < BATCH && weighed < BATCH_WEIGHT && (t = next.get()) != null) {
            batch.add(t);
            weighed += weight.applyAsLong(t);
          }
          more = t != null;
          if (!batch.isEmpty()) {
            inFlight.add(pool.submit(() -> {
              List<R> out = new ArrayList<>(batch.size());
              for (T item : batch) {
                out.add(map.apply(item));
              }
              return out;
            }));
          }
        }
        if (!inFlight.isEmpty()) {
          for (R r : await(inFlight.poll())) {
            output.accept(r);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The worker threads to use: {@value #THREADS_PROPERTY} when set (at least 1), else the available cores. */
  public static int threads() {
    String given = System.getProperty(THREADS_PROPERTY);
    if (given != null) {
      try {
        return Math.max(1, Integer.parseInt(given.trim()));
      } catch (NumberFormatException e) {
        // not a number: every core, as without it
      }
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static <R> List<R> await(Future<List<R>> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error error) {
        throw error; // as on the caller's thread (a mapped file that shrank raises InternalError)
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
