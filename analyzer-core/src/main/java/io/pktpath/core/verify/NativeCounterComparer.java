package io.pktpath.core.verify;

import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the counters nft printed for the rules of the native chains pktpath replays ({@code counter packets N bytes
 * M} in the {@code nft list ruleset} taken after the traffic) with pktpath's hits of those rules, IPv4 and IPv6 summed
 * (an inet rule counts both). There is no listing from before the traffic: the counts are taken as counted from zero,
 * as the recorder's scenarios load the native table just before the capture starts. A netdev table's rule that tests
 * nothing of IP also counts the non-IP frames (ARP) its ingress chain sees, which pktpath does not replay: its kernel
 * count may exceed pktpath's by them, which is noted, not a difference.
 */
final class NativeCounterComparer {
    private static final Pattern COUNTER = Pattern.compile("(?<![\\w-])counter\\s+packets\\s+(\\d+)\\s+bytes\\s+(\\d+)");
    /** Words that make a netdev rule test IP (nft adds the ether type dependency): it counts IP packets only. */
    private static final java.util.Set<String> IP_WORDS = java.util.Set.of("ip", "ip6", "tcp", "udp", "icmp", "icmpv6",
            "th", "sctp", "l4proto", "nfproto");

    private NativeCounterComparer() {
    }

    static HitComparer.Result compare(NftNativeReplay replay, RuleHits hits) {
        Map<String, List<RuleRef>> byPlace = new LinkedHashMap<>();
        Map<String, Rule> firstRule = new LinkedHashMap<>();
        for (IpFamily f : IpFamily.values()) {
            for (Table t : replay.ruleset(f).tables()) {
                for (Chain c : t.chains()) {
                    for (Rule r : c.rules()) {
                        String place = t.name() + ' ' + c.name() + ' ' + r.position();
                        firstRule.putIfAbsent(place, r);
                        RuleRef ref = new RuleRef(f.number(), t.name(), c.name(), r.position(), r.span(), r.text());
                        List<RuleRef> refs = byPlace.computeIfAbsent(place, k -> new ArrayList<>());
                        if (!refs.contains(ref)) {
                            refs.add(ref);
                        }
                    }
                }
            }
        }
        int compared = 0;
        List<HitDifference> diffs = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<String> nonIp = new ArrayList<>();
        for (Map.Entry<String, List<RuleRef>> e : byPlace.entrySet()) {
            Rule rule = firstRule.get(e.getKey());
            Matcher m = COUNTER.matcher(rule.text());
            if (!m.find()) {
                continue;
            }
            long kernelPackets = counter(m.group(1));
            long kernelBytes = counter(m.group(2));
            if (kernelPackets < 0 || kernelBytes < 0) {
                unreadable.add(rule.table() + " " + rule.chain() + " #" + rule.position() + " (" + rule.span()
                        + "): counter packets " + m.group(1) + " bytes " + m.group(2)
                        + " is beyond what a 64-bit counter holds; not compared");
                continue;
            }
            long packets = 0;
            long bytes = 0;
            for (RuleRef ref : e.getValue()) {
                Counters c = hits.rule(ref);
                packets += c.packets();
                bytes += c.bytes();
            }
            if (nonIpCounted(rule) && kernelPackets >= packets && kernelBytes >= bytes
                    && (kernelPackets != packets || kernelBytes != bytes)) {
                nonIp.add(rule.table() + " " + rule.chain() + " #" + rule.position() + " (" + rule.span() + "): the"
                        + " kernel counted " + (kernelPackets - packets) + " packets (" + (kernelBytes - bytes)
                        + " bytes) more than the replay: non-IP frames (ARP) a netdev chain sees are not replayed");
                continue;
            }
            compared++;
            if (kernelPackets != packets || kernelBytes != bytes) {
                diffs.add(new HitDifference(e.getValue().get(0).family(), rule.table(), rule.chain(), rule.position(),
                        rule.text(), kernelPackets, kernelBytes, packets, bytes));
            }
        }
        List<String> notes = new ArrayList<>();
        if (compared > 0) {
            notes.add(compared + " native nftables rule counters (nft list ruleset after the traffic) are compared as"
                    + " counted from zero: the native table is taken as loaded just before the capture");
        }
        notes.addAll(unreadable);
        notes.addAll(nonIp);
        return new HitComparer.Result(compared, compared - diffs.size(), diffs, notes);
    }

    /** True for a netdev table's rule that tests nothing of IP (no {@code meta protocol ip|ip6} either). */
    static boolean nonIpCounted(Rule rule) {
        if (!rule.table().startsWith("netdev ")) {
            return false;
        }
        List<String> words = List.of(rule.text().split("\\s+"));
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("comment")) {
                i++;
                continue;
            }
            if (IP_WORDS.contains(w) || w.equals("protocol") && i + 1 < words.size()
                    && (words.get(i + 1).equals("ip") || words.get(i + 1).equals("ip6"))) {
                return false;
            }
        }
        return true;
    }

    /** A counter nft printed, or -1 when it is beyond a signed 64-bit count (the listing was damaged). */
    private static long counter(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
