package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * --map-registry OLD=NEW: the image of every container, init container and ephemeral container
 * of Pods and of every pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job, CronJob, PodTemplate) that comes from OLD now comes from NEW.
 *
 * <p>OLD is a registry host ({@code registry.example.com}, {@code localhost:5000}) or a repository
 * prefix ({@code registry.example.com/team}); it matches whole path components. Images are
 * compared in their full form, as the container runtime reads them: {@code nginx:1.27} is
 * {@code docker.io/library/nginx:1.27}, so {@code docker.io=mirror.example.com} maps it to
 * {@code mirror.example.com/library/nginx:1.27}. The longest matching OLD wins.
 */
public final class MapRegistryRule implements RewriteRule {
  public static final String NAME = "map-registry";
  private static final String DOCKER_HUB = "docker.io";
  private static final Set<String> WORKLOADS = Set.of("pods", "deployments", "statefulsets", "daemonsets",
      "replicasets", "controllers", "replicationcontrollers", "jobs", "cronjobs", "podtemplates");
  private static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers", "ephemeralContainers");

  private final Map<String, String> mapping;
  private final ByteSearch[] needles;

  public MapRegistryRule(Map<String, String> mapping) {
    this.mapping = Map.copyOf(mapping);
    // a byte search rules out objects that cannot name OLD; unqualified Docker Hub images never
    // spell docker.io, so a docker.io mapping needs every workload decoded
    boolean hub = mapping.keySet().stream().anyMatch(s -> s.equals(DOCKER_HUB) || s.startsWith(DOCKER_HUB + "/"));
    this.needles = hub ? null : mapping.keySet().stream()
        .map(s -> new ByteSearch(s.getBytes(StandardCharsets.UTF_8))).toArray(ByteSearch[]::new);
  }

  /**
   * Reads the flag's values, each OLD=NEW.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static Map<String, String> parse(List<String> specs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("--map-registry " + spec + ": say OLD=NEW, e.g. docker.io=mirror.example.com");
      }
      String from = trimSlash(spec.substring(0, eq));
      String to = trimSlash(spec.substring(eq + 1));
      for (String r : List.of(from, to)) {
        if (r.isEmpty() || !r.matches("[A-Za-z0-9][A-Za-z0-9._:/-]*") || r.contains("//")) {
          throw new IllegalArgumentException("--map-registry " + spec + ": \"" + r + "\" is not a registry host or"
              + " repository prefix (host[:port][/path])");
        }
      }
      if (from.equals(to)) {
        throw new IllegalArgumentException("--map-registry " + spec + ": maps a registry onto itself");
      }
      if (m.put(from, to) != null) {
        throw new IllegalArgumentException("--map-registry " + spec + ": " + from + " is mapped twice");
      }
    }
    return m;
  }

  private static String trimSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean mayChange(RegistryKey key) {
    return WORKLOADS.contains(key.resource()) && (key.group() == null || key.group().isEmpty()
        || key.group().equals("apps") || key.group().equals("batch") || key.group().equals("extensions"));
  }

  @Override
  public boolean mayChange(RegistryKey key, byte[] value) {
    if (!mayChange(key)) {
      return false;
    }
    return needles == null || ByteSearch.anyIn(needles, value);
  }

  @Override
  public void apply(RewriteObject o) {
    Map<String, Object> obj = o.object();
    Object kind = obj.get("kind");
    String[] podSpec = switch (kind instanceof String k ? k : "") {
      case "Pod" -> new String[] {"spec"};
      case "PodTemplate" -> new String[] {"template", "spec"};
      case "CronJob" -> new String[] {"spec", "jobTemplate", "spec", "template", "spec"};
      case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" ->
          new String[] {"spec", "template", "spec"};
      default -> null;
    };
    Map<String, Object> spec = podSpec == null ? null : TreeWalk.map(obj, podSpec);
    if (spec == null) {
      return;
    }
    for (String list : CONTAINER_LISTS) {
      List<Object> containers = TreeWalk.list(spec, list);
      for (int i = 0; i < containers.size(); i++) {
        if (containers.get(i) instanceof Map<?, ?> c && c.get("image") instanceof String image) {
          String mapped = map(image);
          if (mapped != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> container = (Map<String, Object>) c;
            container.put("image", mapped);
            Object[] path = new Object[podSpec.length + 3];
            System.arraycopy(podSpec, 0, path, 0, podSpec.length);
            path[podSpec.length] = list;
            path[podSpec.length + 1] = i;
            path[podSpec.length + 2] = "image";
            o.changed(NAME, TreeWalk.path(path), image, mapped);
          }
        }
      }
    }
  }

  /** The image from NEW, or null when no OLD matches. */
  String map(String image) {
    String full = qualified(image);
    String best = null;
    for (String from : mapping.keySet()) {
      if (matches(full, from) && (best == null || from.length() > best.length())) {
        best = from;
      }
    }
    return best == null ? null : mapping.get(best) + full.substring(best.length());
  }

  private static boolean matches(String full, String from) {
    if (!full.startsWith(from)) {
      return false;
    }
    if (full.length() == from.length()) {
      return true;
    }
    char next = full.charAt(from.length());
    return next == '/' || next == ':' || next == '@';
  }

  /**
   * The full reference the runtime pulls, by Docker's rules: the first component is a registry
   * when it has a '.' or ':' or is localhost; otherwise the image is on Docker Hub, and a single
   * component is an official image under library/.
   */
  static String qualified(String image) {
    int slash = image.indexOf('/');
    if (slash > 0) {
      String first = image.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        return image;
      }
      return DOCKER_HUB + "/" + image;
    }
    return DOCKER_HUB + "/library/" + image;
  }
}
