package io.regshift.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file written under a hidden temporary name beside its target ({@code .NAME.regshift-*.part})
 * and renamed to the target only when complete, so an interrupted write never leaves a partial
 * file under the real name. Created mode 0600: backups hold Secrets.
 */
public final class StagedFile implements AutoCloseable {
  private final Path target;
  private final Path path;
  private boolean committed;

  private StagedFile(Path target, Path path) {
    this.target = target;
    this.path = path;
  }

  /** A new empty staging file for {@code target}; {@code suffix} tells what it holds (".part"). */
  public static StagedFile create(Path target, String suffix) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path file = Files.createTempFile(dir, "." + target.getFileName() + ".regshift-", suffix);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its defaults apply
      }
      return new StagedFile(target, file);
    } catch (IOException e) {
      throw new SinkException(target + ": cannot create a file beside it in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Where to write. */
  public Path path() {
    return path;
  }

  public Path target() {
    return target;
  }

  /** Flushes the data to disk and renames the file to the target, replacing any file there. */
  public void commit() {
    try {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
      }
      committed = true;
    } catch (IOException e) {
      throw new SinkException(target + ": cannot move the finished file into place from " + path + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the staging file unless it was committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // left behind under its hidden .regshift- name: harmless and recognisable
      }
    }
  }
}
