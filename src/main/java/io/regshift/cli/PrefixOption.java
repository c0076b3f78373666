package io.regshift.cli;

import io.regshift.kube.RegistryPrefix;
import picocli.CommandLine.Option;

/** --prefix: where kube-apiserver keeps its keys (its --etcd-prefix). */
final class PrefixOption {
  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = RegistryPrefix.DEFAULT,
      description = "The apiserver's --etcd-prefix (default ${DEFAULT-VALUE}).")
  String prefix;
}
