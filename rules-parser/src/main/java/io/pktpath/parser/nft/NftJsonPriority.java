package io.pktpath.parser.nft;

import java.util.List;

/**
 * Writes a base chain's numeric JSON priority ({@code "prio": -290}) the way {@code nft list ruleset} does: as the
 * standard name within 10 of it when that name suits the family and hook ({@code raw + 10}, {@code dstnat - 10},
 * bridge's {@code filter}), otherwise, and always for netdev, as the number (nftables' prio2str).
 */
final class NftJsonPriority {
    private record Standard(String name, int value) {
    }

    private static final List<Standard> IP = List.of(new Standard("raw", -300), new Standard("mangle", -150),
            new Standard("dstnat", -100), new Standard("filter", 0), new Standard("security", 50),
            new Standard("srcnat", 100));
    private static final List<Standard> BRIDGE = List.of(new Standard("dstnat", -300), new Standard("filter", -200),
            new Standard("out", 100), new Standard("srcnat", 300));
    private static final int REACH = 10;

    private NftJsonPriority() {
    }

    static String text(NftFamily family, String hook, long prio) {
        if (family != NftFamily.NETDEV) {
            for (Standard s : family == NftFamily.BRIDGE ? BRIDGE : IP) {
                if (Math.abs(prio - s.value()) <= REACH) {
                    if (!suits(s.name(), family, hook)) {
                        break;
                    }
                    long offset = prio - s.value();
                    return s.name() + (offset > 0 ? " + " + offset : offset < 0 ? " - " + -offset : "");
                }
            }
        }
        return Long.toString(prio);
    }

    /** nftables' std_prio_family_hook_compat. */
    private static boolean suits(String name, NftFamily family, String hook) {
        boolean ipFamily = family == NftFamily.IP || family == NftFamily.IP6 || family == NftFamily.INET;
        if (family == NftFamily.BRIDGE) {
            return switch (name) {
                case "dstnat" -> hook.equals("prerouting");
                case "filter" -> true;
                case "out" -> hook.equals("output");
                case "srcnat" -> hook.equals("postrouting");
                default -> false;
            };
        }
        return switch (name) {
            case "filter" -> ipFamily || family == NftFamily.ARP || family == NftFamily.NETDEV;
            case "raw", "mangle", "security" -> ipFamily;
            case "dstnat" -> ipFamily && hook.equals("prerouting");
            case "srcnat" -> ipFamily && hook.equals("postrouting");
            default -> false;
        };
    }
}
