package io.regshift.kube;

/**
 * Whether a resource's objects live in a namespace. UNKNOWN is for custom resources named
 * without their CRD at hand: their key layout alone cannot say.
 */
public enum ResourceScope {
    NAMESPACED,
    CLUSTER,
    UNKNOWN
}
