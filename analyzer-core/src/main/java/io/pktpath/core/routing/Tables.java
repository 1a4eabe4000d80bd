package io.pktpath.core.routing;

/** Routing table names: the reserved ids 253, 254 and 255 are {@code default}, {@code main} and {@code local}. */
final class Tables {
    static final String LOCAL = "local";
    static final String MAIN = "main";
    static final String DEFAULT = "default";

    private Tables() {
    }

    static String normalize(String table) {
        return switch (table) {
            case "253" -> DEFAULT;
            case "254" -> MAIN;
            case "255" -> LOCAL;
            default -> table;
        };
    }
}
