package io.regshift.kube;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CBOR time tags 0 (RFC 3339 text) and 1 (epoch seconds) as Kubernetes decodes them into
 * unstructured content: as the RFC 3339 string with nanoseconds that Go's time.MarshalText
 * writes (apimachinery sets TimeTagToAny: TimeTagToRFC3339Nano). Null means Kubernetes
 * would reject the value.
 */
final class CborTimeTag {
    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(Z|([+-])(\\d{2}):(\\d{2}))");

    private CborTimeTag() {
    }

    static String fromRfc3339(String text) {
        Matcher m = RFC3339.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String fraction = m.group(7) == null ? "" : m.group(7);
        int nanos = fraction.isEmpty() ? 0
                : Integer.parseInt((fraction + "000000000").substring(0, 9));
        try {
            ZoneOffset offset = m.group(8).equals("Z") ? ZoneOffset.UTC
                    : ZoneOffset.ofHoursMinutes(
                            sign(m.group(9)) * Integer.parseInt(m.group(10)),
                            sign(m.group(9)) * Integer.parseInt(m.group(11)));
            return format(OffsetDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), nanos, offset));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Epoch times are shown in UTC, as fxamacker/cbor does for tag 1. */
    static String fromEpoch(long seconds, long nanos) {
        try {
            return format(Instant.ofEpochSecond(seconds, nanos).atOffset(ZoneOffset.UTC));
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    private static int sign(String sign) {
        return sign.equals("-") ? -1 : 1;
    }

    /** Go's RFC3339Nano layout: trailing zeros of the fraction dropped, zero offset as "Z". */
    private static String format(OffsetDateTime time) {
        if (time.getYear() < 0 || time.getYear() > 9999) {
            return null;
        }
        StringBuilder out = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d",
                time.getYear(), time.getMonthValue(), time.getDayOfMonth(),
                time.getHour(), time.getMinute(), time.getSecond()));
        if (time.getNano() != 0) {
            String fraction = String.format("%09d", time.getNano()).replaceFirst("0+$", "");
            out.append('.').append(fraction);
        }
        int offsetSeconds = time.getOffset().getTotalSeconds();
        if (offsetSeconds == 0) {
            out.append('Z');
        } else {
            int minutes = Math.abs(offsetSeconds) / 60;
            out.append(offsetSeconds < 0 ? '-' : '+')
                    .append(String.format("%02d:%02d", minutes / 60, minutes % 60));
        }
        return out.toString();
    }
}
