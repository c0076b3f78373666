package io.regshift.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Manifests written as a tree DIR/&lt;namespace or _cluster&gt;/&lt;resource&gt;/&lt;name&gt;.yaml. The tree is
 * built in a hidden sibling directory and renamed to DIR only when complete, so an interrupted
 * export never leaves a partial DIR; an existing non-empty DIR is never written into.
 */
public final class ManifestTree {
  /** Directory name for cluster-scoped objects (a namespace name cannot start with '_'). */
  public static final String CLUSTER = "_cluster";
  private final Path target;
  private final Path staging;
  private final String extension;

  private ManifestTree(Path target, Path staging, String extension) {
    this.target = target;
    this.staging = staging;
    this.extension = extension;
  }

  public static ManifestTree create(Path dir, String extension) {
    Path target = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(target)) {
        if (!Files.isDirectory(target)) {
          throw new SinkException(dir + ": exists and is not a directory");
        }
        try (Stream<Path> s = Files.list(target)) {
          if (s.findAny().isPresent()) {
            throw new SinkException(dir + ": exists and is not empty; export into a new directory");
          }
        }
      }
      Path parent = target.getParent();
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".regshift-");
      return new ManifestTree(target, staging, extension);
    } catch (IOException e) {
      throw new SinkException(dir + ": cannot create: " + e.getMessage(), e);
    }
  }

  public void write(String namespace, String resource, String name, byte[] text) {
    Path file = staging.resolve(namespace == null ? CLUSTER : namespace).resolve(resource).resolve(safe(name) + extension);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, text);
    } catch (IOException e) {
      throw new SinkException(file + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** Renames the finished tree to its place. */
  public void commit() {
    try {
      if (Files.isDirectory(target)) {
        Files.delete(target); // empty, checked at creation
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
    } catch (DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw new SinkException(target + ": appeared while exporting; the export is left in " + staging);
    } catch (IOException e) {
      throw new SinkException(target + ": cannot rename the finished export from " + staging + ": " + e.getMessage(), e);
    }
  }

  /** Removes the unfinished tree. */
  public void abandon() {
    try (Stream<Path> s = Files.walk(staging)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // object names are DNS subdomains or paths segments without '/'; "." and ".." cannot be files
  private static String safe(String name) {
    return name.equals(".") || name.equals("..") ? "%2E" + name.substring(1) : name;
  }
}
