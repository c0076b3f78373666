package io.regshift.kube;

/** IEEE 754 half precision (binary16), which Java 17 lacks. */
final class HalfFloat {
    static final int NOT_EXACT = -1;

    private HalfFloat() {
    }

    static double toDouble(int bits) {
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        double magnitude;
        if (exponent == 0) {
            magnitude = Math.scalb((double) mantissa, -24);
        } else if (exponent == 31) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            magnitude = Math.scalb((double) (mantissa | 0x400), exponent - 25);
        }
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** The half-precision bits of a finite value if binary16 holds it exactly, else NOT_EXACT. */
    static int exactBits(double value) {
        int sign = (Double.doubleToRawLongBits(value) < 0) ? 0x8000 : 0;
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return sign;
        }
        int exponent = Math.getExponent(magnitude);
        if (exponent > 15) {
            return NOT_EXACT;
        }
        if (exponent >= -14) {
            double significand = Math.scalb(magnitude, 10 - exponent); // in [1024, 2048)
            if (significand != Math.rint(significand)) {
                return NOT_EXACT;
            }
            return sign | ((exponent + 15) << 10) | ((int) significand - 1024);
        }
        double subnormal = Math.scalb(magnitude, 24); // below 1024 here
        if (subnormal != Math.rint(subnormal)) {
            return NOT_EXACT;
        }
        return sign | (int) subnormal;
    }
}
