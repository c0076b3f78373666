package io.regshift.sink;

import io.regshift.bolt.BoltException;
import io.regshift.bolt.BoltFile;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.EntryRevisionSorter;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.etcd.RevisionEntry;
import io.regshift.etcd.RevisionReader;
import io.regshift.etcd.RevisionSorter;
import io.regshift.source.SnapshotSource;
import io.regshift.source.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * source → select → rewrite → etcd snapshot file: reads the selected records in revision order
 * (a database file straight from its key bucket; a live etcd or an archive through an external
 * sort), passes each through the rewrite, writes them with {@link EtcdSnapshotWriter} under a
 * hidden name, checks the result and only then gives it its name.
 *
 * <p>Revisions: every record keeps its revision. The latest state (default) is what etcd keeps
 * after compacting at the read revision, so the file says it is compacted there, and etcd resumes
 * after it even when the newest changes were deletions or left out. With history, a marker record
 * at the source's head does the same. {@code --bump-revision N} adds a marker N past the head;
 * {@code --mark-compacted} schedules a compaction there, as etcdutl's restore does.
 */
public final class SnapshotPipeline {

  /**
   * @param keepHistory   every stored revision of the selected keys (database file sources only)
   * @param bumpRevision  N: the head is moved N revisions past the source's (0: not moved)
   * @param markCompacted schedule a compaction at the bumped head (needs bumpRevision)
   */
  public record Options(boolean keepHistory, long bumpRevision, boolean markCompacted) {
    public Options {
      if (bumpRevision < 0) {
        throw new IllegalArgumentException("--bump-revision must be 0 or more, not " + bumpRevision);
      }
      if (markCompacted && bumpRevision == 0) {
        throw new IllegalArgumentException("--mark-compacted needs --bump-revision (as etcdutl snapshot restore)");
      }
    }
  }

  /**
   * @param summary    what the writer wrote
   * @param read       selected records read
   * @param dropped    records the rewrite left out
   * @param revision   the revision the source was read at
   * @param head       the revision etcd resumes after, once restored
   * @param compacted  the file's compaction revision (finished or scheduled), 0 for none
   */
  public record Result(EtcdSnapshotWriter.Summary summary, long read, long dropped, long revision, long head,
      long compacted) {}

  /** Told of each record written, for a progress line. */
  @FunctionalInterface
  public interface Ticker {
    void tick(long records, long valueBytes);
  }

  private SnapshotPipeline() {}

  public static Result write(Source src, ReadView view, KeyRange range, Predicate<byte[]> keep, EntryRewrite rewrite,
      Options options, Path target, Ticker ticker) {
    if (options.keepHistory() && view.mode() == ReadView.Mode.AT) {
      throw new IllegalArgumentException("--keep-history keeps every revision; it cannot be combined with --revision");
    }
    EtcdDatabase db = src instanceof SnapshotSource s ? s.database() : null;
    if (options.keepHistory() && db == null) {
      throw new IllegalArgumentException(src.name() + ": --keep-history needs an etcd database file as SOURCE ("
          + "a live etcd or an archive gives the latest state only)");
    }
    long revision = view.mode() == ReadView.Mode.AT ? view.revision() : src.headRevision();
    if (rewrite.needsSurvey()) {
      ReadView surveyed = options.keepHistory() ? ReadView.history() : view;
      try (EntryReader first = src.read(surveyed, range, keep)) {
        rewrite.survey(first, () -> src.read(surveyed, range, keep));
      }
    }
    try (StagedFile staged = StagedFile.create(target, ".part")) {
      long read = 0;
      long dropped = 0;
      long compacted;
      long head;
      EtcdSnapshotWriter.Summary summary;
      List<String> problems;
      try (EtcdSnapshotWriter writer = EtcdSnapshotWriter.create(staged.path());
           RevisionReader records = open(src, db, view, range, keep, rewrite, options)) {
        long[] counts = new long[2]; // read, dropped
        // sorted sources are rewritten before the sort
        inOrder(records, db == null ? EntryRewrite.NONE : rewrite, (r, out) -> {
          counts[0]++;
          if (out == null) {
            counts[1]++;
            return;
          }
          writer.add(out == r.entry() ? r : new RevisionEntry(r.revision(), out)); // unchanged: its stored bytes
          if (ticker != null) {
            ticker.tick(counts[0] - counts[1], out.value().length);
          }
        });
        rewrite.finish(); // values the rules could not read, found while writing: the file is not kept
        read = counts[0];
        dropped = counts[1];
        if (records instanceof Counting c) {
          read = c.read;
          dropped = c.dropped;
        }
        long finished;
        long scheduled;
        head = Math.max(revision, writer.lastRevision());
        if (options.keepHistory()) {
          finished = db.compactRevision();
          scheduled = Math.max(db.meta().scheduledCompactRevision(), finished);
          if (writer.lastRevision() < revision) {
            writer.marker(revision);
          }
        } else {
          // only the newest revision of each key is kept: what etcd holds after compacting here
          finished = revision;
          scheduled = revision;
        }
        if (options.bumpRevision() > 0) {
          head += options.bumpRevision();
          writer.marker(head);
          if (options.markCompacted()) {
            scheduled = head;
          }
        }
        compacted = Math.max(finished, scheduled);
        summary = writer.finishImage(new EtcdSnapshotWriter.Bookkeeping(db == null ? null : db.file(),
            db == null ? 0 : db.meta().consistentIndex(), scheduled, finished));
        problems = checkWhileHashing(staged.path(), writer);
      }
      if (!problems.isEmpty()) {
        throw new SinkException(target + ": the written snapshot does not verify, so it was not kept: "
            + String.join("; ", problems));
      }
      staged.commit();
      return new Result(summary, read, dropped, revision, head, compacted);
    }
  }

  /**
   * The finished image is checked (metas, page graph, every record) on a second thread while this
   * one hashes it and appends the trailer: both read the same bytes from the page cache, and the
   * file is read for the hash once, not again for the check. The trailer is then compared with
   * that hash.
   */
  private static List<String> checkWhileHashing(Path staged, EtcdSnapshotWriter writer) {
    List<String> problems = new ArrayList<>();
    try (BoltFile image = BoltFile.open(staged)) {
      FutureTask<List<String>> check = new FutureTask<>(() -> SnapshotFileCheck.imageProblems(image));
      Thread checker = new Thread(check, "regshift-snapshot-check");
      checker.setDaemon(true);
      checker.start();
      byte[] hash;
      try {
        hash = writer.appendTrailer();
      } finally {
        // the check reads the image's mappings: it must be over before they are closed
        problems.addAll(result(check));
      }
      problems.addAll(SnapshotFileCheck.trailerProblems(staged, hash));
    } catch (BoltException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  private static List<String> result(FutureTask<List<String>> check) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return check.get();
        } catch (InterruptedException e) {
          interrupted = true; // wait on: the image must not be closed under the check
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RevisionReader open(Source src, EtcdDatabase db, ReadView view, KeyRange range, Predicate<byte[]> keep,
      EntryRewrite rewrite, Options options) {
    if (db != null) {
      return db.readByRevision(options.keepHistory() ? ReadView.history() : view, range, keep);
    }
    EntryRevisionSorter sorter = new EntryRevisionSorter(RevisionSorter.defaultBudget());
    Counting counting = new Counting(sorter);
    try (EntryReader entries = src.read(view, range, keep)) {
      inOrder(entries::next, e -> e, rewrite, (e, out) -> {
        counting.read++;
        if (out == null) {
          counting.dropped++;
        } else {
          sorter.add(out);
        }
      });
    } catch (RuntimeException e) {
      sorter.close();
      throw e;
    }
    counting.sorted = sorter.sorted();
    return counting;
  }

  /**
   * Each item's entry through the hook, handed on in input order with what the hook made of it
   * (null: dropped). When the hook says so, its first part runs on every core, a few batches ahead
   * of the writer (bounded by count and value bytes, so memory does not grow with the keyspace).
   */
  private static <T> void inOrder(Supplier<T> next, Function<T, MvccEntry> entryOf, EntryRewrite hook,
      BiConsumer<T, MvccEntry> then) {
    if (!hook.parallel()) {
      for (T t = next.get(); t != null; t = next.get()) {
        then.accept(t, hook.apply(entryOf.apply(t)));
      }
      return;
    }
    OrderedParallelMap.run(next, t -> new Pending<>(t, hook.prepare(entryOf.apply(t))),
        p -> then.accept(p.item(), p.prepared().commit()), t -> {
          byte[] v = entryOf.apply(t).value();
          return v == null ? 0 : v.length;
        });
  }

  /** As {@link #inOrder(Supplier, Function, EntryRewrite, BiConsumer)}, each record read on the pool too. */
  private static void inOrder(RevisionReader records, EntryRewrite hook, BiConsumer<RevisionEntry, MvccEntry> then) {
    if (!hook.parallel()) {
      inOrder(records::next, RevisionEntry::entry, hook, then);
      return;
    }
    OrderedParallelMap.run(records::nextLoad, load -> {
      RevisionEntry r = load.get();
      return new Pending<>(r, hook.prepare(r.entry()));
    }, p -> then.accept(p.item(), p.prepared().commit()), RevisionReader.Load::size);
  }

  private record Pending<T>(T item, EntryRewrite.Prepared prepared) {}

  /** A sorted source's records, with what was read and dropped before the sort. */
  private static final class Counting implements RevisionReader {
    private final EntryRevisionSorter sorter;
    private RevisionReader sorted;
    long read;
    long dropped;

    Counting(EntryRevisionSorter sorter) {
      this.sorter = sorter;
    }

    @Override
    public RevisionEntry next() {
      return sorted.next();
    }

    @Override
    public void close() {
      sorter.close();
    }
  }
}
