package io.regshift.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many values a writer stored in each form (plaintext, {@code aesgcm:v1:key1}, ...), for its
 * summary, and which of them still need the source's keys, for the one warning that says so.
 */
public final class WrittenForms {
  private final Map<String, Long> forms = new TreeMap<>();
  private final Map<String, Long> sourceKeyed = new TreeMap<>();

  public synchronized void add(TargetEncryption.Written w) {
    forms.merge(w.form(), 1L, Long::sum);
    if (w.needsSourceKeys()) {
      sourceKeyed.merge(w.form(), 1L, Long::sum);
    }
  }

  /** True when some value was written encrypted. */
  public synchronized boolean anyEncrypted() {
    return forms.keySet().stream().anyMatch(f -> !f.equals("plaintext"));
  }

  /** {@code 12 aesgcm:v1:key1, 140 plaintext}. */
  public synchronized String summary() {
    return counts(forms);
  }

  /**
   * The warning that values were written encrypted with the source's keys (the target
   * kube-apiserver needs them), or null when none were.
   */
  public synchronized String sourceKeysWarning() {
    if (sourceKeyed.isEmpty()) {
      return null;
    }
    long n = sourceKeyed.values().stream().mapToLong(Long::longValue).sum();
    return String.format("%,d value%s written encrypted with the source's keys (%s): the target kube-apiserver can read"
        + " them only with these keys in its encryption config (--target-encryption-config re-encrypts them)", n,
        n == 1 ? " is" : "s are", counts(sourceKeyed));
  }

  private static String counts(Map<String, Long> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((form, n) -> parts.add(String.format("%,d %s", n, form)));
    return String.join(", ", parts);
  }
}
