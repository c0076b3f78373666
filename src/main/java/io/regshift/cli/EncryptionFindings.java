package io.regshift.cli;

import io.regshift.crypto.EncryptionConfig;
import io.regshift.kube.RegistryStats;
import java.util.ArrayList;
import java.util.List;

/** What an audit of encryption at rest should tell the reader, one sentence each. */
final class EncryptionFindings {
  private EncryptionFindings() {}

  static List<String> of(List<RegistryStats.AtRestRow> rows, EncryptionConfig config) {
    List<String> out = new ArrayList<>();
    long stale = 0;
    long missing = 0;
    for (RegistryStats.AtRestRow r : rows) {
      if (r.resource().equals("secrets") && r.plaintext() > 0) {
        out.add(r.plaintext() + " of " + r.objects() + " secrets are stored as plaintext: whoever can read etcd or its backups can read them");
      }
      if (r.stale() != null) {
        stale += r.stale();
        missing += r.missing();
      }
    }
    if (config != null) {
      if (stale > 0) {
        out.add(values(stale) + " stale: readable with " + config.source() + " but not stored with its first provider and key"
            + " (kube-apiserver rewrites them on update; `kubectl get RESOURCE -A -o json | kubectl replace -f -` rewrites them all)");
      }
      if (missing > 0) {
        out.add(values(missing) + " stored under a provider or key that " + config.source()
            + " does not list for their resource: kube-apiserver with this configuration cannot read them");
      }
    }
    return out;
  }

  private static String values(long n) {
    return n == 1 ? "1 value is" : n + " values are";
  }
}
