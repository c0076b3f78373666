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

/**
 * Runs the costly middle of a stream (decode, then render to text) on every core while the
 * output keeps the input's order. Items travel in batches; only a few batches are in flight, so
 * memory stays bounded whatever the length of the stream.
 */
public final class OrderedParallelMap {
  private static final int BATCH = 32;

  private OrderedParallelMap() {}

  /**
   * @param next   the next input, null at the end (called on the caller's thread)
   * @param map    the work, called on pool threads
   * @param output receives results in input order (called on the caller's thread)
   */
  public static <T, R> void run(Supplier<T> next, Function<T, R> map, Consumer<R> output) {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
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
          for (T t = null; batch.size() < BATCH && (t = next.get()) != null; ) {
            batch.add(t);
          }
          more = batch.size() == BATCH;
          if (!batch.isEmpty()) {
            inFlight.add(pool.submit(() -> {
              List<R> out = new ArrayList<>(batch.size());
              for (T t : batch) {
                out.add(map.apply(t));
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
      throw new IllegalStateException(e.getCause());
    }
  }
}
