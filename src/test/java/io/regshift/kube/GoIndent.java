package io.regshift.kube;

/**
 * An independent model of Go's json.Indent(dst, src, "", "    "), which is how MarshalIndent
 * lays out compact JSON: it works on the text alone, so it checks the writer's own indentation.
 */
final class GoIndent {
    private GoIndent() {
    }

    static String indent(String compact) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean inString = false;
        boolean needIndent = false; // just opened a container: the newline waits to see if it is empty
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\') {
                    out.append(compact.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (needIndent && c != ']' && c != '}') {
                needIndent = false;
                depth++;
                newline(out, depth);
            }
            switch (c) {
                case '"':
                    inString = true;
                    out.append(c);
                    break;
                case '{':
                case '[':
                    out.append(c);
                    needIndent = true;
                    break;
                case ',':
                    out.append(c);
                    newline(out, depth);
                    break;
                case ':':
                    out.append(": ");
                    break;
                case '}':
                case ']':
                    if (needIndent) {
                        needIndent = false; // empty container stays "{}" / "[]"
                    } else {
                        depth--;
                        newline(out, depth);
                    }
                    out.append(c);
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }

    private static void newline(StringBuilder out, int depth) {
        out.append('\n');
        for (int k = 0; k < depth; k++) {
            out.append("    ");
        }
    }
}
