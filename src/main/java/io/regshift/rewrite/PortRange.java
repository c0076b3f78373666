package io.regshift.rewrite;

/**
 * A node port range as kube-apiserver's --service-node-port-range takes it ("30000-32767",
 * "30000+2767" or a single port) and as the RangeAllocation at /registry/ranges/servicenodeports
 * stores it ("first-last"). Offset i is port first + i.
 *
 * @param first the lowest port
 * @param last  the highest port
 */
public record PortRange(int first, int last) {

  public PortRange {
    if (first < 1 || last > 65535 || first > last) {
      throw new IllegalArgumentException("invalid port range " + first + "-" + last);
    }
  }

  /**
   * @param what names the input in the message, e.g. "--node-port-range"
   * @throws IllegalArgumentException one line: what, the text, and why it is not a range
   */
  public static PortRange parse(String what, String text) {
    String shown = what + " \"" + text + "\"";
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + ": a port range is required, e.g. 30000-32767");
    }
    int dash = text.indexOf('-');
    int plus = text.indexOf('+');
    int first;
    int last;
    if (dash >= 0) {
      first = port(shown, text.substring(0, dash));
      last = port(shown, text.substring(dash + 1));
    } else if (plus >= 0) {
      first = port(shown, text.substring(0, plus));
      last = first + number(shown, text.substring(plus + 1));
    } else {
      first = port(shown, text);
      last = first;
    }
    if (first < 1) {
      throw new IllegalArgumentException(shown + ": port 0 cannot be a node port");
    }
    if (last > 65535) {
      throw new IllegalArgumentException(shown + ": the range ends above port 65535");
    }
    if (first > last) {
      throw new IllegalArgumentException(shown + ": the first port is above the last (expected FIRST-LAST, e.g. 30000-32767)");
    }
    return new PortRange(first, last);
  }

  private static int port(String shown, String s) {
    int n = number(shown, s);
    if (n > 65535) {
      throw new IllegalArgumentException(shown + ": " + n + " is not a port (1-65535)");
    }
    return n;
  }

  private static int number(String shown, String s) {
    String t = s.trim();
    if (t.isEmpty() || t.length() > 5 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(shown + " is not a port range: \"" + s + "\" is not a number (expected FIRST-LAST, e.g. 30000-32767)");
    }
    return Integer.parseInt(t);
  }

  public int size() {
    return last - first + 1;
  }

  public boolean contains(long port) {
    return port >= first && port <= last;
  }

  /** As kube-apiserver stores it: "first-last". */
  @Override
  public String toString() {
    return first + "-" + last;
  }
}
