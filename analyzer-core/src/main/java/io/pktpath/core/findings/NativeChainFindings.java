package io.pktpath.core.findings;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.nft.IptablesNftTables;
import io.pktpath.parser.nft.NftBaseChain;
import io.pktpath.parser.nft.NftHookedChain;
import io.pktpath.parser.nft.NftRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * NFT_NATIVE_CHAINS: the node has nftables base chains that iptables-save does not show (firewalld, kube-proxy's
 * nftables mode, a hand-written nftables.conf) and pktpath does not replay; names each, says what it can do, and which
 * replayed frames passed its hook.
 */
final class NativeChainFindings {
    /** iptables-nft's own chains at each hook and their priorities (security: 150, as iptables-nft 1.8.9 makes it). */
    private static final Map<Hook, List<Map.Entry<String, Integer>>> IPTABLES_AT_HOOK = Map.of(
            Hook.PREROUTING, List.of(Map.entry("raw", -300), Map.entry("mangle", -150), Map.entry("nat", -100)),
            Hook.INPUT, List.of(Map.entry("mangle", -150), Map.entry("filter", 0), Map.entry("nat", 100),
                    Map.entry("security", 150)),
            Hook.FORWARD, List.of(Map.entry("mangle", -150), Map.entry("filter", 0), Map.entry("security", 150)),
            Hook.OUTPUT, List.of(Map.entry("raw", -300), Map.entry("mangle", -150), Map.entry("nat", -100),
                    Map.entry("filter", 0), Map.entry("security", 150)),
            Hook.POSTROUTING, List.of(Map.entry("mangle", -150), Map.entry("nat", 100)));
    private static final Map<Hook, String> PASSED = Map.of(Hook.PREROUTING, "arrived (prerouting)",
            Hook.INPUT, "were delivered locally (input)", Hook.FORWARD, "were forwarded (forward)",
            Hook.OUTPUT, "were sent by the node (output)", Hook.POSTROUTING, "left the node (postrouting)");
    private static final int SHOWN_RULES = 3;
    /** Chains named in the title; the evidence lists them all. */
    private static final int TITLE_CHAINS = 3;

    private NativeChainFindings() {
    }

    static List<Finding> of(NativeChainTracker tracker, String file) {
        if (!tracker.active()) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        Set<Long> frames = new LinkedHashSet<>();
        List<String> strong = new ArrayList<>();
        for (NativeChainTracker.Watched w : tracker.watched) {
            NftHookedChain c = w.chain;
            boolean canChange = c.canChangeVerdict();
            evidence.add(describe(c, file, canChange) + "; not replayed: " + w.notReplayed);
            if (canChange) {
                strong.add(c.qualifiedName() + " (" + String.join(", ", statements(c)) + ")");
                c.decisiveRules().stream().limit(SHOWN_RULES).forEach(r -> rules.add(r.at(file) + " "
                        + c.qualifiedName() + ": " + r.text()));
            }
            if (w.side != NativeChainTracker.LinkSide.NONE) {
                linkEvidence(w, canChange, evidence);
                if (canChange) {
                    frames.addAll(w.frames.frames());
                }
                continue;
            }
            if (w.hook.isEmpty()) {
                evidence.add(c.qualifiedName() + ": family " + c.table().family().keyword() + " hook " + c.base().hook()
                        + " sees no frame pktpath replays (routed IPv4/IPv6 only)");
                continue;
            }
            if (w.frames.count() == 0) {
                evidence.add(c.qualifiedName() + ": no replayed frame passed its hook");
                continue;
            }
            evidence.add(passed(w) + (canChange ? ": " + c.qualifiedName() + " " + consequence(c)
                    + " them; the replay's verdicts leave it out" : ": " + c.qualifiedName()
                    + " only accepts or counts, the replay's verdicts stand"));
            for (NativeChainTracker.PortRule p : w.portRules) {
                if (p.frames.count() > 0) {
                    evidence.add("of them, " + p.frames.describe() + " to " + protocol(p.protocol) + " port " + p.port
                            + ", which the native rule `" + p.rule.text() + "` (" + file + ":" + p.rule.line()
                            + ") names: the replay ends them by iptables' rules alone");
                    if (canChange) {
                        frames.addAll(p.frames.frames());
                    }
                }
            }
            if (canChange) {
                frames.addAll(w.frames.frames());
            }
        }
        List<Long> shown = frames.stream().limit(FrameSample.KEEP).sorted().toList();
        boolean iptablesNft = tracker.watched.stream().anyMatch(w -> IptablesNftTables.isIptablesOwn(w.chain.table(),
                w.chain.chain()));
        String kind = iptablesNft ? "nftables base chains (iptables-nft's among them, read from the listing)"
                : "native nftables base chains";
        String title = strong.isEmpty()
                ? "The node has " + kind + " pktpath does not replay; they only accept or count"
                : "The node has " + kind + " pktpath does not replay: " + String.join(", ",
                        strong.subList(0, Math.min(TITLE_CHAINS, strong.size())))
                        + (strong.size() > TITLE_CHAINS ? " and " + (strong.size() - TITLE_CHAINS) + " more" : "");
        return List.of(new Finding(Codes.NFT_NATIVE_CHAINS, strong.isEmpty() ? FindingSeverity.INFO : FindingSeverity.WARNING, title,
                shown, rules, evidence,
                iptablesNft ? "Read these chains in " + file + " (nft list ruleset): pktpath could not replay them from "
                        + "the listing (the reason is beside each); iptables-nft's are replayed in full from the node's "
                        + "iptables-save (ip6tables-save): add it to the bundle. To see what a chain did to a packet, trace "
                        + "it with nft monitor trace (meta nftrace set 1)"
                        : "Read these chains in " + file + " (nft list ruleset): pktpath replays the iptables tables "
                        + "(iptables-save) only. To see what they did to a packet, trace it with nft monitor trace "
                        + "(meta nftrace set 1); if they drop traffic they should not, change them where they are made "
                        + "(firewalld zones, kube-proxy's nftables mode, /etc/nftables.conf)",
                "high that the chains exist and that these frames passed their hooks (" + file + ", the replay's "
                        + "hooks); whether their rules matched is not evaluated"));
    }

    private static String describe(NftHookedChain c, String file, boolean canChange) {
        NftBaseChain b = c.base();
        int reachable = c.reachableRuleCount();
        String size = c.chain().rules().size() + (c.chain().rules().size() == 1 ? " rule" : " rules")
                + (reachable > c.chain().rules().size() ? " (" + reachable + " with the chains it jumps to)" : "");
        String what;
        if (canChange) {
            List<NftRule> decisive = c.decisiveRules();
            what = "can change the verdict (" + String.join(", ", statements(c)) + ")"
                    + decisive.stream().findFirst().map(r -> ", e.g. `" + r.text() + "` (line " + r.line()
                            + (r.column() > 0 ? ", column " + r.column() : "") + ")")
                    .orElse("");
        } else {
            what = "only accepts or counts (policy accept, no drop, reject or NAT statement)";
        }
        return c.qualifiedName() + " (" + c.chain().at(file) + "): " + b.describe() + ", " + size + place(c)
                + "; " + what;
    }

    /** What a chain that can change the verdict does: its rules' statements ({@code drop}, {@code dnat}, ...), its drop policy. */
    private static Set<String> statements(NftHookedChain c) {
        Set<String> statements = c.decisiveRules().stream().flatMap(r -> r.decisiveStatements().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (c.base().policy().equals("drop")) {
            statements.add("policy drop");
        }
        if (c.base().type().equals("nat") && statements.isEmpty()) {
            statements.add("nat chain");
        }
        return statements;
    }

    /** {@code ; runs after iptables' filter INPUT (0), before its security INPUT (50)}. */
    private static String place(NftHookedChain c) {
        var hook = NativeChainTracker.hookOf(c);
        if (hook.isEmpty() || c.base().priority().isEmpty() || !c.base().hook().equals(hook.get().name()
                .toLowerCase(Locale.ROOT))) {
            return "";
        }
        int p = c.base().priority().getAsInt();
        List<Map.Entry<String, Integer>> at = IPTABLES_AT_HOOK.get(hook.get());
        String name = hook.get().name();
        List<String> after = at.stream().filter(e -> e.getValue() < p)
                .map(e -> e.getKey() + " " + name + " (" + e.getValue() + ")").toList();
        List<String> before = at.stream().filter(e -> e.getValue() > p)
                .map(e -> e.getKey() + " " + name + " (" + e.getValue() + ")").toList();
        StringBuilder sb = new StringBuilder();
        if (!after.isEmpty()) {
            sb.append("; runs after iptables' ").append(String.join(", ", after));
        }
        if (!before.isEmpty()) {
            sb.append(after.isEmpty() ? "; runs before iptables' " : ", before its ").append(String.join(", ", before));
        }
        return sb.toString();
    }

    /**
     * What a bridge or arp family chain saw: the captured frames on bridge ports (or ARP packets) that crossed its hook,
     * which pktpath does not replay through it.
     */
    private static void linkEvidence(NativeChainTracker.Watched w, boolean canChange, List<String> evidence) {
        NftHookedChain c = w.chain;
        String where = switch (w.side) {
            case ARRIVING -> "arrived on a bridge port";
            case LEAVING -> "left through a bridge port";
            case BOTH -> "arrived on or left through a bridge port";
            case ARP_IN -> "are ARP packets the node received outside a bridge";
            case ARP_OUT -> "are ARP packets the node sent";
            case NONE -> "";
        };
        if (w.frames.count() == 0) {
            evidence.add(c.qualifiedName() + ": no captured frame " + (w.side == NativeChainTracker.LinkSide.ARP_IN
                    || w.side == NativeChainTracker.LinkSide.ARP_OUT ? "is an ARP packet at its hook"
                    : "crossed a bridge port at its hook") + " (family " + c.table().family().keyword() + " hook "
                    + c.base().hook() + ")");
            return;
        }
        evidence.add(c.base().hook() + ": " + w.frames.describe() + " " + where + " (family " + c.table().family().keyword()
                + "): " + c.qualifiedName() + (canChange ? " " + consequence(c) + " them; pktpath does not replay the "
                + c.table().family().keyword() + " family" : " only accepts or counts, the replay's verdicts stand"));
    }

    private static String passed(NativeChainTracker.Watched w) {
        return w.chain.base().hook() + ": " + w.frames.describe() + " of the replay " + PASSED.get(w.hook.get());
    }

    /** {@code (policy drop at priority filter + 10) may have dropped or rejected}: the verbs of what the chain can do. */
    private static String consequence(NftHookedChain c) {
        NftBaseChain b = c.base();
        return "(" + (b.policy().equals("drop") ? "policy drop " : "") + "at priority " + b.priorityText() + ") may have "
                + verbs(c);
    }

    /** {@code dropped}, {@code dropped or rejected}, {@code rewritten}: what the chain can have done to a packet. */
    static String verbs(NftHookedChain c) {
        Set<String> verbs = new LinkedHashSet<>();
        if (c.base().policy().equals("drop")) {
            verbs.add("dropped");
        }
        for (NftRule r : c.decisiveRules()) {
            for (String s : r.decisiveStatements()) {
                verbs.add(switch (s) {
                    case "drop" -> "dropped";
                    case "reject" -> "rejected";
                    case "tproxy" -> "diverted";
                    case "queue" -> "queued";
                    default -> "rewritten";
                });
            }
        }
        if (verbs.isEmpty()) {
            verbs.add("rewritten");
        }
        List<String> v = List.copyOf(verbs);
        return v.size() == 1 ? v.get(0) : String.join(", ", v.subList(0, v.size() - 1)) + " or " + v.get(v.size() - 1);
    }

    private static String protocol(int p) {
        return switch (p) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> "TCP/UDP";
        };
    }
}
