package io.regshift.source;

import io.regshift.bolt.BoltException;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.MvccException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a SOURCE argument: a database file path (live etcd and archives come with later issues). */
public final class Sources {
  private Sources() {}

  public static Source open(String spec) {
    if (spec.startsWith("etcd://") || spec.startsWith("etcds://")) {
      throw new SourceException(spec + ": live etcd sources are not supported yet");
    }
    Path path = Path.of(spec);
    if (!Files.exists(path)) {
      throw new SourceException(spec + ": no such file");
    }
    if (Files.isDirectory(path)) {
      throw new SourceException(spec + ": is a directory, not an etcd database file");
    }
    if (!Files.isReadable(path)) {
      throw new SourceException(spec + ": permission denied");
    }
    try {
      return new SnapshotSource(EtcdDatabase.open(path));
    } catch (BoltException | MvccException e) {
      throw new SourceException(e.getMessage(), e);
    }
  }
}
