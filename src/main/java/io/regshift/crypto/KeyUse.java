package io.regshift.crypto;

/** How a stored value's encryption relates to what the configuration writes for its resource. */
public enum KeyUse {
  /** Stored the way kube-apiserver writes it now: the first provider, and its first key. */
  CURRENT,
  /** Readable with the configuration, but not how it writes: rewritten on the next update (stale). */
  STALE,
  /** Stored under a provider or key the configuration does not list: kube-apiserver cannot read it. */
  MISSING
}
