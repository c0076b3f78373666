package io.regshift.crypto;

/** An EncryptionConfiguration file that cannot be used; the message names the file and the field. */
public final class EncryptionConfigException extends RuntimeException {
  public EncryptionConfigException(String message) {
    super(message, null, false, false);
  }
}
