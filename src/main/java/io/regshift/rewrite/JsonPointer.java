package io.regshift.rewrite;

import io.regshift.kube.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A JSON Pointer (RFC 6901), such as {@code /spec/containers/0/image}: the reference tokens with
 * {@code ~1} and {@code ~0} unescaped. The empty pointer names the whole document.
 */
public final class JsonPointer {
  private final String text;
  private final List<String> tokens;

  private JsonPointer(String text, List<String> tokens) {
    this.text = text;
    this.tokens = tokens;
  }

  /** @throws IllegalArgumentException when the text is not a pointer (it must start with '/') */
  public static JsonPointer parse(String text) {
    if (text.isEmpty()) {
      return new JsonPointer(text, List.of());
    }
    if (text.charAt(0) != '/') {
      throw new IllegalArgumentException("JSON pointer \"" + text + "\" does not start with '/'");
    }
    List<String> tokens = new ArrayList<>();
    for (String raw : text.substring(1).split("/", -1)) {
      StringBuilder t = new StringBuilder(raw.length());
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c != '~') {
          t.append(c);
          continue;
        }
        char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
        if (next != '0' && next != '1') {
          throw new IllegalArgumentException("JSON pointer \"" + text + "\": '~' must be followed by 0 or 1");
        }
        t.append(next == '0' ? '~' : '/');
        i++;
      }
      tokens.add(t.toString());
    }
    return new JsonPointer(text, Collections.unmodifiableList(tokens));
  }

  public List<String> tokens() {
    return tokens;
  }

  public boolean isRoot() {
    return tokens.isEmpty();
  }

  /** The pointer to the containing value (the root's parent is the root). */
  public JsonPointer parent() {
    return isRoot() ? this : new JsonPointer(text.substring(0, text.lastIndexOf('/')), tokens.subList(0, tokens.size() - 1));
  }

  /** The last token: the member name or array index this pointer ends in. */
  public String last() {
    return tokens.get(tokens.size() - 1);
  }

  /** True when {@code other} is this pointer or points inside it. */
  public boolean isPrefixOf(JsonPointer other) {
    return other.tokens.size() >= tokens.size() && other.tokens.subList(0, tokens.size()).equals(tokens);
  }

  /**
   * The array index a token names, or -1 when it is not one (RFC 6901: digits, no leading zero;
   * "-" is handled by the callers that allow it).
   */
  static int index(String token) {
    if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) < '0' || token.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(token);
  }

  /**
   * The field as reports write it: {@code spec.containers[0].image},
   * {@code metadata.annotations["a/b"]}; digits are written as list indexes.
   */
  public String fieldPath() {
    return fieldPath(tokens);
  }

  static String fieldPath(List<String> tokens) {
    StringBuilder b = new StringBuilder();
    for (String t : tokens) {
      if (index(t) >= 0 || t.equals("-")) {
        b.append('[').append(t).append(']');
      } else if (!t.isEmpty() && t.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        b.append(b.length() == 0 ? "" : ".").append(t);
      } else {
        b.append('[').append(Json.write(t)).append(']');
      }
    }
    return b.length() == 0 ? "." : b.toString();
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonPointer p && p.tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }
}
