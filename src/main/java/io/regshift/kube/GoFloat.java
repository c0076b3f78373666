package io.regshift.kube;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a float64 the way Go's strconv does with precision -1 (shortest digits that read back
 * as the same value), in the two layouts the project needs: encoding/json's and {@code 'g'}.
 * Java 17's Double.toString is not always shortest, so the digits are computed here.
 */
final class GoFloat {
    private GoFloat() {
    }

    /** Go encoding/json: plain decimal for 1e-6 <= |x| < 1e21, else exponent form with {@code e-7} not {@code e-07}. */
    static void appendJson(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new JsonException("json: unsupported value: " + formatG(d));
        }
        double abs = Math.abs(d);
        Digits digits = Digits.of(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            int start = out.length();
            appendE(out, digits);
            // Go cleans up a two-digit negative exponent: e-07 becomes e-7.
            int n = out.length();
            if (n - start >= 4 && out.charAt(n - 4) == 'e' && out.charAt(n - 3) == '-' && out.charAt(n - 2) == '0') {
                out.deleteCharAt(n - 2);
            }
        } else {
            appendF(out, digits);
        }
    }

    /** strconv.FormatFloat(d, 'g', -1, 64), with Inf/NaN spelled as Go prints them. */
    static String formatG(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        Digits digits = Digits.of(d);
        int exp = digits.pointPosition - 1;
        StringBuilder out = new StringBuilder(24);
        // With shortest digits Go switches to exponent form outside 1e-4 <= |x| < 1e6.
        if (digits.count() != 0 && (exp < -4 || exp >= 6)) {
            appendE(out, digits);
        } else {
            appendF(out, digits);
        }
        return out.toString();
    }

    /** strconv 'e' with precision -1: {@code d.ddde±XX}, at least two exponent digits. */
    private static void appendE(StringBuilder out, Digits digits) {
        if (digits.negative) {
            out.append('-');
        }
        String ds = digits.digits;
        out.append(ds.isEmpty() ? '0' : ds.charAt(0));
        if (ds.length() > 1) {
            out.append('.').append(ds, 1, ds.length());
        }
        int exp = ds.isEmpty() ? 0 : digits.pointPosition - 1;
        out.append('e').append(exp < 0 ? '-' : '+');
        int absExp = Math.abs(exp);
        if (absExp < 10) {
            out.append('0');
        }
        out.append(absExp);
    }

    /** strconv 'f' with precision -1: plain decimal, no exponent, no trailing zeros. */
    private static void appendF(StringBuilder out, Digits digits) {
        if (digits.negative) {
            out.append('-');
        }
        String ds = digits.digits;
        int dp = digits.pointPosition;
        if (dp > 0) {
            for (int k = 0; k < dp; k++) {
                out.append(k < ds.length() ? ds.charAt(k) : '0');
            }
        } else {
            out.append('0');
        }
        int fraction = Math.max(ds.length() - dp, 0);
        if (fraction > 0) {
            out.append('.');
            for (int k = 0; k < fraction; k++) {
                int index = dp + k;
                out.append(index >= 0 && index < ds.length() ? ds.charAt(index) : '0');
            }
        }
    }

    /** The shortest decimal 0.{@code digits} × 10^{@code pointPosition} that reads back as the double. */
    private static final class Digits {
        final boolean negative;
        final String digits; // no leading or trailing zeros; empty for zero
        final int pointPosition;

        private Digits(boolean negative, String digits, int pointPosition) {
            this.negative = negative;
            this.digits = digits;
            this.pointPosition = pointPosition;
        }

        int count() {
            return digits.length();
        }

        static Digits of(double d) {
            boolean negative = (Double.doubleToRawLongBits(d) < 0);
            double abs = Math.abs(d);
            if (abs == 0) {
                return new Digits(negative, "", 0);
            }
            if (abs < 0x1p53 && abs == Math.rint(abs)) {
                // Integers below 2^53 are exact, and no shorter decimal lies within half an ulp.
                return fromDecimal(negative, new BigDecimal((long) abs));
            }
            BigDecimal exact = new BigDecimal(abs);
            // Fewer digits can only read back if more do, so step down from a length that works.
            int precision = significantDigits(Double.toString(abs));
            BigDecimal best = nearestReadingBack(exact, abs, precision);
            if (best == null) { // not expected: Double.toString always reads back
                precision = 17;
                best = nearestReadingBack(exact, abs, precision);
            }
            while (precision > 1) {
                BigDecimal shorter = nearestReadingBack(exact, abs, precision - 1);
                if (shorter == null) {
                    break;
                }
                best = shorter;
                precision--;
            }
            return fromDecimal(negative, best);
        }

        /** Of the two decimals with {@code precision} digits around {@code exact}, the nearer that reads back; ties go even. */
        private static BigDecimal nearestReadingBack(BigDecimal exact, double abs, int precision) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == abs;
            boolean upOk = up.doubleValue() == abs;
            if (downOk && upOk) {
                int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                if (cmp != 0) {
                    return cmp < 0 ? down : up;
                }
                return down.unscaledValue().testBit(0) ? up : down;
            }
            return downOk ? down : upOk ? up : null;
        }

        private static Digits fromDecimal(boolean negative, BigDecimal value) {
            BigDecimal stripped = value.stripTrailingZeros();
            String unscaled = stripped.unscaledValue().toString();
            return new Digits(negative, unscaled, unscaled.length() - stripped.scale());
        }

        private static int significantDigits(String javaRepr) {
            int count = 0;
            boolean leading = true;
            for (int k = 0; k < javaRepr.length(); k++) {
                char c = javaRepr.charAt(k);
                if (c == 'E') {
                    break;
                }
                if (c >= '0' && c <= '9') {
                    if (c != '0') {
                        leading = false;
                    }
                    if (!leading) {
                        count++;
                    }
                }
            }
            return Math.max(count, 1);
        }
    }
}
