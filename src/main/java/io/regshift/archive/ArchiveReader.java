package io.regshift.archive;

import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Predicate;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads an archive: the manifest at once, the key entries as a stream in key order. Every value
 * read is checked against its SHA-256, and a read that reaches the end checks the entry count and
 * the manifest's checksum over all entries; any mismatch is an {@link ArchiveException} naming
 * the entry.
 */
public final class ArchiveReader {
  private final Path file;
  private final ArchiveManifest manifest;

  private ArchiveReader(Path file, ArchiveManifest manifest) {
    this.file = file;
    this.manifest = manifest;
  }

  public static ArchiveReader open(Path file) {
    try (TarArchiveInputStream tar = tar(file)) {
      TarArchiveEntry first = nextFile(tar, file);
      if (first == null || !ArchiveManifest.ENTRY_NAME.equals(first.getName())) {
        throw new ArchiveException(file + ": not a regshift archive (" + (first == null ? "no tar entry in it"
            : "its first entry is \"" + first.getName() + "\", not " + ArchiveManifest.ENTRY_NAME) + ")");
      }
      if (first.getSize() > 64 << 20) {
        throw new ArchiveException(file + ": " + ArchiveManifest.ENTRY_NAME + " is implausibly large (" + first.getSize() + " bytes)");
      }
      byte[] json = tar.readNBytes((int) first.getSize());
      return new ArchiveReader(file, ArchiveManifest.parse(json, file.toString()));
    } catch (IOException e) {
      throw failure(file, "the manifest", e);
    }
  }

  public Path file() {
    return file;
  }

  public ArchiveManifest manifest() {
    return manifest;
  }

  /** The entries of {@code range} that {@code keep} accepts, in key order, each read once. */
  public EntryReader entries(KeyRange range, Predicate<byte[]> keep) {
    try {
      return new Entries(tar(file), range, keep);
    } catch (IOException e) {
      throw failure(file, "the entries", e);
    }
  }

  private static TarArchiveInputStream tar(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      // true: the archive is two concatenated gzip members (manifest, entries)
      return new TarArchiveInputStream(new GzipCompressorInputStream(in, true));
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  private static TarArchiveEntry nextFile(TarArchiveInputStream tar, Path file) throws IOException {
    TarArchiveEntry e = tar.getNextEntry();
    if (e != null && !e.isFile()) {
      throw new ArchiveException(file + ": entry \"" + e.getName() + "\" is not a regular file");
    }
    return e;
  }

  private static ArchiveException failure(Path file, String where, IOException e) {
    if (e instanceof EOFException) {
      return new ArchiveException(file + ": the archive is truncated (it ends inside " + where + ")", e);
    }
    if (e instanceof ZipException || String.valueOf(e.getMessage()).contains(".gz format")) {
      return new ArchiveException(file + ": not gzip data, or damaged, in " + where + " (" + e.getMessage() + ")", e);
    }
    return new ArchiveException(file + ": cannot read " + where + ": " + e.getMessage(), e);
  }

  /** One pass over the key entries. */
  private final class Entries implements EntryReader {
    private final TarArchiveInputStream tar;
    private final KeyRange range;
    private final Predicate<byte[]> keep;
    private final EntryDigest digest = new EntryDigest();
    private final MessageDigest valueSha = EntryDigest.sha256();
    private byte[] lastKey;
    private String lastName = ArchiveManifest.ENTRY_NAME;
    private long count;
    private boolean finished;

    Entries(TarArchiveInputStream tar, KeyRange range, Predicate<byte[]> keep) throws IOException {
      this.tar = tar;
      this.range = range;
      this.keep = keep;
      TarArchiveEntry first = nextFile(tar, file); // the manifest, read at open
      if (first == null || !ArchiveManifest.ENTRY_NAME.equals(first.getName())) {
        throw new ArchiveException(file + ": the first entry is no longer " + ArchiveManifest.ENTRY_NAME);
      }
    }

    @Override
    public MvccEntry next() {
      if (finished) {
        return null;
      }
      try {
        while (true) {
          TarArchiveEntry t = nextFile(tar, file);
          if (t == null) {
            finish();
            return null;
          }
          String name = t.getName();
          byte[] key = EntryNames.key(name);
          if (key == null) {
            throw new ArchiveException(file + ": entry \"" + name + "\" does not name an etcd key");
          }
          if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
            throw new ArchiveException(file + ": entry \"" + name + "\" is out of key order (after \"" + lastName + "\")");
          }
          lastKey = key;
          lastName = name;
          count++;
          long create = field(t, PaxRecords.CREATE_REVISION);
          long mod = field(t, PaxRecords.MOD_REVISION);
          long version = field(t, PaxRecords.VERSION);
          long lease = field(t, PaxRecords.LEASE);
          String sha = t.getExtraPaxHeader(PaxRecords.SHA256);
          if (sha == null) {
            throw new ArchiveException(file + ": entry \"" + name + "\" has no " + PaxRecords.SHA256 + " record");
          }
          digest.add(name, create, mod, version, lease, sha);
          if (range.to() != null && Arrays.compareUnsigned(key, range.to()) >= 0) {
            finished = true; // past the range: the rest cannot be in it
            return null;
          }
          if (!range.contains(key) || !keep.test(key)) {
            continue;
          }
          if (t.getSize() > Integer.MAX_VALUE - 16) {
            throw new ArchiveException(file + ": entry \"" + name + "\" is too large (" + t.getSize() + " bytes)");
          }
          byte[] value = tar.readNBytes((int) t.getSize());
          if (value.length != t.getSize()) {
            throw new ArchiveException(file + ": the archive is truncated (it ends inside entry \"" + name + "\")");
          }
          if (!HexFormat.of().formatHex(valueSha.digest(value)).equalsIgnoreCase(sha)) {
            throw new ArchiveException(file + ": entry \"" + name + "\": the value does not match its SHA-256 (damaged)");
          }
          return new MvccEntry(key, value, create, mod, version, lease, false, 0);
        }
      } catch (IOException e) {
        throw failure(file, "the entry after \"" + lastName + "\"", e);
      }
    }

    /** At the end: the entries must be the manifest's, all of them. */
    private void finish() {
      finished = true;
      if (count != manifest.entries()) {
        throw new ArchiveException(file + ": holds " + count + " entries, its manifest says " + manifest.entries()
            + " (entries lost or added)");
      }
      if (!digest.hex().equalsIgnoreCase(String.valueOf(manifest.entriesSha256()))) {
        throw new ArchiveException(file + ": the entries do not match the manifest's entriesSha256 (altered)");
      }
    }

    private long field(TarArchiveEntry t, String record) {
      String v = t.getExtraPaxHeader(record);
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new ArchiveException(file + ": entry \"" + t.getName() + "\": " + record
            + (v == null ? " is missing" : " is not a number: " + v));
      }
    }

    @Override
    public void close() {
      try {
        tar.close();
      } catch (IOException e) {
        // nothing was written; the read itself succeeded or already reported
      }
    }
  }
}
