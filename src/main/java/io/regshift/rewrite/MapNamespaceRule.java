package io.regshift.rewrite;

import io.regshift.kube.Json;
import io.regshift.kube.RegistryKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * --map-namespace OLD=NEW: objects of OLD move to NEW (their key and metadata.namespace), the
 * Namespace object itself is renamed (and its kubernetes.io/metadata.name label), and every
 * reference that names OLD follows: any field called {@code namespace} (RoleBinding and
 * ClusterRoleBinding subjects, a PersistentVolume's claimRef, targetRefs, an Event's
 * involvedObject, the service of an APIService, a webhook configuration, a CRD's conversion
 * webhook, custom resources' references), {@code namespaces} lists (pod affinity terms),
 * selectors on the kubernetes.io/metadata.name label (NetworkPolicies), managedFields keys,
 * kubectl's last-applied-configuration, and a service-account token Secret's data.namespace
 * (its token, which names the old namespace, is removed for the token controller to renew).
 *
 * <p>ConfigMap and Secret data are the user's and left alone; so are names inside free text
 * (a DNS name such as {@code db.OLD.svc} in an environment variable).
 */
public final class MapNamespaceRule implements RewriteRule {
  public static final String NAME = "map-namespace";
  static final String NAME_LABEL = "kubernetes.io/metadata.name";
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Map<String, List<String>> USER_DATA = Map.of(
      "Secret", List.of("data", "stringData"), "ConfigMap", List.of("data", "binaryData"));

  private final Map<String, String> mapping;
  private final ByteSearch[] needles;
  private final Set<String> existing = new HashSet<>();

  /** @param mapping OLD → NEW, as {@link #parse} checked it */
  public MapNamespaceRule(Map<String, String> mapping) {
    this.mapping = Map.copyOf(mapping);
    this.needles = mapping.keySet().stream()
        .map(s -> new ByteSearch(s.getBytes(StandardCharsets.UTF_8))).toArray(ByteSearch[]::new);
  }

  /**
   * Reads the flag's values, each OLD=NEW.
   *
   * @throws IllegalArgumentException naming the bad value: not OLD=NEW, not a namespace name
   *                                  (a DNS label), OLD=OLD, OLD twice, two onto one NEW
   */
  public static Map<String, String> parse(List<String> specs) {
    Map<String, String> m = new LinkedHashMap<>();
    Set<String> targets = new HashSet<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("--map-namespace " + spec + ": say OLD=NEW");
      }
      String from = spec.substring(0, eq);
      String to = spec.substring(eq + 1);
      for (String ns : List.of(from, to)) {
        if (ns.length() > 63 || !DNS_LABEL.matcher(ns).matches()) {
          throw new IllegalArgumentException("--map-namespace " + spec + ": \"" + ns + "\" is not a namespace name"
              + " (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)");
        }
      }
      if (from.equals(to)) {
        throw new IllegalArgumentException("--map-namespace " + spec + ": maps a namespace onto itself");
      }
      if (m.put(from, to) != null) {
        throw new IllegalArgumentException("--map-namespace " + spec + ": " + from + " is mapped twice");
      }
      if (!targets.add(to)) {
        throw new IllegalArgumentException("--map-namespace " + spec + ": two namespaces are mapped onto " + to
            + ", which would merge them");
      }
    }
    return m;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean mayChange(RegistryKey key, byte[] value) {
    if (key.namespace() != null && mapping.containsKey(key.namespace()) || isNamespace(key) && mapping.containsKey(key.name())) {
      return true;
    }
    // elsewhere only a reference can name OLD, and then its bytes hold it (protobuf, JSON and
    // CBOR keep strings as they are; namespace names need no escaping)
    return ByteSearch.anyIn(needles, value);
  }

  /** The namespaces that exist: from the keys alone. */
  @Override
  public SurveyNeed surveyNeed(RegistryKey key) {
    return SurveyNeed.KEY;
  }

  @Override
  public void survey(RewriteObject object) {
    RegistryKey k = object.key();
    if (k.namespace() != null) {
      existing.add(k.namespace());
    } else if (isNamespace(k)) {
      existing.add(k.name());
    }
  }

  @Override
  public void plan() {
    for (Map.Entry<String, String> e : mapping.entrySet()) {
      if (existing.contains(e.getValue()) && !mapping.containsKey(e.getValue())) {
        throw new RewriteException("--map-namespace " + e.getKey() + "=" + e.getValue() + ": namespace " + e.getValue()
            + " already exists in the selection; mapping " + e.getKey() + " onto it would merge the two");
      }
    }
  }

  private static boolean isNamespace(RegistryKey k) {
    return "namespaces".equals(k.keyPath()) && k.namespace() == null;
  }

  @Override
  public void apply(RewriteObject o) {
    RegistryKey k = o.key();
    if (k.namespace() != null && mapping.containsKey(k.namespace())) {
      o.moveTo(NAME, new RegistryKey(k.raw(), k.prefix(), k.keyPath(), k.group(), k.resource(), mapping.get(k.namespace()),
          k.name(), k.resourceInfo()));
    } else if (isNamespace(k) && mapping.containsKey(k.name())) {
      String to = mapping.get(k.name());
      o.moveTo(NAME, new RegistryKey(k.raw(), k.prefix(), k.keyPath(), k.group(), k.resource(), null, to, k.resourceInfo()));
      Map<String, Object> md = TreeWalk.map(o.object(), "metadata");
      if (md != null && k.name().equals(md.get("name"))) {
        md.put("name", to);
        o.changed(NAME, "metadata.name", k.name(), to);
      }
    }
    Map<String, Object> obj = o.object();
    if (obj == null) {
      return;
    }
    Object kind = obj.get("kind");
    boolean secret = "Secret".equals(kind);
    TreeWalk.walk(obj, USER_DATA.get(kind instanceof String s ? s : ""), rewrite, (path, oldValue, newValue) -> {
      if (secret && path.contains(LAST_APPLIED)) {
        // kubectl's copy of a Secret holds its data: never in the report
        o.changed(NAME, path, "(the Secret as applied)", "(the Secret as applied, namespace mapped)", "secret data not shown");
      } else {
        o.changed(NAME, path, oldValue, newValue);
      }
    });
    if (NewUidsRule.SA_TOKEN_TYPE.equals(obj.get("type"))) {
      tokenSecret(o, obj);
    }
  }

  /** What names a namespace, wherever it is in an object. */
  private final TreeWalk.Rewrite rewrite = new TreeWalk.Rewrite() {
    @Override
    public String value(Map<String, Object> parent, String field, String value) {
      switch (field) {
        case "namespace", "namespaces", NAME_LABEL -> {
          return mapping.get(value);
        }
        case "values" -> {
          // a label selector's expression on kubernetes.io/metadata.name
          return NAME_LABEL.equals(parent.get("key")) ? mapping.get(value) : null;
        }
        case LAST_APPLIED -> {
          return lastApplied(value);
        }
        default -> {
          return null;
        }
      }
    }

    @Override
    public String key(String key) {
      // managedFields: k:{"kind":"ServiceAccount","name":"x","namespace":"OLD"}
      return key.startsWith("k:{") && key.contains("\"namespace\"") ? keyed(key) : null;
    }
  };

  /** The JSON object {@code json} holds, its namespace references mapped; null when it is none or nothing changed. */
  private Map<String, Object> mappedJson(String json) {
    Object tree;
    try {
      tree = Json.parse(json);
    } catch (RuntimeException e) {
      return null;
    }
    if (!(tree instanceof Map<?, ?> m)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) m;
    boolean[] changed = {false};
    TreeWalk.walk(map, null, rewrite, (p, a, b) -> changed[0] = true);
    return changed[0] ? map : null;
  }

  private String keyed(String key) {
    Map<String, Object> map = mappedJson(key.substring(2));
    return map == null ? null : "k:" + Json.writeRecord(map, false);
  }

  /** kubectl's last applied configuration (JSON, a trailing newline), with its namespace references mapped. */
  private String lastApplied(String value) {
    Map<String, Object> map = mappedJson(value);
    // kubectl writes it with json.Marshal of a map: keys sorted, then a newline
    return map == null ? null : Json.write(map) + (value.endsWith("\n") ? "\n" : "");
  }

  /** A legacy service-account token Secret: data.namespace (base64 in the tree) and its token. */
  private void tokenSecret(RewriteObject o, Map<String, Object> obj) {
    Map<String, Object> data = TreeWalk.map(obj, "data");
    if (data == null || !(data.get("namespace") instanceof String b64)) {
      return;
    }
    String ns;
    try {
      ns = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return;
    }
    String to = mapping.get(ns);
    if (to == null) {
      return;
    }
    data.put("namespace", Base64.getEncoder().encodeToString(to.getBytes(StandardCharsets.UTF_8)));
    o.changed(NAME, "data.namespace", ns, to, "base64 in the object");
    NewUidsRule.removeToken(o, obj, NAME, "the token names the old namespace; kube-controller-manager's token"
        + " controller writes a new one");
  }
}
