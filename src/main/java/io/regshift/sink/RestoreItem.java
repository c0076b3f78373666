package io.regshift.sink;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One key to restore: where it goes in the target, its bytes, and the lease it gets.
 *
 * @param resource  the group/resource, for the plan and the summary
 * @param targetKey the key in the target (re-rooted under --target-prefix)
 * @param value     the stored bytes, unchanged
 * @param ttl       seconds of the fresh lease the key gets (events), 0 for none
 */
public record RestoreItem(String resource, byte[] targetKey, byte[] value, long ttl) {

  /** What the journal records of the value, so that a resumed run recognises its own writes. */
  public String valueHash() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
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
