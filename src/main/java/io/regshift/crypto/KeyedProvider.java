package io.regshift.crypto;

import java.util.List;

/** The providers whose keys are written in the configuration file itself. */
public enum KeyedProvider {
  AESCBC("aescbc", List.of(16, 24, 32)),
  AESGCM("aesgcm", List.of(16, 24, 32)),
  SECRETBOX("secretbox", List.of(32));

  private final String word;
  private final List<Integer> keySizes;

  KeyedProvider(String word, List<Integer> keySizes) {
    this.word = word;
    this.keySizes = keySizes;
  }

  /** The word in the configuration and in the value prefix ({@code k8s:enc:<word>:v1:}). */
  public String word() {
    return word;
  }

  /** Secret lengths in bytes that kube-apiserver accepts. */
  public List<Integer> keySizes() {
    return keySizes;
  }

  /** The plaintext of a payload (the bytes after the prefix) stored under {@code etcdKey}. */
  byte[] open(byte[] key, byte[] payload, byte[] etcdKey) throws DecryptionException {
    return switch (this) {
      case AESCBC -> AesCbc.open(key, payload);
      case AESGCM -> AesGcm.open(key, payload, 0, etcdKey);
      case SECRETBOX -> Secretbox.open(key, payload);
    };
  }

  /** The payload (the bytes after the prefix) of a plaintext to be stored under {@code etcdKey}. */
  byte[] seal(byte[] key, byte[] plaintext, byte[] etcdKey) {
    return switch (this) {
      case AESCBC -> AesCbc.seal(key, plaintext);
      case AESGCM -> AesGcm.seal(key, plaintext, etcdKey);
      case SECRETBOX -> Secretbox.seal(key, plaintext);
    };
  }

  /** True when the payload is bound to the etcd key (additional data): it does not open under another key. */
  public boolean bindsKey() {
    return this == AESGCM;
  }

  static KeyedProvider byWord(String word) {
    for (KeyedProvider p : values()) {
      if (p.word.equals(word)) {
        return p;
      }
    }
    return null;
  }
}
