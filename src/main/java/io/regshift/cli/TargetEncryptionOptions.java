package io.regshift.cli;

import io.regshift.crypto.EncryptionConfig;
import io.regshift.crypto.EncryptionConfigException;
import io.regshift.crypto.TargetEncryption;
import io.regshift.crypto.ValueDecryptor;
import io.regshift.crypto.ValueEncryptor;
import io.regshift.crypto.WrittenForms;
import java.io.PrintWriter;
import io.regshift.kube.ResourceCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * --target-encryption-config, --target-kms-endpoint: how the values a command writes are
 * encrypted at rest. Goes with {@link EncryptionOptions}, which decrypts what is read.
 */
final class TargetEncryptionOptions {
  @Option(names = "--target-encryption-config", paramLabel = "FILE",
      description = "The target kube-apiserver's EncryptionConfiguration: write every value of a resource it covers encrypted"
          + " with its first provider and key (values read encrypted are decrypted with --encryption-config), the rest as"
          + " plaintext. Without it values are written in the form they were read.")
  Path configFile;

  @Option(names = "--target-kms-endpoint", paramLabel = "NAME=unix:///PATH",
      description = "Reach the target's KMS provider NAME's plugin on this socket instead of the configured endpoint (repeatable).")
  List<String> kmsEndpoints = new ArrayList<>();

  private EncryptionConfig config;

  boolean configured() {
    return configFile != null;
  }

  /** The target configuration, or null without --target-encryption-config. */
  EncryptionConfig config() {
    if (configFile == null) {
      if (!kmsEndpoints.isEmpty()) {
        throw new UsageException("--target-kms-endpoint needs --target-encryption-config");
      }
      return null;
    }
    if (config == null) {
      try {
        config = EncryptionConfig.read(configFile);
      } catch (EncryptionConfigException e) {
        throw new UsageException("--target-encryption-config: " + e.getMessage());
      }
    }
    return config;
  }

  /**
   * The encryption step for values read under {@code sourcePrefix} and written under
   * {@code targetPrefix}, with the source's decryption from {@code source}.
   */
  TargetEncryption open(EncryptionOptions source, String sourcePrefix, String targetPrefix, ResourceCatalog catalog) {
    EncryptionConfig target = config();
    Map<String, String> targetEndpoints = target == null ? Map.of()
        : EncryptionOptions.endpoints("--target-kms-endpoint", kmsEndpoints, target);
    ValueDecryptor read = source.decryptor(sourcePrefix, catalog);
    EncryptionConfig sourceConfig = source.config();
    ValueEncryptor sourceForm = sourceConfig == null ? null
        : new ValueEncryptor(sourceConfig, source.endpoints(), EncryptionOptions.resourceOfKey(targetPrefix, catalog));
    ValueEncryptor write = target == null ? null
        : new ValueEncryptor(target, targetEndpoints, EncryptionOptions.resourceOfKey(targetPrefix, catalog));
    ValueDecryptor check = target != null
        ? new ValueDecryptor(target, Map.of(), targetEndpoints, EncryptionOptions.resourceOfKey(targetPrefix, catalog))
        : source.configured() ? source.decryptor(targetPrefix, catalog) : null;
    return new TargetEncryption(read, sourceForm, write, check);
  }

  /**
   * A writer's summary of the forms at rest it wrote ("at rest: 6 aesgcm:v1:restored, 140 plaintext",
   * when some value is encrypted or a target config was given), and the one warning that values
   * still need the source's keys.
   */
  static void printForms(WrittenForms forms, boolean configured, boolean dryRun, PrintWriter err) {
    if (forms.anyEncrypted() || configured) {
      err.println("regshift: at rest" + (dryRun ? " (would be)" : "") + ": " + forms.summary());
    }
    String warning = forms.sourceKeysWarning();
    if (warning != null) {
      err.println("regshift: warning: " + warning);
    }
  }
}
