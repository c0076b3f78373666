package io.regshift.kube;

/**
 * The apiserver's {@code --etcd-prefix}, normalised the way its store does
 * ({@code path.Join("/", prefix) + "/"}): "registry", "/registry" and "/registry/" are the same.
 */
public final class RegistryPrefix {

    /** kube-apiserver's default; OpenShift also uses "/kubernetes.io" and "/openshift.io". */
    public static final String DEFAULT = "/registry";

    private static final java.util.regex.Pattern MULTIPLE_SLASHES = java.util.regex.Pattern.compile("/{2,}");

    private RegistryPrefix() {
    }

    /** "/registry" for any spelling of it; "" for the root prefix. A null prefix means the default. */
    public static String normalize(String prefix) {
        if (prefix == null) {
            return DEFAULT;
        }
        String trimmed = prefix.trim();
        // "/registry" as given needs no slash added (nor, then, the pattern below)
        String slashed = trimmed.startsWith("/") ? trimmed : "/" + trimmed;
        // called for every key parsed: compile no pattern when there is nothing to collapse
        String collapsed = slashed.contains("//") ? MULTIPLE_SLASHES.matcher(slashed).replaceAll("/") : slashed;
        return collapsed.endsWith("/") ? collapsed.substring(0, collapsed.length() - 1) : collapsed;
    }

    /** What every key under the prefix starts with: "/registry/", or "/" for the root prefix. */
    public static String keyBase(String prefix) {
        // asked for every key parsed, nearly always with one prefix: the last answer is kept
        String[] last = lastBase;
        if (last != null && last[0].equals(prefix)) {
            return last[1];
        }
        String base = normalize(prefix) + "/";
        if (prefix != null) {
            lastBase = new String[] {prefix, base};
        }
        return base;
    }

    private static volatile String[] lastBase;
}
