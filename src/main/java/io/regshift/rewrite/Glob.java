package io.regshift.rewrite;

import java.util.regex.Pattern;

/**
 * A glob as Velero matches groupResource and namespaces with (gobwas/glob, '.' as separator):
 * {@code *} any run of characters but '.', {@code **} any run, {@code ?} one character but '.',
 * {@code [abc]}, {@code [a-z]}, {@code [!abc]}, {@code {a,b}}, {@code \} escaping the next one.
 * So {@code *.apps} is every resource of the apps group and {@code *} every core resource.
 */
public final class Glob {
  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /** @throws IllegalArgumentException for an unclosed [ or {, or a trailing \ */
  public static Glob compile(String glob, char separator) {
    String notSep = "[^" + Pattern.quote(String.valueOf(separator)) + "]";
    StringBuilder re = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append(notSep).append('*');
          }
        }
        case '?' -> re.append(notSep);
        case '[' -> {
          int end = glob.indexOf(']', i + 1);
          if (end < 0) {
            throw new IllegalArgumentException("glob \"" + glob + "\": '[' is not closed");
          }
          String body = glob.substring(i + 1, end);
          boolean negated = body.startsWith("!");
          if (negated) {
            body = body.substring(1);
          }
          StringBuilder cls = new StringBuilder(negated ? "[^" : "[");
          for (char b : body.toCharArray()) {
            cls.append(b == '-' || Character.isLetterOrDigit(b) ? String.valueOf(b) : "\\" + b);
          }
          re.append(cls).append(']');
          i = end;
        }
        case '{' -> {
          re.append("(?:");
          braces++;
        }
        case '}' -> {
          if (braces == 0) {
            re.append("\\}");
          } else {
            re.append(')');
            braces--;
          }
        }
        case ',' -> re.append(braces > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 == glob.length()) {
            throw new IllegalArgumentException("glob \"" + glob + "\" ends in '\\'");
          }
          re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (braces > 0) {
      throw new IllegalArgumentException("glob \"" + glob + "\": '{' is not closed");
    }
    return new Glob(glob, Pattern.compile(re.toString()));
  }

  public boolean matches(String s) {
    return pattern.matcher(s).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
