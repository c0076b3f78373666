package io.regshift.testdata;

import io.regshift.kube.RegistryKey;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ResourceInfo;
import io.regshift.kube.ResourceScope;
import io.regshift.kube.ValueCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What kube-apiserver's registry and storage layers do to an object on its way to etcd, turned
 * into {@link Step}s: the key from the resource's path, uid and creationTimestamp on create,
 * generation for spec-bearing kinds, no resourceVersion in the value, events on a reused lease,
 * and the value encoded as kube-apiserver stores it (our {@link ValueCodec}).
 */
final class Registry {
  static final String PREFIX = "/registry";
  /** kube-apiserver's --event-ttl. */
  static final long EVENT_TTL_SECONDS = 3600;
  /**
   * The lease manager asks etcd for ttl + min(5% of ttl, 60 s) and hands the same lease to
   * every TTL'd object written in the next 60 s, up to 1000 objects
   * (k8s.io/apiserver/pkg/storage/etcd3/lease_manager.go).
   */
  static final long LEASE_REUSE_SECONDS = 60;
  static final long LEASE_MAX_OBJECTS = 1000;

  /** Kinds whose create strategy sets generation 1 and whose spec changes bump it. */
  private static final Set<String> GENERATION_KINDS = Set.of(
      "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob",
      "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "Ingress",
      "EndpointSlice", "CustomResourceDefinition");

  /**
   * A stored object: its key, the tree as written (never changed afterwards) and the etcd
   * revision that write gets when the steps are replayed one txn each into a fresh etcd.
   */
  record Obj(String key, Map<String, Object> tree, long revision) {
    String uid() {
      return Trees.stringAt(tree, "metadata", "uid");
    }

    String name() {
      return Trees.stringAt(tree, "metadata", "name");
    }

    String namespace() {
      return Trees.stringAt(tree, "metadata", "namespace");
    }

    String kind() {
      return (String) tree.get("kind");
    }

    String apiVersion() {
      return (String) tree.get("apiVersion");
    }

    /** What a reader sees as metadata.resourceVersion. */
    String resourceVersion() {
      return Long.toString(revision);
    }

    Map<String, Object> metadata() {
      return Trees.mapAt(tree, "metadata");
    }
  }

  private final Seeded random;
  private final Clock clock;
  private final Consumer<Step> sink;
  private final ValueCodec codec = ValueCodec.builtin();
  private final ResourceCatalog catalog = ResourceCatalog.builtin();
  private final Map<String, ResourceInfo> customResources = new HashMap<>();
  private final long leaseIdPrefix;
  private long leaseCounter;
  private long revision = 1; // a fresh etcd's revision; each write txn adds one

  private long currentLease;
  private long currentLeaseExpiry; // epoch milliseconds
  private long currentLeaseObjects;

  Registry(Seeded random, Clock clock, Consumer<Step> sink) {
    this.random = random;
    this.clock = clock;
    this.sink = sink;
    // etcd's lease ids: 16 bits of the member id, then a millisecond timestamp and a counter
    this.leaseIdPrefix = (random.nextLong() & 0x7FFFL) | 0x1000L;
    this.leaseCounter = (clock.now().toEpochMilli() & 0xFF_FFFF_FFFFL) << 8;
  }

  Clock clock() {
    return clock;
  }

  Seeded random() {
    return random;
  }

  /** A custom resource kind the apiextensions-apiserver serves once its CRD is established. */
  void registerCustomResource(String group, String kind, String plural, boolean namespaced) {
    customResources.put(group + "/" + kind, ResourceInfo.customResource(group, plural,
        namespaced ? ResourceScope.NAMESPACED : ResourceScope.CLUSTER));
  }

  String keyOf(Map<String, Object> obj) {
    String apiVersion = (String) obj.get("apiVersion");
    String kind = (String) obj.get("kind");
    String name = Trees.stringAt(obj, "metadata", "name");
    String namespace = Trees.stringAt(obj, "metadata", "namespace");
    ResourceInfo info = customResources.get(ResourceInfo.groupOf(apiVersion) + "/" + kind);
    if (info == null) {
      info = catalog.byKind(apiVersion, kind).orElseThrow(
          () -> new IllegalArgumentException("no resource stores " + apiVersion + " " + kind));
    }
    return RegistryKey.of(PREFIX, info, info.namespaced() ? namespace : null, name).key();
  }

  /** A create through the API: uid, creationTimestamp, generation; resourceVersion never stored. */
  Obj create(Map<String, Object> obj) {
    return create(obj, 0);
  }

  private Obj create(Map<String, Object> obj, long lease) {
    Map<String, Object> tree = Trees.copy(obj);
    Map<String, Object> meta = Trees.metadata(tree);
    meta.remove("resourceVersion");
    meta.remove("selfLink");
    meta.putIfAbsent("uid", random.uuid());
    meta.put("creationTimestamp", clock.time());
    if (tracksGeneration(tree)) {
      meta.put("generation", 1L);
    }
    reorderMetadata(meta);
    String key = keyOf(tree);
    sink.accept(new Step.Create(key, codec.encode(tree), lease));
    return new Obj(key, tree, ++revision);
  }

  /** A create of an object with a TTL (events): attached to the lease manager's current lease. */
  Obj createWithEventTtl(Map<String, Object> obj) {
    return create(obj, eventLease());
  }

  /**
   * An update through the API: {@code change} edits a copy; uid and creationTimestamp are kept,
   * generation goes up by one when the spec changed.
   */
  Obj update(Obj current, Consumer<Map<String, Object>> change) {
    Map<String, Object> tree = Trees.copy(current.tree());
    change.accept(tree);
    Map<String, Object> meta = Trees.metadata(tree);
    Map<String, Object> oldMeta = current.metadata();
    meta.put("uid", oldMeta.get("uid"));
    meta.put("creationTimestamp", oldMeta.get("creationTimestamp"));
    meta.remove("resourceVersion");
    if (tracksGeneration(tree)) {
      long generation = oldMeta.get("generation") instanceof Long g ? g : 1L;
      meta.put("generation", specChanged(current.tree(), tree) ? generation + 1 : generation);
    }
    reorderMetadata(meta);
    if (tree.equals(current.tree())) {
      return current; // etcd3 store skips writes of identical bytes
    }
    sink.accept(new Step.Update(current.key(), codec.encode(tree), 0));
    return new Obj(current.key(), tree, ++revision);
  }

  void delete(Obj obj) {
    sink.accept(new Step.Delete(obj.key()));
    revision++;
  }

  /** A write through the raw storage interface (the range allocators): the tree as given. */
  Obj storeRaw(String key, Map<String, Object> tree, boolean exists) {
    byte[] value = codec.encode(tree);
    sink.accept(exists ? new Step.Update(key, value, 0) : new Step.Create(key, value, 0));
    return new Obj(key, tree, ++revision);
  }

  void compactorRun() {
    sink.accept(new Step.CompactorRun());
    revision++; // its put of compact_rev_key
  }

  /** The etcd revision after the steps so far, when each is one txn into a fresh etcd. */
  long revision() {
    return revision;
  }

  /**
   * Sets the managedFields entry of one manager/operation/subresource (replacing its previous
   * entry) to the fields of {@code partial}, stamped with the current time.
   */
  void manage(Map<String, Object> obj, String manager, String operation,
      Map<String, Object> partial, String subresource) {
    Map<String, Object> meta = Trees.metadata(obj);
    List<Object> entries = meta.get("managedFields") instanceof List<?> l
        ? Trees.listOf(l) : Trees.list();
    entries.removeIf(e -> e instanceof Map<?, ?> m && manager.equals(m.get("manager"))
        && operation.equals(m.get("operation")) && Objects.equals(subresource, m.get("subresource")));
    entries.add(FieldsV1.entry(manager, operation, (String) obj.get("apiVersion"), clock.time(),
        partial, subresource));
    meta.put("managedFields", entries);
  }

  private long eventLease() {
    long now = clock.now().toEpochMilli();
    long reuse = Math.min(EVENT_TTL_SECONDS / 20, LEASE_REUSE_SECONDS);
    // As GetLease: valid = the lease outlives this object's TTL; sufficient = it was granted
    // less than the reuse window ago (real time always moves on; ours may stand still).
    boolean valid = now + EVENT_TTL_SECONDS * 1000 < currentLeaseExpiry;
    boolean sufficient = now + (EVENT_TTL_SECONDS + reuse) * 1000 >= currentLeaseExpiry;
    currentLeaseObjects++;
    if (currentLease != 0 && valid && sufficient && currentLeaseObjects <= LEASE_MAX_OBJECTS) {
      return currentLease;
    }
    long ttl = EVENT_TTL_SECONDS + reuse;
    currentLease = (leaseIdPrefix << 48) | (++leaseCounter & 0xFFFF_FFFF_FFFFL);
    currentLeaseExpiry = now + ttl * 1000;
    currentLeaseObjects = 1;
    sink.accept(new Step.GrantLease(currentLease, ttl));
    return currentLease;
  }

  private static boolean tracksGeneration(Map<String, Object> tree) {
    String kind = (String) tree.get("kind");
    String apiVersion = (String) tree.get("apiVersion");
    String group = ResourceInfo.groupOf(apiVersion);
    boolean customResource = group.contains(".") && !group.endsWith(".k8s.io");
    return GENERATION_KINDS.contains(kind) || customResource;
  }

  private static boolean specChanged(Map<String, Object> before, Map<String, Object> after) {
    if ("EndpointSlice".equals(after.get("kind"))) {
      return !Objects.equals(before.get("endpoints"), after.get("endpoints"))
          || !Objects.equals(before.get("ports"), after.get("ports"));
    }
    return !Objects.equals(before.get("spec"), after.get("spec"));
  }

  /** ObjectMeta's fields in Go struct order, so values read back in a familiar order. */
  private static final List<String> META_ORDER = List.of("name", "generateName", "namespace",
      "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
      "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
      "managedFields");

  private static void reorderMetadata(Map<String, Object> meta) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(meta);
    meta.clear();
    for (String k : META_ORDER) {
      if (copy.containsKey(k)) {
        meta.put(k, copy.remove(k));
      }
    }
    meta.putAll(copy);
  }
}
