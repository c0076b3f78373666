package io.regshift.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regshift.bolt.BoltFile;
import io.regshift.bolt.Cursor;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.RevisionEntry;
import io.regshift.etcd.RevisionKey;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check a written snapshot must pass before it gets its name: a sound file has no problems,
 * and a damaged trailer or KeyValue record (which bbolt's page check cannot see) is named.
 */
class SnapshotFileCheckTest {
  @TempDir Path dir;

  private byte[] hash;

  private Path write() {
    Path file = dir.resolve("out.db");
    Random random = new Random(7);
    try (EtcdSnapshotWriter w = EtcdSnapshotWriter.create(file)) {
      for (int rev = 2; rev < 60; rev++) {
        byte[] value = new byte[rev == 30 ? 20_000 : 200];
        random.nextBytes(value);
        byte[] key = ("/registry/configmaps/default/cm-" + rev).getBytes(StandardCharsets.UTF_8);
        w.add(new RevisionEntry(new RevisionKey(rev, 0, false), new MvccEntry(key, value, rev, rev, 1, 0, false, 0)));
      }
      w.finish(new EtcdSnapshotWriter.Bookkeeping(null, 0, 0, 0));
      hash = w.imageSha256();
    }
    return file;
  }

  private static void overwrite(Path file, long at, int b) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      f.write(b);
    }
  }

  @Test
  void aWrittenSnapshotIsSoundAndItsTrailerIsTheWritersHash() {
    Path file = write();
    assertEquals(List.of(), SnapshotFileCheck.problems(file));
    assertEquals(List.of(), SnapshotFileCheck.trailerProblems(file, hash));
    byte[] other = hash.clone();
    other[0] ^= 1;
    assertEquals(List.of("the sha256 trailer does not match the image"), SnapshotFileCheck.trailerProblems(file, other));
  }

  @Test
  void aDamagedTrailerIsNamed() throws Exception {
    Path file = write();
    overwrite(file, Files.size(file) - 1, 0);
    assertEquals(List.of("the sha256 trailer does not match the image"), SnapshotFileCheck.problems(file));
  }

  @Test
  void aRecordThatDoesNotParseIsNamedWithItsRevision() throws Exception {
    Path file = write();
    long at;
    try (BoltFile f = BoltFile.open(file)) {
      Cursor c = f.bucket("key").cursor();
      for (int i = 0; i <= 10; i++) {
        c.next();
      }
      at = c.valueOffset();
    }
    overwrite(file, at, 0xFF); // the first tag: a varint that never gives a valid field
    List<String> problems;
    try (BoltFile f = BoltFile.open(file)) {
      problems = SnapshotFileCheck.imageProblems(f);
    }
    assertEquals(List.of("revision 12_0: the KeyValue record does not parse"), problems);
    assertTrue(SnapshotFileCheck.problems(file).contains("the sha256 trailer does not match the image"));
  }
}
