package io.regshift.crypto;

/**
 * A value that cannot be written in the form the target asks for: it cannot be decrypted, or
 * the provider cannot encrypt it (a KMS plugin refused). One line; callers prefix the etcd key.
 */
public final class EncryptionException extends Exception {
  public EncryptionException(String message) {
    super(message, null, false, false);
  }
}
