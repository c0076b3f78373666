package io.regshift.kube;

/** How Go sees a Java string: as UTF-8, where unpaired surrogates cannot exist and compare as bytes. */
public final class GoStrings {
    private GoStrings() {
    }

    /**
     * Go's string order (byte-wise on UTF-8). Code point order is the same thing; Java's
     * {@code compareTo} is not, because it puts supplementary characters before U+E000..U+FFFF.
     */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int k = 0; k < n; k++) {
            char ca = a.charAt(k);
            char cb = b.charAt(k);
            if (ca != cb) {
                return rank(ca) - rank(cb);
            }
        }
        return a.length() - b.length();
    }

    /** Places surrogates (the halves of supplementary characters) above every BMP character, as UTF-8 does. */
    private static int rank(char c) {
        return Character.isSurrogate(c) ? c + 0x10000 : c;
    }

    /** The string Go would hold after a JSON round trip: every unpaired surrogate becomes U+FFFD. */
    static String withoutLoneSurrogates(String s) {
        int n = s.length();
        for (int k = 0; k < n; k++) {
            if (Character.isSurrogate(s.charAt(k))) {
                return replaceLoneSurrogates(s, k);
            }
        }
        return s;
    }

    private static String replaceLoneSurrogates(String s, int from) {
        StringBuilder out = new StringBuilder(s.length()).append(s, 0, from);
        for (int k = from; k < s.length(); k++) {
            char c = s.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                out.append(c).append(s.charAt(k + 1));
                k++;
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
