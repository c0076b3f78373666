package io.regshift.kube;

/**
 * Writes a JSON tree as {@code kubectl get -o yaml} prints it: sigs.k8s.io/yaml's JSONToYAML,
 * that is go-yaml v2 marshalling the value that Go's JSON text reads back as.
 */
public final class Yaml {
    private Yaml() {
    }

    /** One YAML document ending in a newline; keys sorted, long scalars folded at 80 columns as kubectl does. */
    public static String write(Object tree) {
        return YamlEmitter.document(tree);
    }
}
