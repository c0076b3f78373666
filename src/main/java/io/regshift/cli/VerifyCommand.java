package io.regshift.cli;

import io.regshift.bolt.BoltChecker;
import io.regshift.bolt.BoltException;
import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Cursor;
import io.regshift.bolt.Meta;
import io.regshift.archive.ArchiveException;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.KeyValueFields;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.etcd.RevisionKey;
import io.regshift.kube.Encoding;
import io.regshift.kube.RegistryPrefix;
import io.regshift.kube.StoredValue;
import io.regshift.kube.ValueCodec;
import io.regshift.source.ArchiveSource;
import io.regshift.source.SourceException;
import io.regshift.source.Sources;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift verify}: is this database file sound, and does every value decode? */
@Command(name = "verify", description = {
    "Check SOURCE: the snapshot's SHA-256 trailer, both meta pages' checksums, the page graph (every page",
    "reachable once or free, keys ordered, no cycles: bbolt's tx.Check), every etcd record, and that every",
    "stored value under the prefix decodes. For an archive: every value's SHA-256, key order, the entry",
    "count and checksum in the manifest, and that every value decodes.",
    "Exit 0 when sound; 1 with one line per problem."})
final class VerifyCommand implements Callable<Integer> {
  private static final int MAX_PROBLEMS = 1000;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "etcd snapshot file, member snap/db, or regshift archive (.tar.gz).")
  Path source;

  @picocli.CommandLine.Mixin PrefixOption prefixOption;
  @picocli.CommandLine.Mixin EncryptionOptions encryption;

  private final List<String> problems = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(source)) {
      throw new UsageException(source + ": no such file");
    }
    encryption.config(); // a bad configuration is reported before the file is read
    List<String> notes = new ArrayList<>();
    if (Sources.isArchive(source)) {
      checkArchive(notes);
      return report(out, notes);
    }
    try (BoltFile file = BoltFile.open(source)) {
      for (Meta m : file.metas()) {
        if (!m.valid()) {
          problem("meta page " + m.index() + ": " + m.problem() + " (the other meta was used)");
        }
      }
      if (file.trailer().present()) {
        if (file.trailer().verify()) {
          notes.add("sha256 trailer ok");
        } else {
          problem("the sha256 trailer does not match the database image (the snapshot is corrupted or truncated)");
        }
      } else {
        notes.add("no sha256 trailer (a member db, not an etcdctl snapshot)");
      }
      List<String> graph = BoltChecker.check(file);
      graph.forEach(this::problem);
      if (graph.isEmpty()) {
        notes.add("page graph ok (" + file.meta().pgid() + " pages)");
      }
      checkRecords(file, notes);
    } catch (BoltException e) {
      problem(stripPath(e.getMessage()));
    }
    return report(out, notes);
  }

  private int report(PrintWriter out, List<String> notes) {
    if (problems.isEmpty()) {
      out.println(source + ": sound: " + String.join(", ", notes));
      out.flush();
      return Main.OK;
    }
    for (String p : problems) {
      out.println(source + ": " + p);
    }
    if (problems.size() >= MAX_PROBLEMS) {
      out.println(source + ": stopped after " + MAX_PROBLEMS + " problems");
    }
    out.flush();
    return Main.SOME_FAILED;
  }

  private void checkRecords(BoltFile file, List<String> notes) {
    if (file.bucket("key") == null) {
      problem("no 'key' bucket: not an etcd database");
      return;
    }
    try (EncryptionOptions.Decoding decoding = encryption.open(prefixOption.prefix, io.regshift.kube.ResourceCatalog.builtin())) {
      checkValues(file, new ValueChecks(decoding.codec()), notes);
    }
  }

  /** Decodes each value, decrypting it when a configuration is given, and counts the outcomes. */
  private final class ValueChecks {
    private final ValueCodec codec;
    long decoded;
    long decrypted;
    long encrypted;

    ValueChecks(ValueCodec codec) {
      this.codec = codec;
    }

    void check(String key, String where, byte[] value) {
      StoredValue v = codec.decode(key, value, false);
      if (v.encoding() == Encoding.ENCRYPTED && !codec.decrypts() && v.encryption() != null && !v.encryption().isMalformed()) {
        encrypted++; // without the encryption config, all there is to check is the prefix
      } else if (!v.ok()) {
        problem(key + where + ": " + v.error());
      } else {
        decoded++;
        if (v.decrypted()) {
          decrypted++;
        }
      }
    }

    String summary() {
      return decoded + " values decoded" + (decrypted == 0 ? "" : " (" + decrypted + " of them decrypted)")
          + (encrypted == 0 ? "" : ", " + encrypted + " encrypted (not checked without --encryption-config)");
    }
  }

  private void checkValues(BoltFile file, ValueChecks values, List<String> notes) {
    byte[] base = RegistryPrefix.keyBase(prefixOption.prefix).getBytes(StandardCharsets.UTF_8);
    KeyValueFields f = new KeyValueFields();
    Cursor c = file.bucket("key").cursor();
    long revisions = 0;
    RevisionKey previous = null;
    while (c.next() && problems.size() < MAX_PROBLEMS) {
      revisions++;
      byte[] k = c.key();
      RevisionKey rk = RevisionKey.parse(k);
      if (rk == null) {
        problem("key bucket: entry " + revisions + " is not a revision key (" + k.length + " bytes)");
        continue;
      }
      if (previous != null && rk.compareTo(previous) <= 0) {
        problem("key bucket: revision " + rk + " follows " + previous);
      }
      previous = rk;
      byte[] kv = c.value();
      if (kv.length == 0) {
        continue; // a revision marker (etcdutl's --bump-revision, regshift rewrite): no key, nothing to parse
      }
      if (!f.parse(kv)) {
        problem("revision " + rk + ": the KeyValue record does not parse");
        continue;
      }
      if (rk.tombstone() || f.keyLength < base.length
          || !Arrays.equals(kv, f.keyOffset, f.keyOffset + base.length, base, 0, base.length)) {
        continue;
      }
      byte[] value = Arrays.copyOfRange(kv, f.valueOffset < 0 ? 0 : f.valueOffset, f.valueOffset < 0 ? 0 : f.valueOffset + f.valueLength);
      String key = new String(kv, f.keyOffset, f.keyLength, StandardCharsets.UTF_8);
      values.check(key, " at revision " + rk.main(), value);
    }
    notes.add(revisions + " revisions, " + values.summary());
  }

  /** Reads every entry: the reader checks each value's SHA-256, the order, the count and the manifest's checksum. */
  private void checkArchive(List<String> notes) {
    byte[] base = RegistryPrefix.keyBase(prefixOption.prefix).getBytes(StandardCharsets.UTF_8);
    long entries = 0;
    try (EncryptionOptions.Decoding decoding = encryption.open(prefixOption.prefix, io.regshift.kube.ResourceCatalog.builtin());
         ArchiveSource archive = ArchiveSource.open(source);
         EntryReader r = archive.read(ReadView.latest(), KeyRange.all(), k -> true)) {
      ValueChecks values = new ValueChecks(decoding.codec());
      for (MvccEntry e = r.next(); e != null && problems.size() < MAX_PROBLEMS; e = r.next()) {
        entries++;
        byte[] k = e.key();
        if (k.length < base.length || !Arrays.equals(k, 0, base.length, base, 0, base.length)) {
          continue;
        }
        values.check(e.keyString(), "", e.value());
      }
      notes.add(entries + " entries, every value's sha256 and the manifest's entriesSha256 ok, " + values.summary());
    } catch (ArchiveException | SourceException e) {
      problem(stripPath(e.getMessage()));
    }
  }

  private void problem(String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    }
  }

  private String stripPath(String message) {
    String p = source + ": ";
    return message != null && message.startsWith(p) ? message.substring(p.length()) : message;
  }
}
