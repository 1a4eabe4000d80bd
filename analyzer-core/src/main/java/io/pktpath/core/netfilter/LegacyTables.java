package io.pktpath.core.netfilter;

/**
 * How the replay names the tables of an iptables-legacy ruleset walked beside iptables-nft's: {@code legacy filter},
 * {@code legacy nat}, ..., so every step, counter and verdict says which backend it came from, while the rules keep the
 * semantics of the kernel table they are in ({@link #kernelTable}).
 */
public final class LegacyTables {
    /** What a legacy table's name starts with in steps, hits and reasons. */
    public static final String PREFIX = "legacy ";
    /** How JSON output names the backend of a legacy table's step or rule ({@code "backend": "iptables-legacy"}). */
    public static final String BACKEND = "iptables-legacy";

    private LegacyTables() {
    }

    /** The kernel table a walked table is: {@code nat} for {@code legacy nat}, any other name unchanged. */
    public static String kernelTable(String table) {
        return table.startsWith(PREFIX) ? table.substring(PREFIX.length()) : table;
    }

    /** True for a legacy table's name. */
    public static boolean isLegacy(String table) {
        return table.startsWith(PREFIX);
    }
}
