package io.regshift.crypto;

import java.util.Arrays;
import java.util.Optional;

/**
 * The encryption-at-rest step of every writer (restore, the snapshot writer, rewrites): what to
 * write for a value read from the source under one etcd key and written under another.
 *
 * <p>With a target configuration every value is decrypted with the source configuration, using
 * the key it was read under, and written as the target kube-apiserver would write it (its first
 * provider and key, fresh IV or nonce, the target key as additional data; plaintext for
 * resources it does not cover). Without one, a value keeps the form it was read in: ciphertext
 * is copied as it is, unless it is bound to its etcd key (aesgcm, KMS) and the key changes, or
 * its content changes; then it is decrypted and encrypted again with the same provider and key.
 * A value that must be decrypted but cannot be is an {@link EncryptionException}.
 */
public final class TargetEncryption implements AutoCloseable {
  /**
   * What to write for one value.
   *
   * @param value           the bytes to write
   * @param plaintext       the content, when {@code value} is a fresh encryption of it (which differs
   *                        from run to run); null when {@code value} itself is what must be found
   * @param form            how {@code value} is stored: {@code plaintext} or e.g. {@code aesgcm:v1:key1}
   * @param needsSourceKeys true when the value is encrypted with a source key (no target configuration)
   */
  public record Written(byte[] value, byte[] plaintext, String form, boolean needsSourceKeys) {}

  private final ValueDecryptor source;
  private final ValueEncryptor sourceForm;
  private final ValueEncryptor target;
  private final ValueDecryptor check;

  /**
   * @param source     decrypts source values by their source key; null without the source's configuration
   * @param sourceForm the source configuration as an encryptor whose resources come from target keys; null without it
   * @param target     the target configuration; null to keep values in the form they were read
   * @param check      reads written values by their target key as the target kube-apiserver would
   *                   (target configuration, else the source's); null when neither is given
   */
  public TargetEncryption(ValueDecryptor source, ValueEncryptor sourceForm, ValueEncryptor target, ValueDecryptor check) {
    this.source = source;
    this.sourceForm = sourceForm;
    this.target = target;
    this.check = check;
  }

  /** Values are copied as they are: no configuration at all. */
  public static TargetEncryption copying() {
    return new TargetEncryption(null, null, null, null);
  }

  /** True when a target configuration re-encrypts every value. */
  public boolean reEncrypts() {
    return target != null;
  }

  /** The value to write under {@code targetKey} for a value read as {@code stored} under {@code sourceKey}. */
  public Written carry(String sourceKey, String targetKey, byte[] stored) throws EncryptionException {
    Optional<EncryptedValue> prefix = EncryptedValue.parse(stored);
    if (target == null) {
      if (prefix.isEmpty()) {
        return new Written(stored, null, "plaintext", false);
      }
      EncryptedValue p = prefix.get();
      if (sourceKey.equals(targetKey) || !p.bindsKey()) {
        return new Written(stored, null, p.isMalformed() ? "malformed" : p.label(), true);
      }
      byte[] plain = plaintext(sourceKey, stored, "its additional data is its etcd key, so writing it under " + targetKey
          + " needs it decrypted and encrypted again");
      return new Written(sourceForm.encryptLike(p, targetKey, plain), plain, p.label(), true);
    }
    byte[] plain = prefix.isEmpty() ? stored : plaintext(sourceKey, stored, "the target encryption config needs its plaintext");
    return encryptForTarget(targetKey, plain);
  }

  /**
   * The value to write under {@code targetKey} for new content of a value read as {@code stored}
   * (a rewrite changed it): the target's form, or without a target configuration the form read.
   */
  public Written rewritten(String sourceKey, byte[] stored, String targetKey, byte[] content) throws EncryptionException {
    if (target != null) {
      return encryptForTarget(targetKey, content);
    }
    Optional<EncryptedValue> prefix = EncryptedValue.parse(stored);
    if (prefix.isEmpty()) {
      return new Written(content, null, "plaintext", false);
    }
    if (sourceForm == null) {
      throw new EncryptionException(prefix.get().describe() + ": writing changed content in that form needs the source's"
          + " encryption config (--encryption-config)");
    }
    return new Written(sourceForm.encryptLike(prefix.get(), targetKey, content), content, prefix.get().label(), true);
  }

  /**
   * What to write for a value read as {@code stored} under {@code sourceKey}: {@link #rewritten}
   * when a rewrite gave it new content ({@code changed}, plaintext), else {@link #carry}.
   */
  public Written write(String sourceKey, byte[] stored, String targetKey, byte[] changed) throws EncryptionException {
    return changed == null ? carry(sourceKey, targetKey, stored) : rewritten(sourceKey, stored, targetKey, changed);
  }

  /** The plaintext of a source value (rewrite rules work on it). */
  public byte[] plaintext(String sourceKey, byte[] stored) throws EncryptionException {
    return plaintext(sourceKey, stored, "its content is needed");
  }

  private byte[] plaintext(String sourceKey, byte[] stored, String why) throws EncryptionException {
    Optional<EncryptedValue> prefix = EncryptedValue.parse(stored);
    if (prefix.isEmpty()) {
      return stored;
    }
    if (source == null) {
      throw new EncryptionException(prefix.get().describe() + ": " + why + ": give the source's encryption config"
          + " (--encryption-config) to decrypt it");
    }
    try {
      return source.decrypt(sourceKey, stored);
    } catch (DecryptionException e) {
      throw new EncryptionException(e.getMessage());
    }
  }

  private Written encryptForTarget(String targetKey, byte[] plain) throws EncryptionException {
    String form = target.writes(targetKey);
    byte[] value = target.encrypt(targetKey, plain);
    return form.equals("plaintext") ? new Written(value, null, form, false) : new Written(value, plain, form, false);
  }

  /**
   * True when {@code found} (read back under {@code targetKey}) holds what {@code w} wrote: the
   * same bytes, or for a fresh encryption the same form and, decrypted as the target
   * kube-apiserver would, the same content.
   */
  public boolean holds(String targetKey, byte[] found, Written w) {
    if (w.plaintext() == null) {
      return Arrays.equals(found, w.value());
    }
    Optional<EncryptedValue> prefix = EncryptedValue.parse(found);
    if (prefix.isEmpty() || !w.form().equals(prefix.get().label()) || check == null) {
      return false;
    }
    try {
      return Arrays.equals(w.plaintext(), check.decrypt(targetKey, found));
    } catch (DecryptionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {source, sourceForm, target, check}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing plugin channels: nothing to report
      }
    }
  }
}
