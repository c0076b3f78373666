package io.regshift.crypto;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads an EncryptionConfiguration file as an admin copies it from a control-plane node
 * (YAML or JSON; {@code apiserver.config.k8s.io/v1}, or the legacy {@code EncryptionConfig} of
 * {@code v1}) and checks it as kube-apiserver does, so that a mistake is reported with the
 * file and the field ({@code resources[0].providers[1].aesgcm.keys[0].secret}) before any value
 * is read. Secrets never appear in messages.
 */
final class EncryptionConfigParser {
  private static final List<String> PROVIDERS = List.of("aescbc", "aesgcm", "secretbox", "kms", "identity");
  private static final Duration DEFAULT_KMS_TIMEOUT = Duration.ofSeconds(3);

  private final String source;
  private final Map<GroupResource, List<ProviderConfig>> rules = new LinkedHashMap<>();
  private final Set<String> kmsNames = new HashSet<>();

  private EncryptionConfigParser(String source) {
    this.source = source;
  }

  static EncryptionConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new EncryptionConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new EncryptionConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  static EncryptionConfig parse(String text, String source) {
    EncryptionConfigParser p = new EncryptionConfigParser(source);
    p.document(text);
    return new EncryptionConfig(source, p.rules);
  }

  private void document(String text) {
    if (text.isBlank()) {
      throw fail(null, "the file is empty");
    }
    List<Object> docs = new ArrayList<>();
    try {
      for (Object d : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
        if (d != null) {
          docs.add(d);
        }
      }
    } catch (MarkedYamlEngineException e) {
      String where = e.getProblemMark().map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
      throw fail(null, "not YAML or JSON: " + where + e.getProblem());
    } catch (YamlEngineException e) {
      throw fail(null, "not YAML or JSON: " + e.getMessage());
    }
    if (docs.size() != 1) {
      throw fail(null, "expected one EncryptionConfiguration document, found " + docs.size());
    }
    Map<String, Object> doc = map(docs.get(0), "the document");
    Object kind = doc.get("kind");
    Object apiVersion = doc.get("apiVersion");
    boolean current = "EncryptionConfiguration".equals(kind) && "apiserver.config.k8s.io/v1".equals(apiVersion);
    boolean legacy = "EncryptionConfig".equals(kind) && "v1".equals(apiVersion);
    if (!current && !legacy) {
      throw fail(null, "kind " + quote(kind) + " of apiVersion " + quote(apiVersion)
          + " is not an EncryptionConfiguration (apiserver.config.k8s.io/v1)");
    }
    List<Object> resourceRules = list(doc.get("resources"), "resources");
    if (resourceRules.isEmpty()) {
      throw fail("resources", "at least one rule is required");
    }
    for (int i = 0; i < resourceRules.size(); i++) {
      rule(map(resourceRules.get(i), "resources[" + i + "]"), "resources[" + i + "]");
    }
  }

  private void rule(Map<String, Object> rule, String at) {
    List<Object> names = list(rule.get("resources"), at + ".resources");
    if (names.isEmpty()) {
      throw fail(at + ".resources", "at least one resource is required");
    }
    List<Object> providerList = list(rule.get("providers"), at + ".providers");
    if (providerList.isEmpty()) {
      throw fail(at + ".providers", "at least one provider is required");
    }
    List<ProviderConfig> providers = new ArrayList<>();
    for (int j = 0; j < providerList.size(); j++) {
      providers.add(provider(map(providerList.get(j), at + ".providers[" + j + "]"), at + ".providers[" + j + "]"));
    }
    List<GroupResource> resources = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      String where = at + ".resources[" + j + "]";
      if (!(names.get(j) instanceof String name) || name.isEmpty()) {
        throw fail(where, "a resource name (resource or resource.group) is required");
      }
      GroupResource gr = GroupResource.parse(name);
      if (gr.group().equals("*") && !gr.wildcard()) {
        throw fail(where, quote(name) + ": a resource across every group is not allowed (use *.* or name the group)");
      }
      for (GroupResource seen : resources) {
        if (seen.equals(gr)) {
          throw fail(at + ".resources", quote(name) + " is listed twice");
        }
        if (covers(seen, gr) || covers(gr, seen)) {
          throw fail(at + ".resources", quote(seen.toString()) + " and " + quote(name) + " overlap in one list");
        }
      }
      resources.add(gr);
    }
    for (int j = 0; j < resources.size(); j++) {
      GroupResource gr = resources.get(j);
      // kube-apiserver refuses a rule that an earlier wildcard rule already covers
      for (GroupResource mask : List.of(gr.anyInGroup(), GroupResource.ANY)) {
        if (rules.containsKey(mask)) {
          throw fail(at + ".resources[" + j + "]", quote(gr.toString()) + " is masked by the earlier rule " + quote(mask.toString()));
        }
      }
      rules.computeIfAbsent(gr, k -> new ArrayList<>()).addAll(providers);
    }
  }

  /** True when wildcard rule {@code a} also matches {@code b}. */
  private static boolean covers(GroupResource a, GroupResource b) {
    return a.equals(GroupResource.ANY) || (a.wildcard() && a.group().equals(b.group()));
  }

  private ProviderConfig provider(Map<String, Object> entry, String at) {
    List<String> named = new ArrayList<>();
    for (Object k : entry.keySet()) {
      if (!PROVIDERS.contains(String.valueOf(k))) {
        throw fail(at, "unknown provider " + quote(k) + " (kube-apiserver knows " + String.join(", ", PROVIDERS) + ")");
      }
      named.add(String.valueOf(k));
    }
    if (named.isEmpty()) {
      throw fail(at, "no provider (one of " + String.join(", ", PROVIDERS) + ")");
    }
    if (named.size() > 1) {
      throw fail(at, "more than one provider in one element (" + String.join(", ", named) + "): split them into list elements");
    }
    String word = named.get(0);
    String here = at + "." + word;
    Object body = entry.get(word);
    if (word.equals("identity")) {
      return new ProviderConfig.Identity();
    }
    Map<String, Object> config = map(body, here);
    if (word.equals("kms")) {
      return kms(config, here);
    }
    KeyedProvider kind = KeyedProvider.byWord(word);
    List<Object> keyList = list(config.get("keys"), here + ".keys");
    if (keyList.isEmpty()) {
      throw fail(here + ".keys", "at least one key is required");
    }
    List<ProviderConfig.NamedKey> keys = new ArrayList<>();
    for (int k = 0; k < keyList.size(); k++) {
      keys.add(key(map(keyList.get(k), here + ".keys[" + k + "]"), here + ".keys[" + k + "]", kind));
    }
    return new ProviderConfig.Keyed(kind, List.copyOf(keys));
  }

  private ProviderConfig.NamedKey key(Map<String, Object> key, String at, KeyedProvider kind) {
    if (!(key.get("name") instanceof String name) || name.isEmpty()) {
      throw fail(at + ".name", "a key name is required");
    }
    Object secretValue = key.get("secret");
    if (secretValue == null || "".equals(secretValue)) {
      throw fail(at + ".secret", "a secret is required");
    }
    if (!(secretValue instanceof String secret)) {
      throw fail(at + ".secret", "the secret must be a base64 string (quote it)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.trim());
    } catch (IllegalArgumentException e) {
      throw fail(at + ".secret", "key " + quote(name) + ": the secret is not valid base64");
    }
    if (!kind.keySizes().contains(bytes.length)) {
      throw fail(at + ".secret", "key " + quote(name) + ": the secret is " + bytes.length + " bytes, but " + kind.word()
          + " keys are " + sizes(kind.keySizes()) + " bytes");
    }
    return new ProviderConfig.NamedKey(name, bytes);
  }

  private ProviderConfig.Kms kms(Map<String, Object> kms, String at) {
    if (!(kms.get("name") instanceof String name) || name.isEmpty()) {
      throw fail(at + ".name", "a KMS provider name is required");
    }
    Object v = kms.getOrDefault("apiVersion", "v1");
    if (!"v1".equals(v) && !"v2".equals(v)) {
      throw fail(at + ".apiVersion", quote(v) + ": KMS providers are v1 or v2");
    }
    String apiVersion = (String) v;
    if (name.contains(":")) {
      throw fail(at + ".name", quote(name) + " contains ':', which cannot appear in a value prefix");
    }
    if (!kmsNames.add(name) && apiVersion.equals("v2")) {
      throw fail(at + ".name", "duplicate KMS provider name " + quote(name));
    }
    if (!(kms.get("endpoint") instanceof String endpoint) || endpoint.isEmpty()) {
      throw fail(at + ".endpoint", "an endpoint (unix:///path/to/socket) is required");
    }
    try {
      URI uri = new URI(endpoint);
      if (!"unix".equals(uri.getScheme())) {
        throw fail(at + ".endpoint", quote(endpoint) + ": only unix:// endpoints are supported");
      }
    } catch (URISyntaxException e) {
      throw fail(at + ".endpoint", quote(endpoint) + ": not a URL: " + e.getReason());
    }
    Duration timeout = DEFAULT_KMS_TIMEOUT;
    if (kms.get("timeout") != null) {
      timeout = goDuration(String.valueOf(kms.get("timeout")));
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw fail(at + ".timeout", quote(kms.get("timeout")) + ": a positive duration such as 3s is required");
      }
    }
    return new ProviderConfig.Kms(apiVersion, name, endpoint, timeout);
  }

  /** Go's time.ParseDuration (the codec's own), for the positive values a config holds; null if not one. */
  static Duration goDuration(String text) {
    try {
      long nanos = io.regshift.kube.proto.GoTimeAccess.parseDuration(text);
      return nanos > 0 ? Duration.ofNanos(nanos) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object o, String at) {
    if (o == null) {
      return Map.of();
    }
    if (!(o instanceof Map<?, ?>)) {
      throw fail(at, "expected a mapping");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o, String at) {
    if (o == null) {
      return List.of();
    }
    if (!(o instanceof List<?>)) {
      throw fail(at, "expected a list");
    }
    return (List<Object>) o;
  }

  private EncryptionConfigException fail(String at, String problem) {
    return new EncryptionConfigException(source + ": " + (at == null ? "" : at + ": ") + problem);
  }

  private static String quote(Object o) {
    return o == null ? "(none)" : "\"" + o + "\"";
  }

  private static String sizes(List<Integer> sizes) {
    if (sizes.size() == 1) {
      return sizes.get(0).toString();
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < sizes.size(); i++) {
      b.append(i == 0 ? "" : i == sizes.size() - 1 ? " or " : ", ").append(sizes.get(i));
    }
    return b.toString();
  }
}
