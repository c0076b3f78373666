package io.regshift.sink;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Predicate;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One key to restore: where it goes in the target, its bytes, and the lease it gets.
 *
 * @param resource  the group/resource, for the plan and the summary
 * @param targetKey the key in the target (re-rooted under --target-prefix)
 * @param value     the bytes to write: the stored bytes unchanged, or encrypted again for the target
 * @param ttl       seconds of the fresh lease the key gets (events), 0 for none
 * @param holds     for a value encrypted afresh (its bytes differ from run to run): whether bytes found
 *                  under the key hold the same content in the same form; null to compare bytes
 */
public record RestoreItem(String resource, byte[] targetKey, byte[] value, long ttl, Predicate<byte[]> holds) {

  public RestoreItem(String resource, byte[] targetKey, byte[] value, long ttl) {
    this(resource, targetKey, value, ttl, null);
  }

  /** True when the target's bytes for this key are what this item writes (byte for byte, or the same content). */
  public boolean heldBy(byte[] found) {
    return holds == null ? Arrays.equals(found, value) : holds.test(found);
  }

  /** True when the value is a fresh encryption, compared by content rather than bytes. */
  public boolean reEncrypted() {
    return holds != null;
  }

  /** What the journal records of the value, so that a resumed run recognises its own writes. */
  public String valueHash() {
    return hash(value);
  }

  /** SHA-256 of some bytes, as the journal records values. */
  static String hash(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Bytes this key adds to a transaction request: the key in its compare, put and get, the value, framing. */
  public long requestBytes() {
    return 3L * targetKey.length + value.length + 32L;
  }

  public String keyString() {
    return new String(targetKey, java.nio.charset.StandardCharsets.UTF_8);
  }
}
