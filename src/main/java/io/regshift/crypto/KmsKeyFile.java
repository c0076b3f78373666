package io.regshift.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Plaintext DEK sources for a KMS provider, given instead of its plugin (for an offline copy of
 * a cluster whose KMS the user can still ask by other means): 32 raw bytes, or text with one
 * base64 key per line ({@code #} comments and blank lines allowed). KMS v2 writes a new seed
 * when its key ID changes, so several may be needed; each is tried (AES-GCM tells which fits).
 */
public final class KmsKeyFile {
  private static final int KEY = 32;

  private KmsKeyFile() {}

  /** @throws EncryptionConfigException naming the file when it holds no usable key */
  public static List<byte[]> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new EncryptionConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new EncryptionConfigException(file + ": cannot read: " + e.getMessage());
    }
    List<byte[]> keys = new ArrayList<>();
    int lineNumber = 0;
    for (String line : new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1)) {
      lineNumber++;
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      byte[] key = base64(t);
      if (key == null || key.length != KEY) {
        if (bytes.length == KEY) {
          return List.of(bytes); // not text: the raw key itself
        }
        throw new EncryptionConfigException(file + ": line " + lineNumber + ": expected a base64 key of 32 bytes"
            + (key == null ? "" : ", found " + key.length + " bytes") + " (or the file to be 32 raw bytes)");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      if (bytes.length == KEY) {
        return List.of(bytes);
      }
      throw new EncryptionConfigException(file + ": no key (expected 32 raw bytes, or base64 keys one per line)");
    }
    return keys;
  }

  private static byte[] base64(String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
