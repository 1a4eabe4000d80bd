package io.pktpath.core.findings;

import io.pktpath.core.netfilter.ClosedPort;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.sockets.SocketProtocol;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Groups the packets delivered locally to a port no socket listens on (the failed socket check {@link ClosedPort} puts
 * in their path) by
 * protocol and destination, and pairs each with the node's answer in the capture: the RST on the reversed tuple, or the
 * ICMP port unreachable sent to the client; without a socket table, the refusals {@link CapturedRefusals} finds.
 */
final class RefusalTracker {
    private static final int MAX_GROUPS = 64;
    private static final int MAX_PENDING = 4096;
    private static final int TCP_RST = 0x04;

    /** One destination nothing listens on. */
    static final class Group {
        final int proto;
        final String endpoint;
        final int port;
        final FrameSample refused = new FrameSample();
        final FrameSample answers = new FrameSample();

        Group(int proto, String endpoint, int port) {
            this.proto = proto;
            this.endpoint = endpoint;
            this.port = port;
        }
    }

    final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Group> awaitingRst = new HashMap<>();
    private final Map<String, Group> awaitingIcmp = new HashMap<>();
    /** Without a socket table, the refusals the node's own answers in the capture show; else null. */
    private final CapturedRefusals captured;

    /** {@code fromCapture}: the bundle has no socket table, so refusals are found from the node's answers alone. */
    RefusalTracker(boolean fromCapture) {
        this.captured = fromCapture ? new CapturedRefusals() : null;
    }

    /** Takes one frame's trace; true when the frame is the node's answer to a refused packet. */
    boolean accept(PacketTrace t) {
        if (captured != null) {
            // not map(this::answered): the bound reference would be made for every frame
            Optional<CapturedRefusals.Refusal> refusal = captured.accept(t);
            return refusal.isPresent() && answered(refusal.get());
        }
        PacketSummary p = t.packet();
        if (t.disposition() == Disposition.DELIVERED_LOCALLY) {
            if (refusedBySocketCheck(t)) {
                refused(p, deliveredTo(t));
            }
            return false;
        }
        if (p.src().isEmpty() || p.dst().isEmpty()) {
            return false;
        }
        Group g = null;
        if (p.proto() == 6 && p.tcpFlags() >= 0 && (p.tcpFlags() & TCP_RST) != 0) {
            g = awaitingRst.remove(tuple(p.src().get().toString(), p.sport(), p.dst().get().toString(), p.dport()));
        } else if (p.proto() == 1 && p.icmpType() == 3 && p.icmpCode() == 3 || p.proto() == 58 && p.icmpType() == 1
                && p.icmpCode() == 4) {
            g = awaitingIcmp.remove(p.dst().get().toString());
        }
        if (g == null) {
            return false;
        }
        g.answers.add(p.frame());
        return true;
    }

    private boolean answered(CapturedRefusals.Refusal r) {
        SocketProtocol protocol = r.proto() == 6 ? SocketProtocol.TCP : SocketProtocol.UDP;
        Group g = group(r.proto(), new ClosedPort(protocol, r.address(), r.port(), List.of()).endpoint(), r.port());
        if (g == null) {
            return false;
        }
        g.refused.add(r.refusedFrame());
        g.answers.add(r.answerFrame());
        return true;
    }

    private Group group(int proto, String endpoint, int port) {
        String key = proto + " " + endpoint;
        Group g = groups.get(key);
        if (g == null && groups.size() < MAX_GROUPS) {
            g = new Group(proto, endpoint, port);
            groups.put(key, g);
        }
        return g;
    }

    /** True when the trace's path holds the failed socket check of {@link ClosedPort} (nothing listens). */
    private static boolean refusedBySocketCheck(PacketTrace t) {
        for (TraceStep s : t.path()) {
            if (s instanceof CheckStep c && c.check().equals(ClosedPort.SOCKET_CHECK) && !c.passed()) {
                return true;
            }
        }
        return false;
    }

    /** The address and port the packet was delivered to: its destination after this node's NAT. */
    private static Tuple deliveredTo(PacketTrace t) {
        PacketSummary p = t.packet();
        return t.nat().map(NatChange::after)
                .orElseGet(() -> new Tuple(p.proto(), p.src().orElseThrow(), p.sport(), p.dst().orElseThrow(), p.dport()));
    }

    private void refused(PacketSummary p, Tuple delivered) {
        String endpoint = ClosedPort.endpoint(delivered.dst(), delivered.dport());
        Group g = group(p.proto(), endpoint, delivered.dport());
        if (g == null) {
            return;
        }
        g.refused.add(p.frame());
        if (p.src().isEmpty() || p.dst().isEmpty() || awaitingRst.size() >= MAX_PENDING) {
            return;
        }
        String client = p.src().get().toString();
        if (p.proto() == 6) {
            awaitingRst.put(tuple(p.dst().get().toString(), p.dport(), client, p.sport()), g);
        } else {
            awaitingIcmp.put(client, g);
        }
    }

    private static String tuple(String src, int sport, String dst, int dport) {
        return src + " " + sport + " " + dst + " " + dport;
    }
}
