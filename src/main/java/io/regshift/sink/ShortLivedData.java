package io.regshift.sink;

import io.regshift.kube.RegistryKey;
import java.util.Locale;

/**
 * Data that controllers or kube-apiserver rewrite on their own, or that expires: restored or left
 * out by rule (docs/commands.md, restore), each switchable with --include / --exclude.
 */
public enum ShortLivedData {
  /** Events expire (kube-apiserver's --event-ttl); old ones only confuse: left out unless asked for. */
  EVENTS(false),
  /** Node heartbeats and leader election: harmless when restored, renewed or taken over within seconds. */
  LEASES(true),
  /** The IPs of the apiservers that ran then (lease reconciler): stale after a restore, so left out. */
  MASTERLEASES(false),
  /** Endpoints and EndpointSlices: rebuilt by controllers, but restored so that services answer at once. */
  ENDPOINTS(true),
  /** ranges/*: service IP and node port allocations; they must match the restored services. */
  RANGES(true);

  private final boolean restoredByDefault;

  ShortLivedData(boolean restoredByDefault) {
    this.restoredByDefault = restoredByDefault;
  }

  public boolean restoredByDefault() {
    return restoredByDefault;
  }

  /** The name on the command line: "events", "masterleases". */
  public String flagName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ShortLivedData byFlagName(String name) {
    for (ShortLivedData d : values()) {
      if (d.flagName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    return null;
  }

  /** The kind of short-lived data {@code key} holds, or null for ordinary objects. */
  public static ShortLivedData of(RegistryKey key) {
    if (!key.inRegistry()) {
      return null;
    }
    String path = key.keyPath();
    String gr = key.groupResource();
    if (path.equals("events")) {
      return EVENTS; // core/v1 and events.k8s.io share the key path
    }
    if (gr.equals("leases.coordination.k8s.io")) {
      return LEASES;
    }
    if (path.equals("masterleases")) {
      return MASTERLEASES;
    }
    if (gr.equals("endpoints") || gr.equals("endpointslices.discovery.k8s.io")) {
      return ENDPOINTS;
    }
    if (path.startsWith("ranges")) {
      return RANGES;
    }
    return null;
  }
}
