package io.regshift.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The archive-wide checksum in the manifest: SHA-256 over one line per key entry, in archive order,
 * {@code NAME CREATE MOD VERSION LEASE SHA256\n} (the entry's name, its revisions, version and lease
 * in decimal, and its value's SHA-256 in hex). It catches entries lost, added, reordered or changed.
 */
final class EntryDigest {
  private final MessageDigest sha = sha256();

  void add(String name, long create, long mod, long version, long lease, String valueSha256) {
    sha.update((name + " " + create + " " + mod + " " + version + " " + lease + " " + valueSha256 + "\n")
        .getBytes(StandardCharsets.US_ASCII));
  }

  String hex() {
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
