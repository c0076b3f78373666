package io.regshift.source;

import io.regshift.archive.ArchiveException;
import io.regshift.archive.ArchiveManifest;
import io.regshift.archive.ArchiveReader;
import io.regshift.etcd.ClusterInfo;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.ReadView;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A regshift archive ({@code regshift backup -f FILE.tar.gz}): the keys' state at one revision,
 * values exactly as etcd stored them. There is no history: only the archive's own revision can be
 * read.
 */
public final class ArchiveSource implements Source {
  private final ArchiveReader reader;

  private ArchiveSource(ArchiveReader reader) {
    this.reader = reader;
  }

  public static ArchiveSource open(Path file) {
    try {
      return new ArchiveSource(ArchiveReader.open(file));
    } catch (ArchiveException e) {
      throw new SourceException(e.getMessage(), e);
    }
  }

  public ArchiveManifest manifest() {
    return reader.manifest();
  }

  @Override
  public String name() {
    return reader.file().toString();
  }

  /** The revision the archive was taken at. */
  @Override
  public long headRevision() {
    return reader.manifest().revision();
  }

  /** Nothing before the archive's revision can be read. */
  @Override
  public long compactRevision() {
    return reader.manifest().revision();
  }

  @Override
  public EntryReader read(ReadView view, KeyRange range, Predicate<byte[]> keep) {
    long revision = reader.manifest().revision();
    if (view.deletedOnly()) {
      throw new SourceException(name() + ": an archive holds the live keys only, not deleted ones");
    }
    if (view.mode() == ReadView.Mode.HISTORY) {
      throw new SourceException(name() + ": an archive holds one revision of each key (" + revision + "), not their history");
    }
    if (view.mode() == ReadView.Mode.AT && view.revision() != revision) {
      throw new SourceException(name() + ": an archive holds revision " + revision + " only, not " + view.revision());
    }
    return reader.entries(range, keep);
  }

  @Override
  public ClusterInfo cluster() {
    return reader.manifest().cluster();
  }

  @Override
  public void close() {
    // each read opens and closes the file itself
  }
}
