package io.regshift.cli;

import io.regshift.kube.ResourceCatalog;
import io.regshift.sink.EntryRewrite;
import io.regshift.source.Source;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code regshift rewrite SOURCE -f OUT.db}: a new etcd snapshot, written by regshift, of the selected (and rewritten) keys. */
@Command(name = "rewrite", description = {
    "Write the selected keys of SOURCE (a database file, a live etcd, an archive) as a new etcd snapshot",
    "OUT.db that `etcdctl snapshot restore` takes: written by regshift itself (no etcd needed), each key at",
    "its own revisions, leases, auth, cluster and members copied from a database file SOURCE; checked",
    "(sha256 trailer, page graph, every record) before it gets its name.",
    "With --target-encryption-config values are encrypted at rest as the target kube-apiserver writes them",
    "(decrypted with --encryption-config); without it they keep the form they were read in."})
final class RewriteCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE",
      description = "An etcd database file, a regshift archive, or etcd://host:port,... (etcds:// for TLS).")
  String source;

  @Option(names = {"-f", "--file"}, required = true, paramLabel = "OUT.db",
      description = "The snapshot to write (replaced when complete; mode 0600).")
  Path file;

  @Mixin SourceOptions sourceOptions;
  @Mixin SelectionOptions selectionOptions;
  @Mixin SnapshotOutputOptions output;
  @Mixin ConnectionOptions connection;

  @Mixin RewriteOptions rewriteOptions;
  @Mixin EncryptionOptions encryption;
  @Mixin TargetEncryptionOptions targetEncryption;

  @Override
  public Integer call() {
    if (Path.of(source).toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
      throw new UsageException(file + ": is SOURCE too; write the new snapshot to another file");
    }
    var options = output.options();
    try (Source src = connection.open(source, sourceOptions.prefix())) {
      return SnapshotWrite.run(src, sourceOptions.view(), selectionOptions, rewriteOptions, encryption, targetEncryption,
          sourceOptions.prefix(), options,
          file, spec.commandLine().getErr());
    }
  }
}
