package io.regshift.archive;

import io.regshift.etcd.ClusterInfo;
import io.regshift.kube.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * manifest.json, the first entry of an archive: where the entries came from, at which revision,
 * what was selected, and counts and a checksum over the entries that follow (docs/archive-format.md).
 *
 * @param formatVersion   {@link #FORMAT_VERSION}
 * @param tool            "regshift VERSION" that wrote it
 * @param created         when, RFC 3339 UTC
 * @param source          the SOURCE backed up: etcd://..., a file path
 * @param cluster         cluster id and members, as far as the source knew them
 * @param revision        the etcd revision every entry is the state at
 * @param prefix          the apiserver prefix the selection and counts were made with
 * @param selection       the selection applied
 * @param entries         number of key entries
 * @param bytes           sum of their value sizes
 * @param resources       entries and bytes per resource ("deployments.apps"; keys outside the prefix
 *                        as "(outside prefix)")
 * @param entriesSha256   SHA-256 over one line per key entry, see {@link EntryDigest}
 */
public record ArchiveManifest(int formatVersion, String tool, String created, String source, ClusterInfo cluster,
    long revision, String prefix, Selection selection, long entries, long bytes, List<ResourceCount> resources,
    String entriesSha256) {

  public static final String FORMAT = "regshift-archive";
  public static final int FORMAT_VERSION = 1;
  public static final String ENTRY_NAME = "manifest.json";

  /**
   * What was selected: -n, --kind and --all-keys as given (empty lists: everything), and the other
   * selection flags that were given ({@code more}: excludeNamespaces, excludeKinds, names,
   * nameRegex, labelSelector, portable), written only when given.
   */
  public record Selection(List<String> namespaces, List<String> kinds, boolean allKeys, Map<String, Object> more) {
    public Selection {
      more = Collections.unmodifiableMap(new LinkedHashMap<>(more));
    }

    public Selection(List<String> namespaces, List<String> kinds, boolean allKeys) {
      this(namespaces, kinds, allKeys, Map.of());
    }
  }

  /** One resource's share. */
  public record ResourceCount(String resource, long entries, long bytes) {}

  public ArchiveManifest {
    resources = List.copyOf(resources);
  }

  /** The same manifest with the counts and checksum of the entries written. */
  public ArchiveManifest withEntries(long entries, long bytes, List<ResourceCount> resources, String entriesSha256) {
    return new ArchiveManifest(formatVersion, tool, created, source, cluster, revision, prefix, selection, entries,
        bytes, resources, entriesSha256);
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("formatVersion", (long) formatVersion);
    m.put("tool", tool);
    m.put("created", created);
    m.put("source", source);
    m.put("clusterId", cluster.clusterId());
    List<Object> members = new ArrayList<>();
    for (ClusterInfo.Member mem : cluster.members()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("id", mem.id());
      mm.put("name", mem.name());
      mm.put("peerURLs", new ArrayList<Object>(mem.peerUrls()));
      mm.put("clientURLs", new ArrayList<Object>(mem.clientUrls()));
      mm.put("isLearner", mem.learner());
      members.add(mm);
    }
    m.put("members", members);
    m.put("revision", revision);
    m.put("prefix", prefix);
    Map<String, Object> sel = new LinkedHashMap<>();
    sel.put("namespaces", new ArrayList<Object>(selection.namespaces()));
    sel.put("kinds", new ArrayList<Object>(selection.kinds()));
    sel.put("allKeys", selection.allKeys());
    sel.putAll(selection.more());
    m.put("selection", sel);
    m.put("entries", entries);
    m.put("bytes", bytes);
    List<Object> res = new ArrayList<>();
    for (ResourceCount r : resources) {
      Map<String, Object> rm = new LinkedHashMap<>();
      rm.put("resource", r.resource());
      rm.put("entries", r.entries());
      rm.put("bytes", r.bytes());
      res.add(rm);
    }
    m.put("resources", res);
    m.put("entriesSha256", entriesSha256);
    return Json.writeRecord(m, true) + "\n";
  }

  /** Parses manifest.json; {@code where} names the archive in messages. */
  public static ArchiveManifest parse(byte[] json, String where) {
    Object tree;
    try {
      tree = Json.parse(json);
    } catch (RuntimeException e) {
      throw new ArchiveException(where + ": " + ENTRY_NAME + " is not JSON: " + e.getMessage());
    }
    if (!(tree instanceof Map<?, ?> m) || !FORMAT.equals(m.get("format"))) {
      throw new ArchiveException(where + ": " + ENTRY_NAME + " is not a regshift archive manifest");
    }
    long version = number(m, "formatVersion", where);
    if (version != FORMAT_VERSION) {
      throw new ArchiveException(where + ": archive format version " + version + " is not supported (this regshift"
          + " reads version " + FORMAT_VERSION + ")");
    }
    List<ClusterInfo.Member> members = new ArrayList<>();
    for (Object o : list(m, "members", where)) {
      Map<?, ?> mm = (Map<?, ?>) o;
      members.add(new ClusterInfo.Member(str(mm.get("id")), str(mm.get("name")), strings(mm.get("peerURLs")),
          strings(mm.get("clientURLs")), Boolean.TRUE.equals(mm.get("isLearner"))));
    }
    Map<?, ?> sel = m.get("selection") instanceof Map<?, ?> s ? s : Map.of();
    List<ResourceCount> resources = new ArrayList<>();
    for (Object o : list(m, "resources", where)) {
      Map<?, ?> rm = (Map<?, ?>) o;
      resources.add(new ResourceCount(str(rm.get("resource")), number(rm, "entries", where), number(rm, "bytes", where)));
    }
    return new ArchiveManifest((int) version, str(m.get("tool")), str(m.get("created")), str(m.get("source")),
        new ClusterInfo(m.get("clusterId") instanceof String id ? id : null, members), number(m, "revision", where),
        str(m.get("prefix")), new Selection(strings(sel.get("namespaces")), strings(sel.get("kinds")),
            Boolean.TRUE.equals(sel.get("allKeys")), moreSelection(sel)),
        number(m, "entries", where), number(m, "bytes", where), resources, str(m.get("entriesSha256")));
  }

  /** The selection fields beyond namespaces, kinds and allKeys, as written. */
  private static Map<String, Object> moreSelection(Map<?, ?> sel) {
    Map<String, Object> more = new LinkedHashMap<>();
    sel.forEach((k, v) -> {
      if (!Set.of("namespaces", "kinds", "allKeys").contains(k)) {
        more.put(String.valueOf(k), v);
      }
    });
    return more;
  }

  private static long number(Map<?, ?> m, String field, String where) {
    if (m.get(field) instanceof Long l) {
      return l;
    }
    throw new ArchiveException(where + ": " + ENTRY_NAME + ": \"" + field + "\" is missing or not a whole number");
  }

  private static List<?> list(Map<?, ?> m, String field, String where) {
    Object o = m.get(field);
    if (o == null) {
      return List.of();
    }
    if (o instanceof List<?> l && l.stream().allMatch(x -> x instanceof Map<?, ?>)) {
      return l;
    }
    throw new ArchiveException(where + ": " + ENTRY_NAME + ": \"" + field + "\" is not a list of objects");
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static List<String> strings(Object o) {
    return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
