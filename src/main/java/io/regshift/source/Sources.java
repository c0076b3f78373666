package io.regshift.source;

import io.regshift.bolt.BoltException;
import io.regshift.etcd.Endpoints;
import io.regshift.etcd.EtcdDatabase;
import io.regshift.etcd.MvccException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a SOURCE argument: {@code etcd://host:port,...} or {@code etcds://...} (a live cluster),
 * a regshift archive ({@code .tar.gz}, {@code .tgz}, or any gzip file), or an etcd database file.
 */
public final class Sources {
  private Sources() {}

  /** What opening a live source needs besides its endpoints: the connection flags and environment. */
  @FunctionalInterface
  public interface LiveAccess {
    /** @param endpoints from the SOURCE; empty for a bare "etcd://" (then from --endpoints) */
    LiveSource open(List<URI> endpoints, boolean tls);
  }

  /** A file source; a live one is refused (this command has no connection flags). */
  public static Source open(String spec) {
    return open(spec, null);
  }

  public static Source open(String spec, LiveAccess live) {
    if (Endpoints.isLive(spec)) {
      if (live == null) {
        throw new SourceException(spec + ": this command reads files only, not a live etcd");
      }
      try {
        return live.open(Endpoints.fromSource(spec), spec.startsWith("etcds://"));
      } catch (IllegalArgumentException e) {
        throw new SourceException(spec + ": " + e.getMessage());
      }
    }
    Path path = Path.of(spec);
    if (!Files.exists(path)) {
      throw new SourceException(spec + ": no such file");
    }
    if (Files.isDirectory(path)) {
      throw new SourceException(spec + ": is a directory, not an etcd database file or archive");
    }
    if (!Files.isReadable(path)) {
      throw new SourceException(spec + ": permission denied");
    }
    if (isArchive(path)) {
      return ArchiveSource.open(path);
    }
    try {
      return new SnapshotSource(EtcdDatabase.open(path));
    } catch (BoltException | MvccException e) {
      throw new SourceException(e.getMessage(), e);
    }
  }

  /** A regshift archive is gzip: named so, or starting with gzip's magic bytes. */
  public static boolean isArchive(Path path) {
    String name = path.getFileName().toString();
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      return true;
    }
    if (!Files.isRegularFile(path)) {
      return false; // a named pipe must not be read here
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] magic = in.readNBytes(2);
      return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    } catch (IOException e) {
      return false;
    }
  }
}
