package io.regshift.rewrite;

import io.regshift.kube.RegistryKey;
import java.util.Map;
import java.util.Set;

/**
 * resourceVersion, on values written to etcd, an archive or a snapshot: kube-apiserver clears
 * metadata.resourceVersion before it stores an object (the mod revision stands for it), and the
 * resourceVersion an object reference carries names a revision of the source's etcd, which
 * means nothing in the target. Cleared in metadata and in references: a PersistentVolume's
 * claimRef, an Event's involvedObject and related, Endpoints' targetRefs, a CronJob's active Jobs.
 *
 * <p>It runs last, on the objects the other rules rewrite and on the kinds that carry such
 * references; with no other rule given, nothing is rewritten and restores stay byte for byte.
 */
public final class ResourceVersionRule implements RewriteRule {
  public static final String NAME = "resource-version";
  private static final Set<String> REFERENCING = Set.of("persistentvolumes", "events", "endpoints", "endpointslices", "cronjobs");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean mayChange(RegistryKey key) {
    return REFERENCING.contains(key.resource());
  }

  @Override
  public void apply(RewriteObject o) {
    Map<String, Object> obj = o.object();
    clear(o, TreeWalk.map(obj, "metadata"), "metadata");
    ObjectReferences.forEach(obj, (ref, path) -> clear(o, ref, path));
  }

  @Override
  public boolean mayChange(RegistryKey key, byte[] value) {
    return mayChange(key);
  }

  private static void clear(RewriteObject o, Map<String, Object> holder, String path) {
    // an empty one is how Go writes "none" (and lossless decoding keeps it): left as it is
    if (holder != null && holder.get("resourceVersion") instanceof String old && !old.isEmpty()) {
      holder.remove("resourceVersion");
      o.changed(NAME, path + ".resourceVersion", old, null);
    }
  }

}
