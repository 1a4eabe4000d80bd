package io.pktpath.samples;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an {@code nft monitor trace} log (a bundle's nft-trace.txt) says one native chain did: each packet that reached
 * the chain, in trace order, with the rule (or policy) that took it.
 */
final class NftChainTrace {
    private NftChainTrace() {
    }

    private static final Pattern COUNTER = Pattern.compile(" counter packets \\d+ bytes \\d+");

    /** A rule's text without its counter's values ({@code counter packets 3 bytes 180} as {@code counter}). */
    static String withoutCounters(String rule) {
        return COUNTER.matcher(rule).replaceAll(" counter").replace("  ", " ").strip();
    }

    /** Whether the replay's path of {@code t} has a step at {@code hook}. */
    static boolean walked(PacketTrace t, Hook hook) {
        return t.path().stream().anyMatch(s -> s instanceof HookStep h && h.hook() == hook);
    }

    private static final Pattern ANY_CHAIN = Pattern.compile("^trace id (\\S+) (bridge \\S+ \\S+|\\S+ \\S+ \\S+) (.*)$");

    /**
     * The packets {@code trace} shows ending in a bridge table's drop rule, each as {@code KEY FAMILY TABLE CHAIN RULE}
     * (the rule without its counter's values), where {@code key} describes the packet from the rest of the trace id's
     * last packet line ({@code packet: ...}).
     */
    static List<String> bridgeDrops(Path trace, UnaryOperator<String> key) throws IOException {
        List<String> out = new ArrayList<>();
        Map<String, String> keyOf = new LinkedHashMap<>();
        for (String line : Files.readAllLines(trace)) {
            Matcher m = ANY_CHAIN.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String rest = m.group(3);
            if (rest.startsWith("packet: ")) {
                keyOf.put(m.group(1), key.apply(rest));
            } else if (m.group(2).startsWith("bridge ") && rest.startsWith("rule ") && rest.endsWith("(verdict drop)")) {
                String rule = rest.substring("rule ".length(), rest.length() - "(verdict drop)".length()).strip();
                out.add(keyOf.get(m.group(1)) + " " + m.group(2) + " " + withoutCounters(rule));
            }
        }
        return out;
    }

    /**
     * The frames of {@code traces} the replay dropped by a rule, each as {@code KEY TABLE CHAIN RULE} as
     * {@link #bridgeDrops} writes the kernel's, {@code key} describing the frame.
     */
    static List<String> droppedByRule(List<PacketTrace> traces, Function<PacketTrace, String> key) {
        List<String> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            if (t.disposition() == io.pktpath.core.trace.Disposition.DROPPED_BY_RULE) {
                RuleStep r = (RuleStep) t.decisiveStep().orElseThrow();
                out.add(key.apply(t) + " " + r.rule().table() + " " + r.rule().chain() + " "
                        + withoutCounters(r.rule().text()));
            }
        }
        return out;
    }

    /** One packet at the chain, as the caller described its packet line, and its decision ({@code none} for none). */
    record Decided(String packet, String decision) {
    }

    /**
     * The packets of {@code trace} at {@code chain} (e.g. {@code inet pkp_nlim input}), each described by
     * {@code describe} from its packet line, with the rule text {@code normal} gives (or {@code policy VERDICT}); nft
     * can reuse a trace id for a later packet (it derives it from the skb), so a decision goes to the last packet line
     * of its id.
     */
    static List<Decided> read(Path trace, String chain, UnaryOperator<String> describe, UnaryOperator<String> normal)
            throws IOException {
        List<String> packets = new ArrayList<>();
        List<String> decisions = new ArrayList<>();
        Map<String, Integer> latest = new LinkedHashMap<>();
        Pattern packet = Pattern.compile("trace id (\\w+) " + chain + " packet: .*");
        Pattern rule = Pattern.compile("trace id (\\w+) " + chain + " (?:rule (.*) \\(verdict (\\w+)\\)|policy (\\w+))\\s*");
        for (String line : Files.readAllLines(trace)) {
            Matcher p = packet.matcher(line);
            if (p.matches()) {
                latest.put(p.group(1), packets.size());
                packets.add(describe.apply(line));
                decisions.add("none");
                continue;
            }
            Matcher r = rule.matcher(line);
            if (r.matches() && latest.containsKey(r.group(1))) {
                decisions.set(latest.get(r.group(1)), r.group(2) != null ? normal.apply(r.group(2)) : "policy " + r.group(4));
            }
        }
        List<Decided> out = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            out.add(new Decided(packets.get(i), decisions.get(i)));
        }
        return out;
    }

    /**
     * What the replay says {@code table}'s chains decided for {@code t}, as {@link #read} writes the kernel's: the last
     * rule of {@code table} on its path (its text as {@code normal} gives it) or {@code policy accept|drop}; empty when
     * the path did not walk the table.
     */
    static Optional<String> replayedDecision(PacketTrace t, String table, UnaryOperator<String> normal) {
        Optional<String> decision = Optional.empty();
        for (TraceStep s : t.path()) {
            if (s instanceof RuleStep r && r.rule().table().equals(table)) {
                decision = Optional.of(normal.apply(r.rule().text()));
            } else if (s instanceof PolicyStep p && p.table().equals(table)) {
                decision = Optional.of("policy " + (p.verdict().kind().name().endsWith("ACCEPT") ? "accept" : "drop"));
            }
        }
        return decision;
    }

    /**
     * The replay's packets whose path walked {@code table}'s chains, in capture order, each as {@code describe} writes
     * it with its {@link #replayedDecision}: what {@link #read} gives of the kernel's trace, to compare with it.
     */
    static List<Decided> replayed(List<PacketTrace> traces, String table, Function<PacketTrace, String> describe,
                                  UnaryOperator<String> normal) {
        List<Decided> out = new ArrayList<>();
        for (PacketTrace t : traces) {
            replayedDecision(t, table, normal).ifPresent(d -> out.add(new Decided(describe.apply(t), d)));
        }
        return out;
    }

    /** The value after {@code name} in an nft trace line ({@code ip protocol}, {@code udp dport}...), or {@code ?}. */
    static String field(String line, String name) {
        Matcher m = Pattern.compile(" " + name + " (\\S+)").matcher(line);
        return m.find() ? m.group(1) : "?";
    }
}
