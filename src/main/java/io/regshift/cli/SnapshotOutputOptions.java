package io.regshift.cli;

import io.regshift.sink.SnapshotPipeline;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** How a written snapshot treats history and revisions: --keep-history, --bump-revision, --mark-compacted. */
final class SnapshotOutputOptions {
  @ArgGroup(exclusive = true)
  History history = new History();

  static final class History {
    @Option(names = "--keep-history",
        description = "Keep every stored revision of the selected keys (a database file SOURCE only).")
    boolean keepHistory;

    @Option(names = "--latest-only",
        description = "Only the newest revision of each live key, at its own revisions (the default).")
    boolean latestOnly;
  }

  @Option(names = "--bump-revision", paramLabel = "N", defaultValue = "0",
      description = "Move the head N revisions past the source's, as etcdutl snapshot restore --bump-revision does,"
          + " so that clients never see a revision they saw before.")
  long bumpRevision;

  @Option(names = "--mark-compacted",
      description = "With --bump-revision: schedule a compaction at the new head, so watchers of the old cluster relist.")
  boolean markCompacted;

  SnapshotPipeline.Options options() {
    try {
      return new SnapshotPipeline.Options(history.keepHistory, bumpRevision, markCompacted);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  boolean given() {
    return history.keepHistory || history.latestOnly || bumpRevision != 0 || markCompacted;
  }
}
