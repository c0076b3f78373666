package io.regshift.select;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shell glob on a whole name: {@code *} any run of characters, {@code ?} one character,
 * {@code [abc]}, {@code [a-z]}, {@code [!abc]} one of (or none of) a set; everything else
 * literal. Namespace and object names hold no '/', so there is no path logic.
 */
public final class Glob {
  private final String text;
  private final Pattern pattern;
  private final boolean literal;

  private Glob(String text, Pattern pattern, boolean literal) {
    this.text = text;
    this.pattern = pattern;
    this.literal = literal;
  }

  /**
   * @throws IllegalArgumentException for an unclosed {@code [} set
   */
  public static Glob of(String glob) {
    StringBuilder re = new StringBuilder();
    boolean literal = true;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          re.append(".*");
          literal = false;
        }
        case '?' -> {
          re.append('.');
          literal = false;
        }
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException("'" + glob + "': unclosed '[' at character " + (i + 1));
          }
          String set = glob.substring(i + 1, end);
          boolean negated = set.startsWith("!") || set.startsWith("^");
          re.append('[').append(negated ? "^" : "");
          for (char s : (negated ? set.substring(1) : set).toCharArray()) {
            // a range's '-' stays; any other non-alphanumeric is escaped, which is always safe in a class
            re.append(s == '-' || Character.isLetterOrDigit(s) ? String.valueOf(s) : "\\" + s);
          }
          re.append(']');
          i = end;
          literal = false;
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    try {
      return new Glob(glob, Pattern.compile(re.toString()), literal);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("'" + glob + "': " + e.getDescription());
    }
  }

  public boolean matches(String name) {
    return literal ? text.equals(name) : pattern.matcher(name).matches();
  }

  /** True when the glob has no wildcard: it names exactly one name. */
  public boolean isLiteral() {
    return literal;
  }

  @Override
  public String toString() {
    return text;
  }
}
