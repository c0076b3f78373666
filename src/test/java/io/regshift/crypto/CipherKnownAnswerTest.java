package io.regshift.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * regshift's ciphers (BouncyCastle) against answers another implementation produced: openssl
 * for AES-CBC, the published GCM and HKDF test cases (checked with the JDK), and NaCl's own
 * secretbox vectors.
 */
class CipherKnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();

  @ParameterizedTest(name = "AES-{0}-CBC")
  @ValueSource(ints = {128, 192, 256})
  void aesCbcOpensWhatOpensslEncrypted(int bits) throws Exception {
    byte[] key = AtRestEncryptor.random(bits / 8);
    byte[] iv = AtRestEncryptor.random(16);
    for (int length : new int[] {0, 1, 15, 16, 17, 1000}) {
      byte[] plaintext = new byte[length];
      for (int i = 0; i < length; i++) {
        plaintext[i] = (byte) (i * 7 + 3);
      }
      byte[] ciphertext = openssl(plaintext, "enc", "-aes-" + bits + "-cbc", "-K", HEX.formatHex(key), "-iv", HEX.formatHex(iv), "-nosalt");
      assertEquals((length / 16 + 1) * 16, ciphertext.length, "openssl pads with PKCS#7, a whole block when aligned");
      assertArrayEquals(plaintext, AesCbc.open(key, AtRestEncryptor.concat(iv, ciphertext)), length + " bytes");
    }
  }

  @Test
  void aesCbcRefusesBadPaddingAndPartialBlocks() throws Exception {
    byte[] key = AtRestEncryptor.random(32);
    byte[] iv = AtRestEncryptor.random(16);
    byte[] ct = openssl("secret".getBytes(StandardCharsets.UTF_8), "enc", "-aes-256-cbc", "-K", HEX.formatHex(key), "-iv", HEX.formatHex(iv), "-nosalt");
    byte[] payload = AtRestEncryptor.concat(iv, ct);
    DecryptionException cut = assertThrows(DecryptionException.class, () -> AesCbc.open(key, java.util.Arrays.copyOf(payload, payload.length - 1)));
    assertEquals("truncated or corrupted: 15 bytes of ciphertext after the IV, not a whole number of 16-byte blocks", cut.getMessage());
    assertThrows(DecryptionException.class, () -> AesCbc.open(key, java.util.Arrays.copyOf(payload, 10)));
    // a wrong key almost always leaves no valid padding (1 in ~256 it would: aescbc has no MAC)
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      try {
        AesCbc.open(AtRestEncryptor.random(32), payload);
      } catch (DecryptionException e) {
        refused++;
        assertTrue(e.getMessage().contains("no valid PKCS#7 padding"), e.getMessage());
      }
    }
    assertTrue(refused >= 15, refused + " of 20 wrong keys refused");
  }

  /** Test Case 4 of McGrew and Viega's GCM specification (the one with additional data). */
  @Test
  void aesGcmOpensTheSpecificationsTestCase() throws Exception {
    byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
    byte[] nonce = HEX.parseHex("cafebabefacedbaddecaf888");
    byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    byte[] plaintext = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    byte[] ciphertextAndTag = HEX.parseHex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47");
    byte[] payload = AtRestEncryptor.concat(nonce, ciphertextAndTag);
    assertArrayEquals(plaintext, AesGcm.open(key, payload, 0, aad));
    byte[] tampered = payload.clone();
    tampered[tampered.length - 1] ^= 1;
    DecryptionException e = assertThrows(DecryptionException.class, () -> AesGcm.open(key, tampered, 0, aad));
    assertTrue(e.getMessage().startsWith("the key does not decrypt it: authentication failed"), e.getMessage());
    assertThrows(DecryptionException.class, () -> AesGcm.open(key, payload, 0, "other".getBytes(StandardCharsets.UTF_8)),
        "other additional data (another etcd key) does not open it");
    DecryptionException cut = assertThrows(DecryptionException.class, () -> AesGcm.open(key, java.util.Arrays.copyOf(payload, 27), 0, aad));
    assertEquals("truncated: 27 bytes of ciphertext, fewer than the 28 of the nonce and tag", cut.getMessage());
  }

  /** NaCl's tests/secretbox.c: crypto_secretbox of the 131-byte message under "firstkey". */
  @Test
  void secretboxOpensNaclsTestVector() throws Exception {
    byte[] key = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    byte[] nonce = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    byte[] message = HEX.parseHex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
        + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
        + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
        + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    byte[] box = HEX.parseHex("f3ffc7703f9400e52a7dfb4b3d3305d9"
        + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
        + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
        + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
        + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5");
    assertArrayEquals(message, Secretbox.open(key, AtRestEncryptor.concat(nonce, box)));
  }

  /** Go's x/crypto/nacl/secretbox TestSecretBox: key 1s, nonce 2s, message 3s, as the C NaCl sealed it. */
  @Test
  void secretboxOpensGosVectorAndRefusesATamperedTag() throws Exception {
    byte[] key = filled(32, 1);
    byte[] nonce = filled(24, 2);
    byte[] box = HEX.parseHex("8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45bead"
        + "ab55198df6ab5368439792a23c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad");
    byte[] payload = AtRestEncryptor.concat(nonce, box);
    assertArrayEquals(filled(64, 3), Secretbox.open(key, payload));
    for (int at : new int[] {24, 24 + 15, 24 + 16, payload.length - 1}) {
      byte[] tampered = payload.clone();
      tampered[at] ^= 0x20;
      DecryptionException e = assertThrows(DecryptionException.class, () -> Secretbox.open(key, tampered), "byte " + at);
      assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    }
    assertThrows(DecryptionException.class, () -> Secretbox.open(key, java.util.Arrays.copyOf(payload, 39)));
  }

  @Test
  void secretboxOpensWhatTheTestSideSealed() throws Exception {
    byte[] key = AtRestEncryptor.random(32);
    byte[] value = AtRestEncryptor.secretbox("k", key, "hello".getBytes(StandardCharsets.UTF_8));
    int payload = "k8s:enc:secretbox:v1:k:".length();
    assertEquals("hello", new String(Secretbox.open(key, java.util.Arrays.copyOfRange(value, payload, value.length)), StandardCharsets.UTF_8));
  }

  // --- the writing side: our seal against the same independent answers ---

  @ParameterizedTest(name = "AES-{0}-CBC seal")
  @ValueSource(ints = {128, 192, 256})
  void aesCbcSealsWhatOpensslSealsAndOpensslOpensIt(int bits) throws Exception {
    byte[] key = AtRestEncryptor.random(bits / 8);
    for (int length : new int[] {0, 1, 15, 16, 17, 1000}) {
      byte[] plaintext = AtRestEncryptor.random(length);
      byte[] iv = AtRestEncryptor.random(16);
      byte[] expected = openssl(plaintext, "enc", "-aes-" + bits + "-cbc", "-K", HEX.formatHex(key), "-iv", HEX.formatHex(iv), "-nosalt");
      assertArrayEquals(AtRestEncryptor.concat(iv, expected), AesCbc.seal(key, iv, plaintext), length + " bytes, given IV");
      byte[] sealed = AesCbc.seal(key, plaintext);
      byte[] opened = openssl(java.util.Arrays.copyOfRange(sealed, 16, sealed.length), "enc", "-d", "-aes-" + bits + "-cbc",
          "-K", HEX.formatHex(key), "-iv", HEX.formatHex(java.util.Arrays.copyOf(sealed, 16)), "-nosalt");
      assertArrayEquals(plaintext, opened, length + " bytes, fresh IV, opened by openssl");
    }
  }

  @Test
  void aesGcmSealsTheSpecificationsTestCaseAndTheJdkOpensFreshOnes() throws Exception {
    byte[] key = HEX.parseHex("feffe9928665731c6d6a8f9467308308");
    byte[] nonce = HEX.parseHex("cafebabefacedbaddecaf888");
    byte[] aad = HEX.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    byte[] plaintext = HEX.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
        + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    assertEquals("cafebabefacedbaddecaf888"
        + "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
        + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091" + "5bc94fbc3221a5db94fae95ae7121a47",
        HEX.formatHex(AesGcm.seal(key, nonce, plaintext, aad)));
    byte[] k256 = AtRestEncryptor.random(32);
    String etcdKey = "/registry/secrets/default/token";
    byte[] a = AesGcm.seal(k256, plaintext, etcdKey.getBytes(StandardCharsets.UTF_8));
    byte[] b = AesGcm.seal(k256, plaintext, etcdKey.getBytes(StandardCharsets.UTF_8));
    assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOf(a, 12), java.util.Arrays.copyOf(b, 12)), "a fresh nonce each time");
    javax.crypto.Cipher jdk = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    jdk.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(k256, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, a, 0, 12));
    jdk.updateAAD(etcdKey.getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(plaintext, jdk.doFinal(a, 12, a.length - 12), "the JDK opens it with the etcd key as additional data");
  }

  @Test
  void secretboxSealsNaclsTestVectorAndGosToo() throws Exception {
    byte[] key = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    byte[] nonce = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    byte[] message = HEX.parseHex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
        + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
        + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
        + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    assertEquals("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37" + "f3ffc7703f9400e52a7dfb4b3d3305d9"
        + "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a"
        + "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738"
        + "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da"
        + "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5",
        HEX.formatHex(Secretbox.seal(key, nonce, message)));
    assertEquals(HEX.formatHex(filled(24, 2)) + "8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45bead"
        + "ab55198df6ab5368439792a23c87db70acb6156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad",
        HEX.formatHex(Secretbox.seal(filled(32, 1), filled(24, 2), filled(64, 3))));
    byte[] fresh = Secretbox.seal(key, message);
    assertArrayEquals(message, Secretbox.open(key, fresh));
    assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOf(fresh, 24), java.util.Arrays.copyOf(Secretbox.seal(key, message), 24)));
  }

  /** RFC 5869 test case 1, expand step only (regshift derives KMS v2 keys without extract). */
  @Test
  void hkdfExpandMatchesRfc5869() {
    byte[] prk = HEX.parseHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        HEX.formatHex(KmsV2Decryption.derivedKey(prk, info)));
    byte[] seed = AtRestEncryptor.random(32);
    byte[] info32 = AtRestEncryptor.random(32);
    assertArrayEquals(AtRestEncryptor.hkdfExpand(seed, info32), KmsV2Decryption.derivedKey(seed, info32), "the JDK's HMAC agrees");
  }

  private static byte[] filled(int n, int b) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, (byte) b);
    return out;
  }

  private static byte[] openssl(byte[] stdin, String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin);
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "openssl " + String.join(" ", args));
    return out;
  }
}
