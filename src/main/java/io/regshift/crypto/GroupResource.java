package io.regshift.crypto;

/**
 * A resource as the EncryptionConfiguration names it: {@code secrets} (core), {@code
 * deployments.apps}, {@code *.apps} (every resource of a group), {@code *.} (every core
 * resource), {@code *.*} (everything).
 *
 * @param group    API group, "" for core, "*" for any
 * @param resource plural resource name, or "*" for any
 */
public record GroupResource(String group, String resource) {
  static final GroupResource ANY = new GroupResource("*", "*");

  /** Splits at the first dot, as kube-apiserver's schema.ParseGroupResource does. */
  public static GroupResource parse(String text) {
    int dot = text.indexOf('.');
    return dot < 0 ? new GroupResource("", text) : new GroupResource(text.substring(dot + 1), text.substring(0, dot));
  }

  public boolean wildcard() {
    return resource.equals("*");
  }

  /** The rule that covers every resource of this one's group. */
  GroupResource anyInGroup() {
    return new GroupResource(group, "*");
  }

  /** As the configuration writes it: {@code secrets}, {@code deployments.apps}, {@code *.}, {@code *.*}. */
  @Override
  public String toString() {
    if (group.isEmpty()) {
      return wildcard() ? "*." : resource;
    }
    return resource + "." + group;
  }
}
