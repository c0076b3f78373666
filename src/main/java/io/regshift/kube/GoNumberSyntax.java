package io.regshift.kube;

/**
 * Which strings Go's strconv.ParseInt, ParseUint and ParseFloat accept, for 64 bits; go-yaml v2
 * uses them to decide what a plain scalar means, so quoting depends on their exact leniency.
 * Callers strip underscores first, except for {@link #isFloat}, which checks them as Go does.
 */
final class GoNumberSyntax {
    private GoNumberSyntax() {
    }

    /** strconv.ParseInt(s, 0, 64): optional sign, then a 0b/0o/0x prefix, a leading-0 octal, or decimal. */
    static boolean isInt64(String s) {
        return isInt64(s, 0);
    }

    /** strconv.ParseUint(s, 0, 64): like {@link #isInt64} without a sign, up to 2^64-1. */
    static boolean isUint64(String s) {
        return isUint64(s, 0);
    }

    static boolean isInt64(String s, int base) {
        if (s.isEmpty()) {
            return false;
        }
        boolean negative = s.charAt(0) == '-';
        String magnitude = (negative || s.charAt(0) == '+') ? s.substring(1) : s;
        if (magnitude.isEmpty()) {
            return false;
        }
        long[] value = parseUnsigned(magnitude, base);
        if (value == null) {
            return false;
        }
        long v = value[0];
        // v holds an unsigned 64-bit value: at most 2^63-1 when positive, 2^63 when negative.
        return negative ? Long.compareUnsigned(v, Long.MIN_VALUE) <= 0 : v >= 0;
    }

    static boolean isUint64(String s, int base) {
        return !s.isEmpty() && parseUnsigned(s, base) != null;
    }

    /** The unsigned value in a one-element array, or null when ParseUint would fail (syntax or range). */
    private static long[] parseUnsigned(String s, int base) {
        int i = 0;
        if (base == 0) {
            base = 10;
            if (s.charAt(0) == '0') {
                char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
                if (p == 'b') {
                    base = 2;
                    i = 2;
                } else if (p == 'o') {
                    base = 8;
                    i = 2;
                } else if (p == 'x') {
                    base = 16;
                    i = 2;
                } else {
                    base = 8;
                    i = 1;
                }
            }
        }
        long v = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), base);
            if (d < 0 || s.charAt(i) > 'z') {
                return null;
            }
            // Overflow past 2^64-1: compare against the largest value that can still take a digit.
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, base)) > 0) {
                return null;
            }
            long next = v * base + d;
            if (Long.compareUnsigned(next, v * base) < 0) {
                return null;
            }
            v = next;
        }
        return new long[] {v};
    }

    /**
     * strconv.ParseFloat(s, 64) for decimal text: optional sign, digits with at most one '.',
     * optional exponent, underscores only between digits; fails when the value overflows.
     */
    static boolean isFloat(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        boolean sawDigits = false;
        boolean sawDot = false;
        boolean underscores = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '_') {
                underscores = true;
            } else if (c == '.') {
                if (sawDot) {
                    return false;
                }
                sawDot = true;
            } else if (c >= '0' && c <= '9') {
                sawDigits = true;
            } else {
                break;
            }
        }
        if (!sawDigits) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            boolean expDigits = false;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c == '_') {
                    underscores = true;
                } else if (c >= '0' && c <= '9') {
                    expDigits = true;
                } else {
                    break;
                }
            }
            if (!expDigits) {
                return false;
            }
        }
        if (i != n || (underscores && !underscoresBetweenDigits(s))) {
            return false;
        }
        String digits = underscores ? s.replace("_", "") : s;
        return !Double.isInfinite(Double.parseDouble(digits));
    }

    /** Go's underscoreOK for a decimal number: each '_' sits between two digits. */
    private static boolean underscoresBetweenDigits(String s) {
        char saw = '^';
        int i = (s.startsWith("+") || s.startsWith("-")) ? 1 : 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }
}
