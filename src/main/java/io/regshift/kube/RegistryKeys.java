package io.regshift.kube;

/** Parsing of keys read from a database, where a malformed key must not stop a listing. */
public final class RegistryKeys {
  private RegistryKeys() {}

  /**
   * Parses a key; one that does not fit its resource's layout (an extra segment, an empty one)
   * is kept as an unknown resource named by its first segment, with the rest as its name.
   */
  public static RegistryKey parse(String key, String prefix, ResourceCatalog catalog) {
    try {
      return RegistryKey.parse(key, prefix, catalog);
    } catch (IllegalArgumentException e) {
      String base = RegistryPrefix.keyBase(prefix);
      String rest = key.substring(base.length());
      int slash = rest.indexOf('/');
      String first = slash < 0 ? rest : rest.substring(0, slash);
      String name = slash < 0 ? "" : rest.substring(slash + 1);
      return new RegistryKey(key, RegistryPrefix.normalize(prefix), first.isEmpty() ? "?" : first, null,
          first, null, name, null);
    }
  }
}
