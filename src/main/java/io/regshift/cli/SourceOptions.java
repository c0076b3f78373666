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

  ReadView view() {
    if (revision < 0) {
      throw new UsageException("--revision must be a positive revision, not " + revision);
    }
    return ReadView.at(revision);
  }
}
