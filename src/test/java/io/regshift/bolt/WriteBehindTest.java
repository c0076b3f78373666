package io.regshift.bolt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background flushes leave the file as written, and a flush that failed is reported, not lost. */
class WriteBehindTest {
  @TempDir
  Path dir;

  @Test
  void theFileIsWhatWasWrittenWithFlushesUnderWay() throws IOException {
    Path file = dir.resolve("data");
    byte[] piece = new byte[1 << 20];
    new Random(3).nextBytes(piece);
    int pieces = (int) (3 * WriteBehind.EVERY / piece.length) + 5;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WriteBehind behind = new WriteBehind(ch);
      for (int i = 0; i < pieces; i++) {
        ByteBuffer b = ByteBuffer.wrap(piece);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        behind.written(piece.length);
      }
      behind.finish();
      behind.close();
    }
    byte[] back = Files.readAllBytes(file);
    for (int i = 0; i < pieces; i++) {
      assertArrayEquals(piece, java.util.Arrays.copyOfRange(back, i * piece.length, (i + 1) * piece.length), "piece " + i);
    }
  }

  @Test
  void aFailedFlushIsReported() throws IOException {
    Path file = dir.resolve("data");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    WriteBehind behind = new WriteBehind(ch);
    ch.close(); // the flush started next cannot succeed
    behind.written(WriteBehind.EVERY);
    assertThrows(IOException.class, behind::finish);
    behind.close();
  }
}
