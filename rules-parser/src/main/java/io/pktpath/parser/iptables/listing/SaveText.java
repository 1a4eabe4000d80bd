package io.pktpath.parser.iptables.listing;

/** Strings as iptables-save writes them (xtables_save_string): bare when only letters, digits, _ and -, else quoted. */
final class SaveText {
    private SaveText() {
    }

    static String quoted(String value) {
        if (!value.isEmpty() && value.chars().allMatch(ch -> ch == '_' || ch == '-' || ch >= '0' && ch <= '9'
                || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z')) {
            return value;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            if (ch == '"' || ch == '\\' || ch == '\'') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        return sb.append('"').toString();
    }
}
