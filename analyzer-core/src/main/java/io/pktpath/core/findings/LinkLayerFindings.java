package io.pktpath.core.findings;

import io.pktpath.parser.linklayer.LinkLayerChain;
import io.pktpath.parser.linklayer.LinkLayerRule;
import io.pktpath.parser.linklayer.LinkLayerRules;
import io.pktpath.parser.linklayer.LinkLayerTool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * EBTABLES_NOT_REPLAYED and ARPTABLES_NOT_REPLAYED: the node has ebtables or arptables rules that can drop or change
 * frames, which pktpath lists but does not replay; names each chain that can, with its rules, and the captured frames
 * that crossed those rules' hooks, so a frame that vanished on a bridge or an ARP request never answered can be
 * checked against them. Rules that only accept, continue, return or log give no finding.
 */
final class LinkLayerFindings {
    private static final int SHOWN_RULES = 3;

    private LinkLayerFindings() {
    }

    static List<Finding> of(LinkLayerTracker tracker, Optional<LinkLayerRules> ebtables, Optional<LinkLayerRules> arptables) {
        List<Finding> out = new ArrayList<>();
        ebtables.flatMap(LinkLayerFindings::listed).ifPresent(l -> out.add(bridge(tracker, l)));
        arptables.flatMap(LinkLayerFindings::listed).ifPresent(l -> out.add(arp(tracker, l)));
        return out;
    }

    /** A tool's chains that can drop or change a frame, as evidence lines and rule rows, with what their rules do. */
    private record Listed(LinkLayerRules rules, List<String> rows, List<String> evidence, Map<String, Integer> effects) {
    }

    /** The chains of {@code rules} that can drop or change a frame, or empty when none can. */
    private static Optional<Listed> listed(LinkLayerRules rules) {
        List<String> rows = new ArrayList<>();
        List<String> evidence = new ArrayList<>();
        Map<String, Integer> effects = effects(rules, rows, evidence);
        return effects.isEmpty() ? Optional.empty() : Optional.of(new Listed(rules, rows, evidence, effects));
    }

    private static Finding bridge(LinkLayerTracker tracker, Listed listed) {
        LinkLayerRules rules = listed.rules();
        List<String> rows = listed.rows();
        List<String> evidence = listed.evidence();
        Map<String, Integer> effects = listed.effects();
        Set<Long> frames = new LinkedHashSet<>();
        long crossed = 0;
        if (tracker.bridges.isEmpty()) {
            evidence.add("the bundle's ip link shows no bridge port (no 'master' of kind bridge), so which frames crossed "
                    + "a bridge is unknown");
        }
        for (Map.Entry<String, List<String>> b : tracker.bridges.entrySet()) {
            String ports = String.join(", ", b.getValue());
            FrameSample in = tracker.arrived.get(b.getKey());
            FrameSample out = tracker.left.get(b.getKey());
            if (in == null && out == null) {
                evidence.add("no captured frame on a port of " + b.getKey() + " (" + ports + ")");
                continue;
            }
            if (in != null) {
                evidence.add(in.describe() + " arrived on ports of " + b.getKey() + " (" + ports + "): each crossed "
                        + "ebtables' PREROUTING (broute, nat) and then INPUT or FORWARD (filter) before br_netfilter's "
                        + "iptables passes, which the replay leaves out");
                frames.addAll(in.frames());
                crossed += in.count();
            }
            if (out != null) {
                evidence.add(out.describe() + " left through ports of " + b.getKey() + " (" + ports + "): each crossed "
                        + "ebtables' OUTPUT or FORWARD (filter) and POSTROUTING (nat), which the replay leaves out");
                frames.addAll(out.frames());
                crossed += out.count();
            }
        }
        String title = "The node has ebtables rules that pktpath does not replay: " + summary(effects)
                + (crossed == 0 ? "" : "; " + crossed + " captured frame" + (crossed == 1 ? "" : "s") + " crossed a bridge");
        return new Finding(Codes.EBTABLES_NOT_REPLAYED, frames.isEmpty() ? FindingSeverity.INFO
                : FindingSeverity.WARNING, title, frames.stream().sorted().toList(), rows, evidence,
                "If a frame vanished on a bridge, check it against the ebtables rules listed here: on the node, "
                        + "ebtables -L --Lc (or ebtables-save -c) counts the frames each rule matched; pktpath replays "
                        + "the iptables and nftables IP hooks, not the bridge family's",
                "high that the rules are there (" + files(rules) + "); which frames they dropped or changed is not known: "
                        + "ebtables is not replayed");
    }

    private static Finding arp(LinkLayerTracker tracker, Listed listed) {
        LinkLayerRules rules = listed.rules();
        List<String> rows = listed.rows();
        List<String> evidence = listed.evidence();
        Map<String, Integer> effects = listed.effects();
        Set<Long> frames = new LinkedHashSet<>();
        if (tracker.arpIn.count() > 0) {
            evidence.add(tracker.arpIn.describe() + " (ARP) arrived on interfaces that are not bridge ports: each "
                    + "crossed arptables' INPUT before the node's ARP stack; one it dropped was never answered and taught "
                    + "the node no neighbour");
            frames.addAll(tracker.arpIn.frames());
        }
        if (tracker.arpOut.count() > 0) {
            evidence.add(tracker.arpOut.describe() + " (ARP) were sent by the node: each crossed arptables' OUTPUT");
            frames.addAll(tracker.arpOut.frames());
        }
        if (frames.isEmpty()) {
            evidence.add("no ARP packet the node received or sent outside a bridge is in the capture");
        }
        String title = "The node has arptables rules that pktpath does not replay: " + summary(effects);
        return new Finding(Codes.ARPTABLES_NOT_REPLAYED, frames.isEmpty() ? FindingSeverity.INFO
                : FindingSeverity.WARNING, title, frames.stream().sorted().toList(), rows, evidence,
                "If a neighbour stays INCOMPLETE or FAILED, check the ARP requests and replies against the arptables "
                        + "rules listed here: arptables -L -v on the node counts what each rule matched",
                "high that the rules are there (" + files(rules) + "); which ARP packets they dropped or changed is not "
                        + "known: arptables is not replayed");
    }

    /**
     * Per effect ({@code drops}, {@code sets marks}, ...), how many rules (and built-in chains' DROP policies) have it;
     * adds each chain that has one to {@code evidence} and up to {@link #SHOWN_RULES} of its rules to {@code rows}.
     */
    private static Map<String, Integer> effects(LinkLayerRules rules, List<String> rows, List<String> evidence) {
        Map<String, Integer> effects = new LinkedHashMap<>();
        String tool = rules.tool().command();
        for (LinkLayerChain c : rules.chains()) {
            Set<String> user = rules.userChains(c.table());
            List<LinkLayerRule> decisive = c.rules().stream().filter(r -> !r.effect(rules.tool(), c.table(), user).isEmpty())
                    .toList();
            boolean dropPolicy = c.builtin() && c.policy().equals("DROP");
            if (decisive.isEmpty() && !dropPolicy) {
                continue;
            }
            Map<String, Integer> own = new LinkedHashMap<>();
            for (LinkLayerRule r : decisive) {
                own.merge(r.effect(rules.tool(), c.table(), user), 1, Integer::sum);
            }
            own.forEach((k, v) -> effects.merge(k, v, Integer::sum));
            if (dropPolicy) {
                effects.merge("drops by policy", 1, Integer::sum);
            }
            List<String> words = new ArrayList<>();
            own.forEach((k, v) -> words.add(k + " (" + v + " rule" + (v == 1 ? "" : "s") + ")"));
            if (dropPolicy) {
                words.add("drops what no rule accepts (policy DROP)");
            }
            evidence.add(tool + " " + c.qualifiedName() + " (" + c.at() + ", " + c.rules().size() + " rule"
                    + (c.rules().size() == 1 ? "" : "s") + ", " + (c.builtin() ? "policy " : "user chain, policy ")
                    + c.policy() + "): " + String.join(", ", words));
            decisive.stream().limit(SHOWN_RULES).forEach(r -> rows.add(c.file() + ":" + r.line() + " " + tool + " "
                    + c.qualifiedName() + " #" + r.position() + ": " + r.text()));
        }
        return effects;
    }

    private static String summary(Map<String, Integer> effects) {
        List<String> words = new ArrayList<>();
        effects.forEach((k, v) -> words.add(k.equals("drops by policy") ? v + " chain" + (v == 1 ? "" : "s")
                + " with policy DROP" : v + " rule" + (v == 1 ? "" : "s") + " that " + verb(k, v)));
        return String.join(", ", words);
    }

    /** {@code drops} for several rules reads {@code drop}. */
    private static String verb(String effect, int count) {
        if (count == 1) {
            return effect;
        }
        int space = effect.indexOf(' ');
        String first = space < 0 ? effect : effect.substring(0, space);
        String rest = space < 0 ? "" : effect.substring(space);
        return (first.endsWith("ies") ? first.substring(0, first.length() - 3) + "y"
                : first.endsWith("s") ? first.substring(0, first.length() - 1) : first) + rest;
    }

    private static String files(LinkLayerRules rules) {
        return String.join(", ", rules.chains().stream().map(LinkLayerChain::file).distinct().toList());
    }
}
