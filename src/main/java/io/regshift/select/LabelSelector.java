package io.regshift.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * kubectl's {@code -l/--selector}: the label selector grammar of apimachinery's
 * {@code labels.Parse} ({@code =}, {@code ==}, {@code !=}, {@code in}, {@code notin}, {@code key},
 * {@code !key}, and {@code >}/{@code <} on integers), with its validation of keys and values and
 * its error messages, so a selector that works with kubectl works here and one it refuses is
 * refused with the same words.
 */
public final class LabelSelector {
  /** One requirement; values are sorted and distinct, as apimachinery keeps them. */
  public record Requirement(String key, Operator operator, List<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN, EQUALS, DOUBLE_EQUALS -> v != null && values.contains(v);
        case NOT_IN, NOT_EQUALS -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
        case GREATER_THAN, LESS_THAN -> {
          if (v == null) {
            yield false;
          }
          long have;
          try {
            have = Long.parseLong(v);
          } catch (NumberFormatException e) {
            yield false;
          }
          long limit = Long.parseLong(values.get(0));
          yield operator == Operator.GREATER_THAN ? have > limit : have < limit;
        }
      };
    }
  }

  public enum Operator { IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN }

  private final String text;
  private final List<Requirement> requirements;

  private LabelSelector(String text, List<Requirement> requirements) {
    this.text = text;
    this.requirements = List.copyOf(requirements);
  }

  /**
   * Parses a selector; an empty one selects everything.
   *
   * @throws IllegalArgumentException with apimachinery's message for what is wrong
   */
  public static LabelSelector parse(String selector) {
    return new LabelSelector(selector, new Parser(selector).parse());
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  /** True when every requirement holds (no requirement: every object). */
  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  @Override
  public String toString() {
    return text;
  }

  // ---- lexer ----

  private enum Token {
    IDENTIFIER, END, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IN, LESS_THAN,
    NOT_EQUALS, NOT_IN, OPEN_PAR
  }

  private record Lexeme(Token token, String literal) {}

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecial(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }

  private static List<Lexeme> lex(String s) {
    List<Lexeme> out = new ArrayList<>();
    int i = 0;
    while (true) {
      while (i < s.length() && isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= s.length()) {
        out.add(new Lexeme(Token.END, ""));
        return out;
      }
      char c = s.charAt(i);
      if (isSpecial(c)) {
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        if (c == '!' && next == '=') {
          out.add(new Lexeme(Token.NOT_EQUALS, "!="));
          i += 2;
        } else if (c == '=' && next == '=') {
          out.add(new Lexeme(Token.DOUBLE_EQUALS, "=="));
          i += 2;
        } else {
          Token t = switch (c) {
            case '!' -> Token.DOES_NOT_EXIST;
            case '=' -> Token.EQUALS;
            case '(' -> Token.OPEN_PAR;
            case ')' -> Token.CLOSED_PAR;
            case ',' -> Token.COMMA;
            case '>' -> Token.GREATER_THAN;
            default -> Token.LESS_THAN;
          };
          out.add(new Lexeme(t, String.valueOf(c)));
          i++;
        }
        continue;
      }
      int start = i;
      while (i < s.length() && !isWhitespace(s.charAt(i)) && !isSpecial(s.charAt(i))) {
        i++;
      }
      String word = s.substring(start, i);
      out.add(new Lexeme(word.equals("in") ? Token.IN : word.equals("notin") ? Token.NOT_IN : Token.IDENTIFIER, word));
    }
  }

  // ---- parser (apimachinery's, state for state) ----

  private static final class Parser {
    private final List<Lexeme> items;
    private int pos;

    Parser(String s) {
      this.items = lex(s);
    }

    /** In value context the keywords in and notin are plain identifiers. */
    private Lexeme lookahead(boolean values) {
      Lexeme l = items.get(pos);
      return values && (l.token == Token.IN || l.token == Token.NOT_IN) ? new Lexeme(Token.IDENTIFIER, l.literal) : l;
    }

    private Lexeme consume(boolean values) {
      Lexeme l = lookahead(values);
      if (pos < items.size() - 1) {
        pos++;
      }
      return l;
    }

    List<Requirement> parse() {
      List<Requirement> out = new ArrayList<>();
      while (true) {
        Lexeme l = lookahead(true);
        switch (l.token) {
          case IDENTIFIER, DOES_NOT_EXIST -> {
            try {
              out.add(requirement());
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("unable to parse requirement: " + e.getMessage());
            }
            Lexeme t = consume(true);
            if (t.token == Token.END) {
              return out;
            }
            if (t.token != Token.COMMA) {
              throw new IllegalArgumentException("found '" + t.literal + "', expected: ',' or 'end of string'");
            }
            Lexeme t2 = lookahead(true);
            if (t2.token != Token.IDENTIFIER && t2.token != Token.DOES_NOT_EXIST) {
              throw new IllegalArgumentException("found '" + t2.literal + "', expected: identifier after ','");
            }
          }
          case END -> {
            return out;
          }
          default -> throw new IllegalArgumentException("found '" + l.literal + "', expected: !, identifier, or 'end of string'");
        }
      }
    }

    private Requirement requirement() {
      Operator op = null;
      Lexeme l = consume(true);
      if (l.token == Token.DOES_NOT_EXIST) {
        op = Operator.DOES_NOT_EXIST;
        l = consume(true);
      }
      if (l.token != Token.IDENTIFIER) {
        throw new IllegalArgumentException("found '" + l.literal + "', expected: identifier");
      }
      String key = l.literal;
      validateKey(key);
      Token next = lookahead(true).token;
      if (next == Token.END || next == Token.COMMA) {
        if (op == null) {
          op = Operator.EXISTS;
        }
      }
      if (op == Operator.EXISTS || op == Operator.DOES_NOT_EXIST) {
        return new Requirement(key, op, List.of());
      }
      op = operator();
      TreeSet<String> values = op == Operator.IN || op == Operator.NOT_IN ? valueSet() : exactValue();
      return checked(key, op, values);
    }

    private Operator operator() {
      Lexeme l = consume(false);
      return switch (l.token) {
        case IN -> Operator.IN;
        case EQUALS -> Operator.EQUALS;
        case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
        case GREATER_THAN -> Operator.GREATER_THAN;
        case LESS_THAN -> Operator.LESS_THAN;
        case NOT_IN -> Operator.NOT_IN;
        case NOT_EQUALS -> Operator.NOT_EQUALS;
        default -> throw new IllegalArgumentException("found '" + l.literal + "', expected: in, notin, =, ==, !=, gt, lt");
      };
    }

    private TreeSet<String> valueSet() {
      Lexeme l = consume(true);
      if (l.token != Token.OPEN_PAR) {
        throw new IllegalArgumentException("found '" + l.literal + "' expected: '('");
      }
      Lexeme a = lookahead(true);
      switch (a.token) {
        case IDENTIFIER, COMMA -> {
          TreeSet<String> s = identifiers();
          if (consume(true).token != Token.CLOSED_PAR) {
            throw new IllegalArgumentException("found '" + a.literal + "', expected: ')'");
          }
          return s;
        }
        case CLOSED_PAR -> {
          consume(true);
          return new TreeSet<>(List.of(""));
        }
        default -> throw new IllegalArgumentException("found '" + a.literal + "', expected: ',', ')' or identifier");
      }
    }

    private TreeSet<String> identifiers() {
      TreeSet<String> s = new TreeSet<>();
      while (true) {
        Lexeme l = consume(true);
        switch (l.token) {
          case IDENTIFIER -> {
            s.add(l.literal);
            Lexeme n = lookahead(true);
            if (n.token == Token.CLOSED_PAR) {
              return s;
            }
            if (n.token != Token.COMMA) {
              throw new IllegalArgumentException("found '" + n.literal + "', expected: ',' or ')'");
            }
          }
          case COMMA -> {
            if (s.isEmpty()) {
              s.add(""); // "(,"
            }
            Token n = lookahead(true).token;
            if (n == Token.CLOSED_PAR) {
              s.add(""); // ",)"
              return s;
            }
            if (n == Token.COMMA) {
              consume(true);
              s.add(""); // ",,"
            }
          }
          default -> throw new IllegalArgumentException("found '" + l.literal + "', expected: ',', or identifier");
        }
      }
    }

    private TreeSet<String> exactValue() {
      Token t = lookahead(true).token;
      if (t == Token.END || t == Token.COMMA) {
        return new TreeSet<>(List.of(""));
      }
      Lexeme l = consume(true);
      if (l.token == Token.IDENTIFIER) {
        return new TreeSet<>(List.of(l.literal));
      }
      throw new IllegalArgumentException("found '" + l.literal + "', expected: identifier");
    }
  }

  /** apimachinery's NewRequirement checks. */
  private static Requirement checked(String key, Operator op, TreeSet<String> values) {
    switch (op) {
      case IN, NOT_IN -> {
        if (values.isEmpty()) {
          throw new IllegalArgumentException("for 'in', 'notin' operators, values set can't be empty");
        }
      }
      case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
        if (values.size() != 1) {
          throw new IllegalArgumentException("exact-match compatibility requires one single value");
        }
      }
      case GREATER_THAN, LESS_THAN -> {
        if (values.size() != 1) {
          throw new IllegalArgumentException("for 'Gt', 'Lt' operators, exactly one value is required");
        }
        try {
          Long.parseLong(values.first());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
      default -> { }
    }
    for (String v : values) {
      validateValue(key, v);
    }
    return new Requirement(key, op, List.copyOf(values));
  }

  private static final String NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern NAME = Pattern.compile(NAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile("(" + NAME_FMT + ")?");
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** apimachinery's IsQualifiedName: [prefix/]name, prefix a DNS subdomain, name at most 63 characters. */
  static void validateKey(String key) {
    String[] parts = key.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        throw invalidKey(key, "prefix part must be non-empty");
      }
      if (prefix.length() > 253) {
        throw invalidKey(key, "prefix part must be no more than 253 characters");
      }
      if (!DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        throw invalidKey(key, "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
            + " characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
      }
    } else {
      throw invalidKey(key, "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must"
          + " start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc') with an"
          + " optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    }
    if (name.isEmpty()) {
      throw invalidKey(key, "name part must be non-empty");
    }
    if (name.length() > 63) {
      throw invalidKey(key, "name part must be no more than 63 characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw invalidKey(key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and"
          + " end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')");
    }
  }

  private static IllegalArgumentException invalidKey(String key, String why) {
    return new IllegalArgumentException("key: Invalid value: \"" + key + "\": " + why);
  }

  private static void validateValue(String key, String value) {
    if (value.length() > 63) {
      throw new IllegalArgumentException("values[0][" + key + "]: Invalid value: \"" + value
          + "\": must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("values[0][" + key + "]: Invalid value: \"" + value + "\": a valid label must"
          + " be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345')");
    }
  }
}
