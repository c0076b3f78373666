package io.regshift.crypto;

/**
 * A value encrypted at rest that could not be decrypted. The message is one line that says why
 * (the key it needs is not configured, the key does not open it, the data is cut short); callers
 * prefix it with the etcd key. It carries no stack trace: it is a finding about data, not a bug.
 */
public final class DecryptionException extends Exception {
  public DecryptionException(String message) {
    super(message, null, false, false);
  }
}
