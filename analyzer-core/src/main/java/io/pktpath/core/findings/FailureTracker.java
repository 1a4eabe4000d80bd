package io.pktpath.core.findings;

import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.NeighborStep;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Verdict;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Groups the frames the replay saw fail by code and responsible rule/policy/route/check, and ties each REJECT or
 * neighbor failure to the ICMP error or RST the capture shows the node sending back.
 */
final class FailureTracker {
    /** Internal group code: forwarded towards an unresolved neighbor; reported as NEIGHBOR_FAILED once an ICMP proves it. */
    static final String UNRESOLVED = "NEIGHBOR_UNRESOLVED";
    private static final int MAX_GROUPS = 2_000;
    private static final int MAX_PENDING = 4_096;

    private final Map<String, FailureGroup> groups = new LinkedHashMap<>();
    /** Quote key (or reverse RST key) of a rejected packet -> its group, until an answer is seen. */
    private final Map<String, FailureGroup> pending = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FailureGroup> eldest) {
            return size() > MAX_PENDING;
        }
    };

    /**
     * The node's unanswered ARP requests by the next hop they resolve ({@code ADDRESS dev DEV}, as a neighbor failure
     * names it), the latest {@value #MAX_PENDING} next hops: the evidence of NEIGHBOR_FAILED.
     */
    private final Map<String, FrameSample> unansweredArp = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FrameSample> eldest) {
            return size() > MAX_PENDING;
        }
    };

    /**
     * Takes one trace and its path's neighbor step ({@link PacketTrace#neighborStep}); returns true when it is the
     * node's answer (ICMP error or RST) to an earlier failure.
     */
    boolean accept(PacketTrace t, NeighborStep neighbor) {
        boolean answer = answer(t);
        if (!t.disposition().isFailure()) {
            if (t.packet().family() == 0) {
                unansweredArp(t);
            } else {
                neighborInProgress(t, neighbor);
            }
            return answer;
        }
        String[] cause = t.role() == FrameRole.EGRESS_COPY ? null : cause(t);
        if (cause == null) {
            // a failed packet's copy (the capture saw it on a device before it failed) is the packet's, counted once
            return answer;
        }
        FailureGroup g = group(cause[0], cause[1], cause[2], t.reason());
        if (g == null) {
            return answer;
        }
        g.frames.add(t.packet().frame());
        if (cause[0].equals(Codes.LB_SOURCE_RANGE_DENIED)) {
            g.sources.add(t.packet().src().map(Object::toString).orElse("?"), t.packet().frame());
        }
        if (cause[0].equals(Codes.REJECT) || cause[0].equals(Codes.SERVICE_NO_ENDPOINTS)
                || cause[0].startsWith("ROUTE_") || cause[0].equals(Codes.NO_ROUTE)
                || cause[0].equals(Codes.NEIGHBOR_FAILED)) {
            expectAnswer(t.packet(), g);
        }
        return answer;
    }

    /** A packet forwarded while ARP/NDP for its next hop was unresolved: a failure only if an ICMP error follows. */
    private void neighborInProgress(PacketTrace t, NeighborStep n) {
        if (n != null && (n.state().equals("INCOMPLETE") || n.state().equals("FAILED") || n.state().equals("none")
                || !n.deliverable())) {
            FailureGroup g = group(FailureTracker.UNRESOLVED, n.address() + " dev " + n.dev(),
                    "ip neigh: " + n.address() + " " + n.state(), t.reason());
            if (g != null) {
                g.frames.add(t.packet().frame());
                expectAnswer(t.packet(), g);
            }
        }
    }

    /** An ARP request the node sent that the capture shows no answer to, kept by the next hop it resolves. */
    private void unansweredArp(PacketTrace t) {
        if (t.path().isEmpty() || !(t.path().get(t.path().size() - 1) instanceof ArpStep a)
                || a.rule() != ArpRule.SOLICIT || a.answered()) {
            return;
        }
        unansweredArp.computeIfAbsent(a.address() + " dev " + a.dev(), k -> new FrameSample()).add(t.packet().frame());
    }

    /** The node's unanswered ARP requests for the next hop {@code responsible} ({@code ADDRESS dev DEV}), or null. */
    FrameSample unansweredArp(String responsible) {
        return unansweredArp.get(responsible);
    }

    private void expectAnswer(PacketSummary p, FailureGroup g) {
        pending.put("Q" + Text.quoteKey(p), g);
        if (p.proto() == 6) {
            pending.put("R" + reverse(p), g);
        }
    }

    private static String reverse(PacketSummary p) {
        return p.dst().map(Object::toString).orElse("?") + ":" + p.dport() + ">" + p.src().map(Object::toString).orElse("?")
                + ":" + p.sport();
    }

    /** An ICMP error quoting a rejected packet, or a RST back to its sender. */
    private boolean answer(PacketTrace t) {
        PacketSummary p = t.packet();
        if (pending.isEmpty()) {
            return false;
        }
        FailureGroup g = null;
        // a TCP/UDP summary whose text is derived from its fields quotes nothing: its text is not written to be searched
        String quoted = Packets.quotedPart(p.extras().info());
        if (quoted != null) {
            g = pending.get("Q" + quoted);
        } else if (p.proto() == 6 && (p.tcpFlags() & 0x04) != 0) {
            g = pending.get("R" + p.src().map(Object::toString).orElse("?") + ":" + p.sport() + ">"
                    + p.dst().map(Object::toString).orElse("?") + ":" + p.dport());
        }
        if (g != null) {
            g.answered(Text.frame(p));
            return true;
        }
        return false;
    }

    private FailureGroup group(String code, String responsible, String location, String reason) {
        String key = code + "\u0000" + responsible;
        FailureGroup g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_GROUPS) {
                return null;
            }
            g = new FailureGroup(code, responsible, location, reason);
            groups.put(key, g);
        }
        return g;
    }

    Collection<FailureGroup> groups() {
        return groups.values();
    }

    /** {code, responsible, location} of a failed packet, or null when another detector explains it. */
    static String[] cause(PacketTrace t) {
        return switch (t.disposition()) {
            case DROPPED_BY_RULE, REJECTED -> rule(t);
            case DROPPED_BY_POLICY -> policy(t);
            case NO_ROUTE -> route(t, Codes.NO_ROUTE);
            case UNREACHABLE_ROUTE -> route(t, Codes.ROUTE_UNREACHABLE);
            case PROHIBIT_ROUTE -> route(t, Codes.ROUTE_PROHIBIT);
            case BLACKHOLE_ROUTE -> route(t, Codes.ROUTE_BLACKHOLE);
            case NEIGHBOR_UNREACHABLE -> neighbor(t);
            case RP_FILTER -> check(t, Codes.RP_FILTER);
            case FORWARDING_DISABLED -> check(t, Codes.FORWARDING_OFF);
            case MARTIAN -> check(t, Codes.MARTIAN);
            case INVALID_STATE -> rule(t);
            case REASSEMBLY_FAILED -> new String[] {Codes.FRAGMENTS_DROPPED, "nf_defrag", "fragment reassembly"};
            case BRIDGE_HAIRPIN_OFF -> new String[] {Codes.BRIDGE_HAIRPIN_OFF, "bridge port " + t.packet().iface(),
                    "br_netfilter's bridged DNAT"};
            default -> null;
        };
    }

    private static String[] rule(PacketTrace t) {
        for (int i = t.path().size() - 1; i >= 0; i--) {
            if (t.path().get(i) instanceof RuleStep r && r.verdict().kind() == Verdict.Kind.DROP) {
                String text = r.rule().text();
                String where = r.rule().label() + " (" + r.rule().span() + ")";
                String code;
                if (t.disposition() == Disposition.INVALID_STATE) {
                    code = Codes.INVALID_DROP;
                } else if (text.contains(KubeProxyComments.NOT_ACCEPTED_BY_FW)) {
                    code = Codes.LB_SOURCE_RANGE_DENIED;
                } else if (text.contains("has no local endpoints")) {
                    code = Codes.ETP_LOCAL_NO_ENDPOINT;
                } else if (text.contains("has no endpoints")) {
                    code = Codes.SERVICE_NO_ENDPOINTS;
                } else {
                    code = t.disposition() == Disposition.REJECTED ? Codes.REJECT : Codes.DROP_RULE;
                }
                return new String[] {code, text, where};
            }
        }
        return new String[] {t.disposition() == Disposition.INVALID_STATE ? Codes.INVALID_DROP
                : Codes.DROP_RULE, t.reason(), ""};
    }

    private static String[] policy(PacketTrace t) {
        for (int i = t.path().size() - 1; i >= 0; i--) {
            if (t.path().get(i) instanceof PolicyStep p) {
                String code = p.chain().equals("FORWARD") ? Codes.FORWARD_POLICY_DROP : Codes.POLICY_DROP;
                return new String[] {code, ":" + p.chain() + " DROP", p.table() + " " + p.chain() + " policy"};
            }
        }
        return new String[] {Codes.POLICY_DROP, t.reason(), ""};
    }

    private static String[] route(PacketTrace t, String code) {
        for (int i = t.path().size() - 1; i >= 0; i--) {
            if (t.path().get(i) instanceof RouteStep r) {
                String text = r.decision().routeText().isEmpty()
                        ? "no route to " + t.packet().dst().map(Object::toString).orElse("?") : r.decision().routeText();
                String table = r.decision().table().isEmpty() ? "" : "table " + r.decision().table()
                        + (r.decision().rulePriority() >= 0 ? " (ip rule " + r.decision().rulePriority() + ")" : "");
                return new String[] {code, text, table};
            }
        }
        return new String[] {code, t.reason(), ""};
    }

    private static String[] neighbor(PacketTrace t) {
        for (TraceStep s : t.path()) {
            if (s instanceof NeighborStep n) {
                return new String[] {Codes.NEIGHBOR_FAILED, n.address() + " dev " + n.dev(), "ip neigh: " + n.address() + " "
                        + n.state()};
            }
        }
        return new String[] {Codes.NEIGHBOR_FAILED, t.reason(), ""};
    }

    private static String[] check(PacketTrace t, String code) {
        for (TraceStep s : t.path()) {
            if (s instanceof CheckStep c && !c.passed()) {
                return new String[] {code, c.check() + ": " + c.detail(), "kernel check " + c.check()};
            }
        }
        return new String[] {code, t.reason(), ""};
    }
}
