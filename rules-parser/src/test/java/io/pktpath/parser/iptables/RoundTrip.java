package io.pktpath.parser.iptables;

/** The rule text of an input line as the round trip compares it: counters and -4/-6 prefix removed, whitespace runs outside quotes collapsed. */
final class RoundTrip {
    private RoundTrip() {
    }

    static String inputRuleText(String line) {
        String s = line.strip();
        if (s.startsWith("[")) {
            s = s.substring(s.indexOf(']') + 1).strip();
        }
        if (s.startsWith("-4 ") || s.startsWith("-6 ")) {
            s = s.substring(3).strip();
        }
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                sb.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            boolean space = c == ' ' || c == '\t';
            if (space && !quoted) {
                if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
                    sb.append(' ');
                }
                continue;
            }
            sb.append(c);
        }
        return sb.toString().strip();
    }
}
