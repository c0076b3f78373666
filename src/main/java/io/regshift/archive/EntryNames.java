package io.regshift.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The tar entry name of an etcd key, and back: {@code /registry/pods/web-0} is
 * {@code keys/registry/pods/web-0}; a key without a leading slash ({@code compact_rev_key}) is
 * {@code other-keys/compact_rev_key}. Bytes other than letters, digits and {@code -._~:@+=,} are
 * written %XX, as is a '/' that does not separate two non-empty parts, and a "." or ".." part
 * has its dots escaped, so names are ASCII, never absolute, never climb out of a directory when
 * extracted, and map one-to-one to keys.
 */
public final class EntryNames {
  static final String KEYS = "keys";
  static final String OTHER_KEYS = "other-keys/";

  private EntryNames() {}

  public static String of(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("etcd keys are never empty");
    }
    return key[0] == '/' ? KEYS + escape(key) : OTHER_KEYS + escape(key);
  }

  /** The key an entry name stands for; null when the name is not one {@link #of} makes. */
  public static byte[] key(String name) {
    String escaped;
    if (name.startsWith(OTHER_KEYS)) {
      escaped = name.substring(OTHER_KEYS.length());
    } else if (name.startsWith(KEYS)) {
      escaped = name.substring(KEYS.length());
    } else {
      return null;
    }
    byte[] key = unescape(escaped);
    // only the canonical spelling counts, so that two entries can never name one key
    return key == null || key.length == 0 || !of(key).equals(name) ? null : key;
  }

  private static String escape(byte[] key) {
    StringBuilder out = new StringBuilder(key.length + 8);
    int segment = 0; // where the current part starts in out
    for (int i = 0; i < key.length; i++) {
      int b = key[i] & 0xff;
      if (b == '/' && i > 0 && i + 1 < key.length && key[i + 1] != '/' && key[i - 1] != '/') {
        dots(out, segment);
        out.append('/');
        segment = out.length();
      } else if (b == '/' && i == 0 && key.length > 1 && key[1] != '/') {
        out.append('/'); // the leading slash of keys/...: its part is "keys"
        segment = out.length();
      } else if (plain(b)) {
        out.append((char) b);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
      }
    }
    dots(out, segment);
    return out.toString();
  }

  /** A part that is exactly "." or ".." would mean a directory when extracted. */
  private static void dots(StringBuilder out, int segment) {
    String part = out.substring(segment);
    if (part.equals(".") || part.equals("..")) {
      out.setLength(segment);
      out.append(part.equals(".") ? "%2E" : "%2E%2E");
    }
  }

  private static boolean plain(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
        || "-._~:@+=,".indexOf(b) >= 0;
  }

  private static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        return null;
      }
    }
    return out.toByteArray();
  }

  static String text(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
