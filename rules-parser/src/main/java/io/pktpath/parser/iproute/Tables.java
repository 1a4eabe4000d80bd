package io.pktpath.parser.iproute;

/** Routing table names as iproute2 prints them: the reserved ids 253, 254 and 255 are {@code default}, {@code main}, {@code local}. */
final class Tables {
    private Tables() {
    }

    static String normalize(String table) {
        return switch (table) {
            case "253" -> "default";
            case "254" -> "main";
            case "255" -> "local";
            default -> table;
        };
    }
}
