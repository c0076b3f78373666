package io.regshift.crypto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kube-apiserver EncryptionConfiguration, validated: for each resource, the providers that
 * can read its values, in order. As in kube-apiserver, a resource named by several rules gets
 * their providers one after the other; the first provider (and for aescbc, aesgcm and
 * secretbox its first key) is the one writes use.
 */
public final class EncryptionConfig {
  private static final List<ProviderConfig> IDENTITY = List.of(new ProviderConfig.Identity());

  private final String source;
  private final Map<GroupResource, List<ProviderConfig>> rules;

  EncryptionConfig(String source, Map<GroupResource, List<ProviderConfig>> rules) {
    this.source = source;
    this.rules = rules;
  }

  /** @throws EncryptionConfigException naming the file and the field that is wrong */
  public static EncryptionConfig read(Path file) {
    return EncryptionConfigParser.read(file);
  }

  /** @throws EncryptionConfigException naming {@code source} and the field that is wrong */
  public static EncryptionConfig parse(String text, String source) {
    return EncryptionConfigParser.parse(text, source);
  }

  /** Where the configuration came from, for messages. */
  public String source() {
    return source;
  }

  /**
   * The providers for a resource, as kube-apiserver picks them: its own rule, else its group's
   * {@code *.group}, else {@code *.*}, else identity (resources not configured are plaintext).
   */
  public List<ProviderConfig> providersFor(GroupResource resource) {
    List<ProviderConfig> p = rules.get(resource);
    if (p == null) {
      p = rules.get(resource.anyInGroup());
    }
    if (p == null) {
      p = rules.get(GroupResource.ANY);
    }
    return p == null ? IDENTITY : p;
  }

  /**
   * How a value of this resource stored under {@code prefix} (null for plaintext) stands against
   * the configuration.
   */
  public KeyUse use(GroupResource resource, EncryptedValue prefix) {
    List<ProviderConfig> providers = providersFor(resource);
    for (int i = 0; i < providers.size(); i++) {
      ProviderConfig p = providers.get(i);
      int key = prefix == null ? (p instanceof ProviderConfig.Identity ? 0 : -1)
          : prefix.isMalformed() ? -1 : p.keyIndex(prefix);
      if (key >= 0) {
        return i == 0 && key == 0 ? KeyUse.CURRENT : KeyUse.STALE;
      }
    }
    return KeyUse.MISSING;
  }

  /** True when some rule, for any resource, has the provider and key of this prefix. */
  public boolean hasKey(EncryptedValue prefix) {
    return rules.values().stream().flatMap(List::stream).anyMatch(p -> p.keyIndex(prefix) >= 0);
  }

  /** Every provider of every rule, in order (a provider listed by several rules is repeated). */
  List<ProviderConfig> allProviders() {
    return rules.values().stream().flatMap(List::stream).toList();
  }

  /** Every KMS provider, once each. */
  public List<ProviderConfig.Kms> kmsProviders() {
    Map<String, ProviderConfig.Kms> out = new LinkedHashMap<>();
    for (List<ProviderConfig> ps : rules.values()) {
      for (ProviderConfig p : ps) {
        if (p instanceof ProviderConfig.Kms k) {
          out.putIfAbsent(k.apiVersion() + ":" + k.name(), k);
        }
      }
    }
    return new ArrayList<>(out.values());
  }
}
