package io.regshift.cli;

import io.regshift.crypto.EncryptionConfig;
import io.regshift.crypto.EncryptionConfigException;
import io.regshift.crypto.GroupResource;
import io.regshift.crypto.KmsKeyFile;
import io.regshift.crypto.ProviderConfig;
import io.regshift.crypto.ValueDecryptor;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import io.regshift.kube.ValueCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Option;

/** --encryption-config, --kms-key, --kms-endpoint: reading values encrypted at rest. */
final class EncryptionOptions {
  @Option(names = "--encryption-config", paramLabel = "FILE",
      description = "kube-apiserver's EncryptionConfiguration (its --encryption-provider-config file): decrypt values encrypted at rest.")
  Path configFile;

  @Option(names = "--kms-key", paramLabel = "NAME=FILE",
      description = "For KMS provider NAME, the plaintext DEK source (v2: seed or DEK; v1: DEK) in FILE, 32 raw bytes or base64 lines, used instead of asking its plugin (repeatable).")
  List<String> kmsKeys = new ArrayList<>();

  @Option(names = "--kms-endpoint", paramLabel = "NAME=unix:///PATH",
      description = "Reach KMS provider NAME's plugin on this socket instead of the configured endpoint (repeatable).")
  List<String> kmsEndpoints = new ArrayList<>();

  private EncryptionConfig config;

  /** A codec for one run, and the KMS plugin connections it may open, closed with it. */
  record Decoding(ValueCodec codec, ValueDecryptor decryptor) implements AutoCloseable {
    @Override
    public void close() {
      if (decryptor != null) {
        decryptor.close();
      }
    }
  }

  boolean configured() {
    return configFile != null;
  }

  /** The configuration, or null without --encryption-config. */
  EncryptionConfig config() {
    if (configFile == null) {
      if (!kmsKeys.isEmpty() || !kmsEndpoints.isEmpty()) {
        throw new UsageException((kmsKeys.isEmpty() ? "--kms-endpoint" : "--kms-key") + " needs --encryption-config");
      }
      return null;
    }
    if (config == null) {
      try {
        config = EncryptionConfig.read(configFile);
      } catch (EncryptionConfigException e) {
        throw new UsageException(e.getMessage());
      }
    }
    return config;
  }

  /** The built-in codec, decrypting with the configuration when one is given. */
  Decoding open(String prefix, ResourceCatalog catalog) {
    ValueDecryptor d = decryptor(prefix, catalog);
    return d == null ? new Decoding(ValueCodec.builtin(), null) : new Decoding(ValueCodec.builtin().withDecryptor(d), d);
  }

  /** A decryptor of values stored under keys of {@code prefix}, or null without --encryption-config. */
  ValueDecryptor decryptor(String prefix, ResourceCatalog catalog) {
    EncryptionConfig c = config();
    if (c == null) {
      return null;
    }
    Map<String, List<byte[]>> keys = new LinkedHashMap<>();
    for (String arg : kmsKeys) {
      String[] nv = nameValue("--kms-key", arg, c);
      try {
        keys.computeIfAbsent(nv[0], k -> new ArrayList<>()).addAll(KmsKeyFile.read(Path.of(nv[1])));
      } catch (EncryptionConfigException e) {
        throw new UsageException("--kms-key " + nv[0] + ": " + e.getMessage());
      }
    }
    return new ValueDecryptor(c, keys, endpoints(), resourceOfKey(prefix, catalog));
  }

  /** --kms-endpoint, per KMS provider name. */
  Map<String, String> endpoints() {
    return endpoints("--kms-endpoint", kmsEndpoints, config());
  }

  static Map<String, String> endpoints(String option, List<String> args, EncryptionConfig c) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    for (String arg : args) {
      String[] nv = nameValue(option, arg, c);
      endpoints.put(nv[0], nv[1]);
    }
    return endpoints;
  }

  /** The resource of an etcd key under {@code prefix}: what picks the providers of a configuration. */
  static java.util.function.Function<String, GroupResource> resourceOfKey(String prefix, ResourceCatalog catalog) {
    return key -> GroupResource.parse(Objects.toString(RegistryKeys.parse(key, prefix, catalog).groupResource(), ""));
  }

  private static String[] nameValue(String option, String arg, EncryptionConfig c) {
    int eq = arg.indexOf('=');
    if (eq <= 0 || eq == arg.length() - 1) {
      throw new UsageException(option + " " + arg + ": expected NAME=" + (option.endsWith("--kms-key") ? "FILE" : "unix:///PATH"));
    }
    String name = arg.substring(0, eq);
    List<String> names = c.kmsProviders().stream().map(ProviderConfig.Kms::name).distinct().toList();
    if (!names.contains(name)) {
      throw new UsageException(option + " " + name + ": " + c.source() + " has no KMS provider named \"" + name + "\""
          + (names.isEmpty() ? "" : " (it has " + String.join(", ", names) + ")"));
    }
    return new String[] {name, arg.substring(eq + 1)};
  }
}
