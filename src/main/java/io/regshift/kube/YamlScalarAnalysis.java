package io.regshift.kube;

/**
 * Which YAML styles can carry a scalar's text unchanged, decided exactly as go-yaml v2's emitter
 * analyses a scalar (yaml_emitter_analyze_scalar), but over code points instead of UTF-8 bytes.
 */
final class YamlScalarAnalysis {
    final boolean multiline;
    final boolean blockPlainAllowed;
    final boolean singleQuotedAllowed;
    final boolean blockAllowed;

    private YamlScalarAnalysis(boolean multiline, boolean blockPlainAllowed, boolean singleQuotedAllowed,
            boolean blockAllowed) {
        this.multiline = multiline;
        this.blockPlainAllowed = blockPlainAllowed;
        this.singleQuotedAllowed = singleQuotedAllowed;
        this.blockAllowed = blockAllowed;
    }

    static YamlScalarAnalysis of(String value) {
        if (value.isEmpty()) {
            return new YamlScalarAnalysis(false, true, true, false);
        }
        boolean blockIndicators = value.startsWith("---") || value.startsWith("...");
        boolean lineBreaks = false;
        boolean specialCharacters = false;
        boolean leadingSpace = false;
        boolean leadingBreak = false;
        boolean trailingSpace = false;
        boolean trailingBreak = false;
        boolean breakSpace = false;
        boolean spaceBreak = false;
        boolean precededByWhitespace = true;
        boolean previousSpace = false;
        boolean previousBreak = false;

        int n = value.length();
        for (int i = 0; i < n; ) {
            int c = value.codePointAt(i);
            int next = i + Character.charCount(c);
            boolean first = i == 0;
            boolean last = next >= n;
            boolean followedByWhitespace = last || isBlank(value.codePointAt(next));

            if (first) {
                switch (c) {
                    case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
                    case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
                        blockIndicators = true;
                        break;
                    case '?': case ':':
                    case '-':
                        if (followedByWhitespace) {
                            blockIndicators = true;
                        }
                        break;
                    default:
                        break;
                }
            } else if ((c == ':' && followedByWhitespace) || (c == '#' && precededByWhitespace)) {
                blockIndicators = true;
            }

            if (!isPrintable(c)) {
                specialCharacters = true;
            }
            if (c == ' ') {
                leadingSpace |= first;
                trailingSpace |= last;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            } else if (isBreak(c)) {
                lineBreaks = true;
                leadingBreak |= first;
                trailingBreak |= last;
                spaceBreak |= previousSpace;
                previousSpace = false;
                previousBreak = true;
            } else {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = isBlank(c) || isBreak(c) || c == 0;
            i = next;
        }

        boolean blockPlain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak
                || breakSpace || spaceBreak || specialCharacters || lineBreaks || blockIndicators);
        boolean singleQuoted = !(breakSpace || spaceBreak || specialCharacters);
        boolean block = !(trailingSpace || spaceBreak || specialCharacters);
        return new YamlScalarAnalysis(lineBreaks, blockPlain, singleQuoted, block);
    }

    /** go-yaml's printable set: supplementary characters, C0/C1 controls, BOM and U+FFFE/U+FFFF are not. */
    static boolean isPrintable(int c) {
        return c == '\n'
                || (c >= 0x20 && c <= 0x7E)
                || (c >= 0xA0 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    static boolean isBreak(int c) {
        return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    static boolean isBlank(int c) {
        return c == ' ' || c == '\t';
    }
}
