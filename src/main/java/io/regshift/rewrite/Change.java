package io.regshift.rewrite;

/**
 * One change a rule made, as the report (--report FILE) lists it, one JSON line each.
 *
 * @param key      the etcd key of the object as read from the source
 * @param rule     the rule's name, e.g. "service-cidr"
 * @param path     the field, e.g. "spec.clusterIPs[0]" or "key" when the key itself changed
 * @param oldValue the value before (null when the field was added)
 * @param newValue the value after (null when the field was removed)
 * @param note     why, when the change alone does not say it (a dangling reference kept, a
 *                 token removed so that its controller makes a new one); null otherwise
 */
public record Change(String key, String rule, String path, Object oldValue, Object newValue, String note) {

  public Change(String key, String rule, String path, Object oldValue, Object newValue) {
    this(key, rule, path, oldValue, newValue, null);
  }

  /** One line for people: {@code KEY RULE PATH: OLD -> NEW (note)}, values cut at {@code width} characters. */
  public String describe(int width) {
    return key + " " + rule + " " + path + ": " + cut(oldValue, width) + " -> " + cut(newValue, width)
        + (note == null ? "" : " (" + note + ")");
  }

  private static String cut(Object value, int width) {
    String s = value instanceof String str ? str : io.regshift.kube.Json.write(value);
    s = s.replace("\n", "\\n");
    return s.length() <= width ? s : s.substring(0, width) + "…";
  }
}
