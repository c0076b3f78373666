package io.regshift.kube;

import java.util.Set;

/**
 * Whether a string, written as a plain YAML scalar, would be read back by go-yaml v2 as
 * something other than that string (YAML 1.1 bool, null, int, float, timestamp or merge key),
 * or looks like a base-60 float; go-yaml v2 double-quotes such strings. Mirrors its resolve().
 */
final class YamlImplicitTypes {
    private YamlImplicitTypes() {
    }

    private static final Set<String> SPECIAL_WORDS = Set.of(
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
            "", "~", "null", "Null", "NULL",
            ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
            "-.inf", "-.Inf", "-.INF");

    private static final int LONGEST_SPECIAL_WORD = 5;

    /** True when go-yaml v2 would write {@code s} without quotes, judging only by what it would read back as. */
    static boolean readsBackAsString(String s) {
        return resolvesToString(s) && !isBase60Float(s);
    }

    private static boolean resolvesToString(String s) {
        if (s.isEmpty()) {
            return false; // null
        }
        char first = s.charAt(0);
        boolean sign = first == '+' || first == '-';
        boolean digit = first >= '0' && first <= '9';
        boolean word = "yYnNtTfFoO~".indexOf(first) >= 0;
        // Only these first characters send go-yaml past its "plain string" shortcut.
        if (!sign && !digit && !word && first != '.') {
            return true;
        }
        if (s.length() <= LONGEST_SPECIAL_WORD && SPECIAL_WORDS.contains(s)) {
            return false;
        }
        if (word) {
            return true;
        }
        if (first == '.') {
            return !GoNumberSyntax.isFloat(s);
        }
        if (YamlTimestamp.matches(s)) {
            return false;
        }
        String plain = s.indexOf('_') >= 0 ? s.replace("_", "") : s;
        if (GoNumberSyntax.isInt64(plain) || GoNumberSyntax.isUint64(plain)) {
            return false;
        }
        if (isYamlStyleFloat(plain) && GoNumberSyntax.isFloat(plain)) {
            return false;
        }
        // go-yaml's own binary forms that strconv's base prefix does not cover, e.g. "0b-101".
        if (plain.startsWith("0b")) {
            String bits = plain.substring(2);
            return !(GoNumberSyntax.isInt64(bits, 2) || GoNumberSyntax.isUint64(bits, 2));
        }
        if (plain.startsWith("-0b")) {
            return !GoNumberSyntax.isInt64("-" + plain.substring(3), 2);
        }
        return true;
    }

    /** {@code ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$} */
    private static boolean isYamlStyleFloat(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            i = skipDigits(s, i);
            if (i == start) {
                return false;
            }
        } else {
            int start = i;
            i = skipDigits(s, i);
            if (i == start) {
                return false;
            }
            if (i < n && s.charAt(i) == '.') {
                i = skipDigits(s, i + 1);
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            i = skipDigits(s, i);
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }

    /** go-yaml v2 quotes these for older parsers: {@code ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$} */
    static boolean isBase60Float(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i >= n || !isDigit(s.charAt(i))) {
            return false;
        }
        while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        int groups = 0;
        while (i < n && s.charAt(i) == ':') {
            i++;
            if (i >= n || !isDigit(s.charAt(i))) {
                return false;
            }
            char d1 = s.charAt(i++);
            if (i < n && isDigit(s.charAt(i))) {
                if (d1 > '5') {
                    return false; // a second digit only follows 0-5
                }
                i++;
            }
            groups++;
        }
        if (groups == 0) {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
        }
        return i == n;
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
