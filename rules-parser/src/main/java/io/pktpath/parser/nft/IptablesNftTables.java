package io.pktpath.parser.nft;

import java.util.Map;

/**
 * Tells iptables-nft's own base chains from native ones by structure: iptables-nft (and ip6tables-nft) create tables
 * {@code ip|ip6 filter/nat/mangle/raw/security} whose built-in chains are named after their hook in capitals, with the
 * type and priority of that table (raw -300, mangle -150, nat PREROUTING/OUTPUT -100 and INPUT/POSTROUTING 100, filter 0,
 * security 150 as iptables-nft 1.8.9 makes it in the kernel, or the legacy NF_IP_PRI_SECURITY 50; mangle OUTPUT is a
 * route chain). Those are what iptables-save shows and pktpath replays; every other base chain (another family or
 * table, a lower-case chain, a moved priority) is native.
 */
public final class IptablesNftTables {
    private static final Map<String, Integer> TABLE_PRIORITY = Map.of("raw", -300, "mangle", -150, "filter", 0,
            "security", 150);
    /** NF_IP_PRI_SECURITY, the security table's priority in the kernel's own (legacy) tables. */
    private static final int LEGACY_SECURITY_PRIORITY = 50;
    private static final Map<String, String> BUILT_INS = Map.of(
            "raw", "PREROUTING OUTPUT",
            "mangle", "PREROUTING INPUT FORWARD OUTPUT POSTROUTING",
            "nat", "PREROUTING INPUT OUTPUT POSTROUTING",
            "filter", "INPUT FORWARD OUTPUT",
            "security", "INPUT FORWARD OUTPUT");

    private IptablesNftTables() {
    }

    /** True when {@code chain} of {@code table} is a built-in chain exactly as iptables-nft creates it. */
    public static boolean isIptablesOwn(NftTable table, NftChain chain) {
        if (table.family() != NftFamily.IP && table.family() != NftFamily.IP6) {
            return false;
        }
        String builtIns = BUILT_INS.get(table.name());
        if (builtIns == null || chain.base().isEmpty() || !(" " + builtIns + " ").contains(" " + chain.name() + " ")) {
            return false;
        }
        NftBaseChain base = chain.base().get();
        if (!base.hook().equals(chain.name().toLowerCase(java.util.Locale.ROOT)) || base.device().isPresent()) {
            return false;
        }
        if (!base.type().equals(expectedType(table.name(), chain.name())) || base.priority().isEmpty()) {
            return false;
        }
        int priority = base.priority().getAsInt();
        return priority == expectedPriority(table.name(), chain.name())
                || table.name().equals("security") && priority == LEGACY_SECURITY_PRIORITY;
    }

    /** {@code true} for a table iptables-nft creates ({@code ip filter}, {@code ip6 nat}, ...), whatever its chains. */
    public static boolean isIptablesTableName(NftFamily family, String name) {
        return (family == NftFamily.IP || family == NftFamily.IP6) && BUILT_INS.containsKey(name);
    }

    private static String expectedType(String table, String chain) {
        if (table.equals("nat")) {
            return "nat";
        }
        return table.equals("mangle") && chain.equals("OUTPUT") ? "route" : "filter";
    }

    private static int expectedPriority(String table, String chain) {
        if (table.equals("nat")) {
            return chain.equals("PREROUTING") || chain.equals("OUTPUT") ? -100 : 100;
        }
        return TABLE_PRIORITY.get(table);
    }
}
