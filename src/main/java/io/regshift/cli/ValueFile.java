package io.regshift.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One stored value read from a file or stdin, optionally preceded by its etcd key on the first
 * line, as {@code etcdctl get KEY} prints it (key, newline, value, newline).
 */
record ValueFile(String name, String key, byte[] value) {

  static ValueFile read(String arg, InputStream stdin) {
    byte[] bytes;
    String name = arg.equals("-") ? "<stdin>" : arg;
    try {
      bytes = arg.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(arg));
    } catch (NoSuchFileException e) {
      throw new UsageException(name + ": no such file");
    } catch (IOException e) {
      throw new UsageException(name + ": cannot read: " + e.getMessage());
    }
    return splitKeyLine(name, bytes);
  }

  /** etcdctl's output starts with the key, which is always a path ({@code /registry/...}). */
  static ValueFile splitKeyLine(String name, byte[] bytes) {
    if (bytes.length > 1 && bytes[0] == '/') {
      int nl = indexOf(bytes, (byte) '\n');
      if (nl > 1 && printable(bytes, nl)) {
        int end = bytes.length;
        if (end > nl + 1 && bytes[end - 1] == '\n') {
          end--; // etcdctl adds a newline after the value
        }
        byte[] value = java.util.Arrays.copyOfRange(bytes, nl + 1, end);
        return new ValueFile(name, new String(bytes, 0, nl, StandardCharsets.UTF_8), value);
      }
    }
    return new ValueFile(name, null, bytes);
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static boolean printable(byte[] b, int end) {
    for (int i = 0; i < end; i++) {
      if (b[i] < 0x20 && b[i] >= 0) {
        return false;
      }
    }
    return true;
  }

  ValueFile withKey(String k) {
    return k == null ? this : new ValueFile(name, k, value);
  }
}
