package io.regshift.crypto;

import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedDEKSourceType;
import io.regshift.crypto.proto.KmsEnvelopeV2Proto.EncryptedObject;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Writes values the way kube-apiserver stores them encrypted at rest, for tests. AES (CBC and
 * GCM) and HMAC-SHA256 come from the JDK's own providers, not from the BouncyCastle code regshift
 * reads with; secretbox is sealed here (the NaCl vectors pin regshift's opening of it).
 */
public final class AtRestEncryptor {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtRestEncryptor() {}

  /** {@code k8s:enc:aescbc:v1:<name>:} ‖ IV ‖ AES-CBC(PKCS#7(plaintext)). */
  public static byte[] aescbc(String keyName, byte[] key, byte[] plaintext) {
    byte[] iv = random(16);
    try {
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return concat(prefix("aescbc", keyName), iv, c.doFinal(plaintext));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code k8s:enc:aesgcm:v1:<name>:} ‖ nonce ‖ AES-GCM(plaintext, AAD = etcd key) ‖ tag. */
  public static byte[] aesgcm(String keyName, byte[] key, String etcdKey, byte[] plaintext) {
    byte[] nonce = random(12);
    return concat(prefix("aesgcm", keyName), nonce, gcm(key, nonce, etcdKey, plaintext));
  }

  /** {@code k8s:enc:secretbox:v1:<name>:} ‖ nonce(24) ‖ Poly1305 tag ‖ XSalsa20 ciphertext. */
  public static byte[] secretbox(String keyName, byte[] key, byte[] plaintext) {
    byte[] nonce = random(24);
    XSalsa20Engine stream = new XSalsa20Engine();
    stream.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] block = new byte[32 + plaintext.length];
    System.arraycopy(plaintext, 0, block, 32, plaintext.length);
    byte[] out = new byte[block.length];
    stream.processBytes(block, 0, block.length, out, 0);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(out, 0, 32));
    mac.update(out, 32, plaintext.length);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    byte[] box = java.util.Arrays.copyOfRange(out, 32, out.length);
    return concat(prefix("secretbox", keyName), nonce, tag, box);
  }

  /**
   * {@code k8s:enc:kms:v2:<name>:} ‖ EncryptedObject as kube-apiserver 1.29+ writes it: the
   * seed's derived key encrypts the value; {@code encryptedSeed} is what the plugin returned.
   */
  public static byte[] kmsV2Seed(String providerName, byte[] seed, byte[] encryptedSeed, String keyId, String etcdKey,
      byte[] plaintext) {
    byte[] info = random(32);
    byte[] dek = hkdfExpand(seed, info);
    byte[] nonce = random(12);
    byte[] data = concat(info, nonce, gcm(dek, nonce, etcdKey, plaintext));
    EncryptedObject o = EncryptedObject.newBuilder()
        .setEncryptedData(ByteString.copyFrom(data))
        .setKeyID(keyId)
        .setEncryptedDEKSource(ByteString.copyFrom(encryptedSeed))
        .setEncryptedDEKSourceType(EncryptedDEKSourceType.HKDF_SHA256_XNONCE_AES_GCM_SEED)
        .build();
    return concat(("k8s:enc:kms:v2:" + providerName + ":").getBytes(StandardCharsets.US_ASCII), o.toByteArray());
  }

  /** The same with the DEK used directly (type AES_GCM_KEY, kube-apiserver before 1.29). */
  public static byte[] kmsV2Dek(String providerName, byte[] dek, byte[] encryptedDek, String keyId, String etcdKey,
      byte[] plaintext) {
    byte[] nonce = random(12);
    EncryptedObject o = EncryptedObject.newBuilder()
        .setEncryptedData(ByteString.copyFrom(concat(nonce, gcm(dek, nonce, etcdKey, plaintext))))
        .setKeyID(keyId)
        .setEncryptedDEKSource(ByteString.copyFrom(encryptedDek))
        .setEncryptedDEKSourceType(EncryptedDEKSourceType.AES_GCM_KEY)
        .build();
    return concat(("k8s:enc:kms:v2:" + providerName + ":").getBytes(StandardCharsets.US_ASCII), o.toByteArray());
  }

  /** {@code k8s:enc:kms:v1:<name>:} ‖ uint16 len ‖ encrypted DEK ‖ nonce ‖ AES-GCM(plaintext, AAD = etcd key) ‖ tag. */
  public static byte[] kmsV1(String providerName, byte[] dek, byte[] encryptedDek, String etcdKey, byte[] plaintext) {
    byte[] nonce = random(12);
    byte[] length = {(byte) (encryptedDek.length >> 8), (byte) encryptedDek.length};
    return concat(("k8s:enc:kms:v1:" + providerName + ":").getBytes(StandardCharsets.US_ASCII), length, encryptedDek,
        nonce, gcm(dek, nonce, etcdKey, plaintext));
  }

  /** The same with the data in AES-CBC, as KMS v1 wrote it before Kubernetes 1.25. */
  public static byte[] kmsV1Cbc(String providerName, byte[] dek, byte[] encryptedDek, byte[] plaintext) {
    byte[] cbc = aescbc("x", dek, plaintext);
    byte[] length = {(byte) (encryptedDek.length >> 8), (byte) encryptedDek.length};
    return concat(("k8s:enc:kms:v1:" + providerName + ":").getBytes(StandardCharsets.US_ASCII), length, encryptedDek,
        java.util.Arrays.copyOfRange(cbc, "k8s:enc:aescbc:v1:x:".length(), cbc.length));
  }

  /** RFC 5869 HKDF-Expand with SHA-256 for one 32-byte block: T(1) = HMAC(seed, info ‖ 0x01). */
  public static byte[] hkdfExpand(byte[] seed, byte[] info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(seed, "HmacSHA256"));
      mac.update(info);
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** AES-GCM with the JDK: ciphertext ‖ tag. */
  public static byte[] gcm(byte[] key, byte[] nonce, String aad, byte[] plaintext) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  static byte[] prefix(String provider, String keyName) {
    return ("k8s:enc:" + provider + ":v1:" + keyName + ":").getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
