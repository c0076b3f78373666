package io.regshift.rewrite;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where a stored object holds references to other objects (core ObjectReference and the like,
 * each with kind, namespace, name, uid and often a resourceVersion): one list, so that the rules
 * that follow references (--new-uids, resourceVersion) see the same ones.
 */
final class ObjectReferences {
  private ObjectReferences() {}

  /** Calls {@code visit} with each reference the object holds and its field path. */
  static void forEach(Map<String, Object> obj, BiConsumer<Map<String, Object>, String> visit) {
    visitIfPresent(TreeWalk.map(obj, "spec", "claimRef"), "spec.claimRef", visit); // PersistentVolume
    visitIfPresent(TreeWalk.map(obj, "involvedObject"), "involvedObject", visit); // Event
    visitIfPresent(TreeWalk.map(obj, "related"), "related", visit); // Event
    List<Object> subsets = TreeWalk.list(obj, "subsets"); // Endpoints
    for (int s = 0; s < subsets.size(); s++) {
      for (String list : List.of("addresses", "notReadyAddresses")) {
        List<Object> addresses = subsets.get(s) instanceof Map<?, ?> m ? TreeWalk.list(cast(m), list) : List.of();
        for (int a = 0; a < addresses.size(); a++) {
          if (addresses.get(a) instanceof Map<?, ?> addr) {
            visitIfPresent(TreeWalk.map(cast(addr), "targetRef"), TreeWalk.path("subsets", s, list, a, "targetRef"), visit);
          }
        }
      }
    }
    if ("EndpointSlice".equals(obj.get("kind"))) {
      List<Object> eps = TreeWalk.list(obj, "endpoints");
      for (int i = 0; i < eps.size(); i++) {
        if (eps.get(i) instanceof Map<?, ?> ep) {
          visitIfPresent(TreeWalk.map(cast(ep), "targetRef"), TreeWalk.path("endpoints", i, "targetRef"), visit);
        }
      }
    }
    List<Object> active = TreeWalk.list(obj, "status", "active"); // CronJob's running Jobs
    for (int i = 0; i < active.size(); i++) {
      if (active.get(i) instanceof Map<?, ?> ref) {
        visit.accept(cast(ref), TreeWalk.path("status", "active", i));
      }
    }
  }

  private static void visitIfPresent(Map<String, Object> ref, String path, BiConsumer<Map<String, Object>, String> visit) {
    if (ref != null) {
      visit.accept(ref, path);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
