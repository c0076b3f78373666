package io.regshift.cli;

import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryPrefix;
import picocli.CommandLine.Option;

/** Flags shared by the commands that read a SOURCE. */
final class SourceOptions {
  @Option(names = "--revision", paramLabel = "R", defaultValue = "0",
      description = "Read the state as of revision R (default: the latest).")
  long revision;

  @picocli.CommandLine.Mixin PrefixOption prefixOption;

  String prefix() {
    return prefixOption.prefix;
  }

  /** The warning for a read that found no key under the prefix at all (not one the selection left out). */
  static String emptyPrefixWarning(String source, String prefix, boolean allKeys) {
    String hint = RegistryPrefix.normalize(prefix).equals(RegistryPrefix.DEFAULT)
        ? " (is --prefix right? OpenShift uses /kubernetes.io)" : " (is --prefix right?)";
    return "regshift: warning: " + source + " has no keys " + (allKeys ? "at all" : "under " + RegistryPrefix.keyBase(prefix) + hint);
  }

  ReadView view() {
    if (revision < 0) {
      throw new UsageException("--revision must be a positive revision, not " + revision);
    }
    return ReadView.at(revision);
  }
}
