package io.regshift.archive;

import io.regshift.etcd.MvccEntry;
import io.regshift.sink.StagedFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Writes an archive as entries stream in, with memory that does not grow with their number.
 * The manifest must come first but its counts and checksum are known only at the end, so the
 * key entries go to a hidden staging file as one gzip member; {@link #commit} then writes the
 * manifest as a first gzip member into a second staging file, appends the first file's bytes
 * (gzip readers see concatenated members as one stream), and renames the result into place. An
 * unfinished archive never appears under the target name (see {@link StagedFile}).
 */
public final class ArchiveWriter implements AutoCloseable {
  /** Tar blocking of 512: nothing is held back past a record, so the two members join exactly. */
  private static final int RECORD = 512;
  /**
   * deflate's fastest level for the entries: compression is most of a backup's work, and level 1
   * on both cores keeps a backup near the speed of reading the cluster, for archives about a
   * quarter larger than at gzip's default level 6.
   */
  static final int LEVEL = 1;

  private final Path target;
  private final StagedFile entriesFile;
  private final Function<byte[], String> resourceOf;
  private final long time;
  private final OutputStream fileOut;
  private final ParallelGzipOutputStream gzip;
  private final TarArchiveOutputStream tar;
  private final EntryDigest digest = new EntryDigest();
  private final MessageDigest valueSha = EntryDigest.sha256();
  private final Map<String, long[]> perResource = new TreeMap<>();
  private byte[] lastKey;
  private long entries;
  private long bytes;
  private boolean done;

  private ArchiveWriter(Path target, StagedFile entriesFile, Function<byte[], String> resourceOf, Instant time)
      throws IOException {
    this.target = target;
    this.entriesFile = entriesFile;
    this.resourceOf = resourceOf;
    this.time = time.getEpochSecond() * 1000; // whole seconds: no sub-second PAX records per entry
    this.fileOut = new BufferedOutputStream(Files.newOutputStream(entriesFile.path()), 1 << 16);
    this.gzip = new ParallelGzipOutputStream(fileOut, LEVEL);
    this.tar = tarOver(gzip);
  }

  /**
   * @param target     the archive to write (replaced when complete)
   * @param resourceOf the resource a key counts for in the manifest
   * @param time       the backup's time: the manifest's and every entry's modification time
   */
  public static ArchiveWriter create(Path target, Function<byte[], String> resourceOf, Instant time) {
    StagedFile entries = StagedFile.create(target, ".entries");
    try {
      return new ArchiveWriter(target, entries, resourceOf, time);
    } catch (IOException e) {
      entries.close();
      throw new ArchiveException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** Adds the next key; keys must come in etcd's order (unsigned bytes), each once. */
  public void add(MvccEntry e) {
    if (e.deleted()) {
      throw new IllegalArgumentException("an archive holds live values only");
    }
    if (lastKey != null && Arrays.compareUnsigned(lastKey, e.key()) >= 0) {
      throw new IllegalStateException("keys out of order: " + EntryNames.text(e.key()) + " after "
          + EntryNames.text(lastKey));
    }
    lastKey = e.key();
    String name = EntryNames.of(e.key());
    String sha = HexFormat.of().formatHex(valueSha.digest(e.value()));
    TarArchiveEntry t = fileEntry(name, e.value().length);
    t.addPaxHeader(PaxRecords.CREATE_REVISION, Long.toString(e.createRevision()));
    t.addPaxHeader(PaxRecords.MOD_REVISION, Long.toString(e.modRevision()));
    t.addPaxHeader(PaxRecords.VERSION, Long.toString(e.version()));
    t.addPaxHeader(PaxRecords.LEASE, Long.toString(e.lease()));
    t.addPaxHeader(PaxRecords.SHA256, sha);
    try {
      tar.putArchiveEntry(t);
      tar.write(e.value());
      tar.closeArchiveEntry();
    } catch (IOException ex) {
      throw new ArchiveException(target + ": cannot write " + entriesFile.path() + ": " + ex.getMessage(), ex);
    }
    digest.add(name, e.createRevision(), e.modRevision(), e.version(), e.lease(), sha);
    long[] r = perResource.computeIfAbsent(resourceOf.apply(e.key()), k -> new long[2]);
    r[0]++;
    r[1] += e.value().length;
    entries++;
    bytes += e.value().length;
  }

  public long entries() {
    return entries;
  }

  public long bytes() {
    return bytes;
  }

  /**
   * Completes the archive: {@code manifest} with the counts and checksum filled in goes first,
   * then the entries; the file appears under its name only now.
   *
   * @return the manifest as written
   */
  public ArchiveManifest commit(ArchiveManifest manifest) {
    List<ArchiveManifest.ResourceCount> resources = new ArrayList<>();
    perResource.forEach((res, r) -> resources.add(new ArchiveManifest.ResourceCount(res, r[0], r[1])));
    ArchiveManifest complete = manifest.withEntries(entries, bytes, resources, digest.hex());
    try (StagedFile part = StagedFile.create(target, ".part"); entriesFile) {
      tar.close(); // end-of-archive records, then the gzip trailer
      try (FileChannel out = FileChannel.open(part.path(), StandardOpenOption.WRITE)) {
        writeManifestMember(Channels.output(out), complete);
        try (FileChannel in = FileChannel.open(entriesFile.path(), StandardOpenOption.READ)) {
          long size = in.size();
          for (long pos = 0; pos < size; ) {
            pos += in.transferTo(pos, size - pos, out);
          }
        }
      }
      part.commit();
      done = true;
      return complete;
    } catch (IOException e) {
      throw new ArchiveException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** The manifest entry as a gzip member of its own, without the tar end-of-archive records. */
  private void writeManifestMember(OutputStream out, ArchiveManifest manifest) throws IOException {
    byte[] json = manifest.toJson().getBytes(StandardCharsets.UTF_8);
    GzipCompressorOutputStream gz = new GzipCompressorOutputStream(new NonClosing(out));
    TarArchiveOutputStream t = tarOver(gz);
    t.putArchiveEntry(fileEntry(ArchiveManifest.ENTRY_NAME, json.length));
    t.write(json);
    t.closeArchiveEntry();
    t.flush();
    gz.close(); // not t.close(): that would end the tar archive here
  }

  private TarArchiveEntry fileEntry(String name, long size) {
    TarArchiveEntry t = new TarArchiveEntry(name);
    t.setSize(size);
    t.setMode(0100600);
    t.setModTime(time);
    return t;
  }

  private static TarArchiveOutputStream tarOver(OutputStream out) {
    TarArchiveOutputStream t = new TarArchiveOutputStream(out, RECORD, StandardCharsets.UTF_8.name());
    t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return t;
  }

  /** Abandons an archive that was not committed: its temporary file goes. */
  @Override
  public void close() {
    if (!done) {
      gzip.abandon();
      try {
        fileOut.close();
      } catch (IOException | RuntimeException e) {
        // abandoning: the file is deleted next
      }
      entriesFile.close();
    }
  }

  /** Lets a gzip stream end its member without closing the file under it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /** An OutputStream over a FileChannel that does not close it. */
  private static final class Channels {
    static OutputStream output(FileChannel ch) {
      return new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16) {
        @Override
        public void close() throws IOException {
          flush();
        }
      };
    }
  }
}
