package io.regshift.testdata;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.regshift.crypto.AtRestEncryptor;
import io.regshift.crypto.EncryptionConfig;
import io.regshift.crypto.GroupResource;
import io.regshift.crypto.KeyedProvider;
import io.regshift.crypto.ProviderConfig;
import io.regshift.etcd.EntryReader;
import io.regshift.etcd.KeyRange;
import io.regshift.etcd.MvccEntry;
import io.regshift.etcd.ReadView;
import io.regshift.kube.RegistryKeys;
import io.regshift.kube.ResourceCatalog;
import io.regshift.source.Source;
import io.regshift.source.Sources;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes the demo cluster's live objects into a running etcd encrypted at rest, as a cluster
 * whose encryption was switched on and rotated would hold them (test-data/encrypted/):
 *
 * <ul>
 *   <li>Secrets: the first (in key order) stays plaintext, written before encryption was on; the
 *       second is under the old aesgcm key (the config's second key: stale); the others under
 *       the current one (its first key);
 *   <li>ConfigMaps: the config's secretbox key;
 *   <li>everything else plaintext (the config does not name it).
 * </ul>
 *
 * Leases are left out (the events would otherwise expire). Values are encrypted by the
 * JDK-based {@link AtRestEncryptor}, with the etcd key as GCM additional data.
 *
 * <pre>MakeEncryptedDemo --endpoint URL --from test-data/demo-cluster.db --config test-data/encrypted/encryption-config.yaml</pre>
 */
public final class MakeEncryptedDemo {
  private MakeEncryptedDemo() {}

  public static void main(String[] args) throws Exception {
    String endpoint = arg(args, "--endpoint");
    String from = arg(args, "--from");
    EncryptionConfig config = EncryptionConfig.read(Path.of(arg(args, "--config")));
    int secrets = 0;
    int written = 0;
    try (Source demo = Sources.open(from);
         EntryReader entries = demo.read(ReadView.latest(), KeyRange.prefix("/registry/"), k -> true);
         Client client = Client.builder().endpoints(endpoint).build()) {
      KV kv = client.getKVClient();
      for (MvccEntry e = entries.next(); e != null; e = entries.next()) {
        String key = e.keyString();
        String resource = RegistryKeys.parse(key, "/registry", ResourceCatalog.builtin()).groupResource();
        byte[] value = e.value();
        if ("secrets".equals(resource)) {
          List<ProviderConfig.NamedKey> keys = keyed(config, resource, KeyedProvider.AESGCM).keys();
          value = switch (secrets++) {
            case 0 -> value;
            case 1 -> AtRestEncryptor.aesgcm(keys.get(1).name(), keys.get(1).secret(), key, value);
            default -> AtRestEncryptor.aesgcm(keys.get(0).name(), keys.get(0).secret(), key, value);
          };
        } else if ("configmaps".equals(resource)) {
          ProviderConfig.NamedKey box = keyed(config, resource, KeyedProvider.SECRETBOX).keys().get(0);
          value = AtRestEncryptor.secretbox(box.name(), box.secret(), value);
        }
        kv.put(ByteSequence.from(e.key()), ByteSequence.from(value)).get(30, TimeUnit.SECONDS);
        written++;
      }
    }
    System.err.println("wrote " + written + " objects (" + secrets + " secrets) to " + endpoint);
  }

  private static ProviderConfig.Keyed keyed(EncryptionConfig config, String resource, KeyedProvider provider) {
    return config.providersFor(GroupResource.parse(resource)).stream()
        .filter(p -> p instanceof ProviderConfig.Keyed k && k.provider() == provider)
        .map(p -> (ProviderConfig.Keyed) p).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the config has no " + provider.word() + " provider for " + resource));
  }

  private static String arg(String[] args, String name) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("usage: MakeEncryptedDemo --endpoint URL --from DEMO.db --config CONFIG.yaml (missing " + name + ")");
  }
}
