package io.pktpath.core.verify;

import java.util.Objects;

/**
 * One {@code TRACE:} line of {@code xtables-monitor --trace}: table, chain, a rule (with its nft handle and the rule's
 * text as {@code -A ...}) or the chain's policy, the verdict normalized to pktpath's words (the raw RETURN code
 * {@code 0xfffffffb} becomes {@code RETURN}; a policy becomes {@code POLICY:ACCEPT}/{@code POLICY:DROP}), and whether
 * the chain is in a native nftables table (another family than ip/ip6, or a table iptables does not have), whose table
 * is then named with its family ({@code inet pkp_fw}).
 */
public record KernelStep(String table, String chain, boolean policy, String handle, String verdict, String ruleText,
                         int line, boolean nativeTable) {
    private static final java.util.Set<String> IPTABLES_TABLES = java.util.Set.of("raw", "mangle", "nat", "filter",
            "security");

    /** A step of one of iptables' own tables, or of a native table when its name is not one of theirs. */
    public KernelStep(String table, String chain, boolean policy, String handle, String verdict, String ruleText,
                      int line) {
        this(table, chain, policy, handle, verdict, ruleText, line, !IPTABLES_TABLES.contains(table));
    }

    /** True when a TRACE line of family {@code family} (2 = IPv4, 10 = IPv6) in {@code table} is not iptables'. */
    static boolean nativeTable(String family, String table) {
        return !(family.equals("2") || family.equals("10")) || !IPTABLES_TABLES.contains(table);
    }

    /**
     * A native table as nft names it, with its family ({@code inet pkp_fw}), from a TRACE line's family number
     * (1 inet, 2 ip, 3 arp, 5 netdev, 7 bridge, 10 ip6), as pktpath's replayed native steps name their table.
     */
    static String qualified(String family, String table) {
        String keyword = switch (family) {
            case "1" -> "inet";
            case "2" -> "ip";
            case "3" -> "arp";
            case "5" -> "netdev";
            case "7" -> "bridge";
            case "10" -> "ip6";
            default -> "family" + family;
        };
        return keyword + " " + table;
    }

    /** True when this step ended the packet: a DROP or REJECT verdict, or a DROP policy. */
    public boolean drops() {
        return verdict.equals("DROP") || verdict.equals("POLICY:DROP") || verdict.equals("REJECT");
    }

    public KernelStep {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(ruleText, "ruleText");
    }

    /** {@code nat:KUBE-SERVICES -A KUBE-SERVICES ... => JUMP:KUBE-SVC-X}, for side-by-side differences. */
    public String describe() {
        return table + ":" + chain + " " + (policy ? "policy" : ruleText) + " => " + verdict;
    }
}
