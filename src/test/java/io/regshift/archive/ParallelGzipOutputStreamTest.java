package io.regshift.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entries of an archive are compressed in blocks on every core; the blocks must join into one
 * gzip stream that gzip itself, the JDK and commons-compress read back byte for byte, whatever
 * the input's length against the block size and however compressible it is.
 */
class ParallelGzipOutputStreamTest {
  @TempDir Path tmp;

  @Test
  void everyLengthAroundTheBlockSizeReadsBackExactly() throws Exception {
    int b = ParallelGzipOutputStream.BLOCK;
    for (int length : new int[] {0, 1, 511, b - 1, b, b + 1, 3 * b + 12345}) {
      check(length, textLike(length, length), "text of " + length + " bytes");
      check(length, random(length, length), "random bytes, " + length);
    }
  }

  @Test
  void aLongMixedStreamWrittenInSmallPiecesReadsBackAndGzipAcceptsIt() throws Exception {
    byte[] data = new byte[9 * ParallelGzipOutputStream.BLOCK + 777];
    byte[] text = textLike(data.length / 2, 7);
    System.arraycopy(text, 0, data, 0, text.length);
    byte[] noise = random(data.length - text.length, 8);
    System.arraycopy(noise, 0, data, text.length, noise.length);
    Path file = tmp.resolve("mixed.gz");
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(Files.newOutputStream(file), 1)) {
      Random r = new Random(9);
      for (int off = 0; off < data.length; ) {
        int n = Math.min(data.length - off, 1 + r.nextInt(2000)); // tar writes 512-byte records and values
        gz.write(data, off, n);
        off += n;
      }
    }
    assertArrayEquals(data, read(new GZIPInputStream(Files.newInputStream(file))));
    Process p = new ProcessBuilder("gzip", "-t", file.toString()).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "gzip -t: " + said);
    Process cat = new ProcessBuilder("gzip", "-dc", file.toString()).start();
    assertArrayEquals(data, cat.getInputStream().readAllBytes(), "gzip -dc gives back other bytes");
  }

  private void check(int length, byte[] data, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 1)) {
      gz.write(data);
    }
    byte[] gz = out.toByteArray();
    assertArrayEquals(data, read(new GZIPInputStream(new java.io.ByteArrayInputStream(gz))), what + " (JDK)");
    assertArrayEquals(data, read(new GzipCompressorInputStream(new java.io.ByteArrayInputStream(gz), true)),
        what + " (commons-compress)");
    assertEquals(length, data.length);
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** Repetitive like stored Kubernetes objects: compresses well and refers far back. */
  private static byte[] textLike(int length, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      b.append("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"app-").append(r.nextInt(500))
          .append("\",\"namespace\":\"shop\"},\"data\":{\"k\":\"").append(Long.toHexString(r.nextLong())).append("\"}}\n");
    }
    return b.substring(0, length).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }
}
