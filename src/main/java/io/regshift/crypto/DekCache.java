package io.regshift.crypto;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plaintext DEKs (or KMS v2 seeds) by their encrypted form. Every value written between two key
 * rotations carries the same encrypted DEK, so the plugin is asked once per DEK, as
 * kube-apiserver's own cache does; a failure is remembered too, so that a plugin that is down
 * costs one timeout per DEK, not one per value. Safe for the decoding threads of export.
 */
final class DekCache {
  private record Outcome(byte[] key, String error) {}

  interface Fetch {
    byte[] get() throws DecryptionException;
  }

  private final ConcurrentHashMap<ByteBuffer, Outcome> entries = new ConcurrentHashMap<>();

  byte[] get(byte[] encrypted, Fetch fetch) throws DecryptionException {
    Outcome o = entries.computeIfAbsent(ByteBuffer.wrap(encrypted.clone()), k -> {
      try {
        return new Outcome(fetch.get(), null);
      } catch (DecryptionException e) {
        return new Outcome(null, e.getMessage());
      }
    });
    if (o.error() != null) {
      throw new DecryptionException(o.error());
    }
    return o.key();
  }
}
