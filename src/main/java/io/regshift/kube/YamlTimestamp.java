package io.regshift.kube;

/**
 * Whether go-yaml v2 reads a plain scalar as a timestamp: it tries Go's time.Parse with four
 * layouts, "2006-1-2T15:4:5.999999999Z07:00", the same with a lower-case 't',
 * "2006-1-2 15:4:5.999999999" and "2006-1-2". This reproduces time.Parse's leniency for
 * those layouts (one- or two-digit fields, optional fraction, runs of spaces) and its range checks.
 */
final class YamlTimestamp {
    private final String s;
    private int pos;

    private YamlTimestamp(String s) {
        this.s = s;
    }

    static boolean matches(String s) {
        // go-yaml's quick check: all formats start with exactly four digits and a dash.
        if (s.length() < 5 || s.charAt(4) != '-') {
            return false;
        }
        for (int k = 0; k < 4; k++) {
            if (!digit(s, k)) {
                return false;
            }
        }
        return new YamlTimestamp(s).dateTime('T', true)
                || new YamlTimestamp(s).dateTime('t', true)
                || new YamlTimestamp(s).dateTime(' ', false)
                || new YamlTimestamp(s).dateOnly();
    }

    private boolean dateOnly() {
        return date() && pos == s.length();
    }

    private boolean dateTime(char separator, boolean zoned) {
        if (!date()) {
            return false;
        }
        if (separator == ' ') {
            // A space in a Go layout matches a run of one or more spaces.
            if (pos >= s.length() || s.charAt(pos) != ' ') {
                return false;
            }
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        } else if (!literal(separator)) {
            return false;
        }
        int hour = number();
        if (hour < 0 || hour >= 24 || !literal(':')) {
            return false;
        }
        int minute = number();
        if (minute < 0 || minute >= 60 || !literal(':')) {
            return false;
        }
        int second = number();
        if (second < 0 || second >= 60) {
            return false;
        }
        fraction();
        if (zoned && !zone()) {
            return false;
        }
        return pos == s.length();
    }

    private boolean date() {
        int year = Integer.parseInt(s.substring(0, 4));
        pos = 4;
        if (!literal('-')) {
            return false;
        }
        int month = number();
        if (month < 1 || month > 12 || !literal('-')) {
            return false;
        }
        int day = number();
        return day >= 1 && day <= daysIn(month, year);
    }

    /** Go's getnum for a non-padded field: one digit, or two if a second follows; -1 if none. */
    private int number() {
        if (!digit(s, pos)) {
            return -1;
        }
        int v = s.charAt(pos++) - '0';
        if (digit(s, pos)) {
            v = v * 10 + (s.charAt(pos++) - '0');
        }
        return v;
    }

    /** Optional fractional seconds: '.' or ',' then any number of digits. */
    private void fraction() {
        if (pos + 1 < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == ',') && digit(s, pos + 1)) {
            pos++;
            while (digit(s, pos)) {
                pos++;
            }
        }
    }

    /** "Z07:00": a 'Z', or a sign and hh:mm with Go's lenient offset limits. */
    private boolean zone() {
        if (pos < s.length() && s.charAt(pos) == 'Z') {
            pos++;
            return true;
        }
        if (s.length() - pos < 6 || s.charAt(pos + 3) != ':') {
            return false;
        }
        char sign = s.charAt(pos);
        if ((sign != '+' && sign != '-') || !digit(s, pos + 1) || !digit(s, pos + 2)
                || !digit(s, pos + 4) || !digit(s, pos + 5)) {
            return false;
        }
        int hours = (s.charAt(pos + 1) - '0') * 10 + (s.charAt(pos + 2) - '0');
        int minutes = (s.charAt(pos + 4) - '0') * 10 + (s.charAt(pos + 5) - '0');
        pos += 6;
        return hours <= 24 && minutes <= 60;
    }

    private boolean literal(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private static boolean digit(String s, int at) {
        return at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9';
    }

    private static int daysIn(int month, int year) {
        switch (month) {
            case 2:
                boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                return leap ? 29 : 28;
            case 4: case 6: case 9: case 11:
                return 30;
            default:
                return 31;
        }
    }
}
