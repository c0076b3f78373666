package io.regshift.kube;

import java.math.BigInteger;

/**
 * How kubectl's YAML shows a number: sigs.k8s.io/yaml prints the JSON text Go wrote, then
 * go-yaml v2 reads that text back, keeping what fits int64 or uint64 as an integer and
 * turning everything else into a float64 printed with strconv's 'g' format.
 */
final class YamlNumbers {
    private YamlNumbers() {
    }

    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger UINT64_LIMIT = BigInteger.ONE.shiftLeft(64);

    static String format(Number n) {
        if (n instanceof Double) {
            return formatDouble((Double) n);
        }
        if (n instanceof BigInteger) {
            return formatBigInteger((BigInteger) n);
        }
        return Long.toString(n.longValue());
    }

    private static String formatBigInteger(BigInteger big) {
        if (big.compareTo(INT64_MIN) >= 0 && big.compareTo(UINT64_LIMIT) < 0) {
            return big.toString();
        }
        double d = big.doubleValue();
        // Beyond float64 Go's ParseFloat fails, so go-yaml keeps the digits as a plain string.
        return Double.isInfinite(d) ? big.toString() : GoFloat.formatG(d);
    }

    private static String formatDouble(double d) {
        if (Double.isNaN(d)) {
            return ".nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? ".inf" : "-.inf";
        }
        // Go's JSON writes integral values below 1e21 as plain digits (its shortest digits padded
        // with zeros, "-0" for negative zero), which go-yaml reads back as an integer if they fit 64 bits.
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            if (d == 0) {
                return "0";
            }
            StringBuilder digits = new StringBuilder(24);
            GoFloat.appendJson(digits, d);
            BigInteger integer = new BigInteger(digits.toString());
            if (integer.compareTo(INT64_MIN) >= 0 && integer.compareTo(UINT64_LIMIT) < 0) {
                return digits.toString();
            }
        }
        return GoFloat.formatG(d);
    }
}
