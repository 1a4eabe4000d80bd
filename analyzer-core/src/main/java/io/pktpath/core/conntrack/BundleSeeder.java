package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns {@code conntrack -L} entries into cts marked "from the bundle", with NAT inferred from their tuples (§9.2). */
final class BundleSeeder {
    private BundleSeeder() {
    }

    static Optional<Connection> toConnection(ConntrackEntry e, long id, long dumpNanos, List<String> issues) {
        int proto = e.protocolNumber();
        boolean icmp = Tuples.isIcmp(proto);
        if (icmp && (e.original().icmpId().isEmpty() || e.original().icmpType().isEmpty())) {
            issues.add(e.span() + ": conntrack entry skipped: ICMP entry without type= and id=");
            return Optional.empty();
        }
        Tuple original = tuple(proto, e.original());
        Tuple reply = tuple(proto, e.reply());
        int icmpType = icmp ? e.original().icmpType().get() : -1;
        TcpState state = TcpState.NONE;
        if (proto == Packet.TCP) {
            try {
                state = TcpState.valueOf(e.state().orElse("ESTABLISHED"));
            } catch (IllegalArgumentException ex) {
                issues.add(e.span() + ": conntrack entry skipped: unknown TCP state " + e.state().orElse(""));
                return Optional.empty();
            }
        }
        List<NatRecord> nat = new ArrayList<>(2);
        if (Tuples.isDnat(original, reply)) {
            nat.add(new NatRecord(NatKind.DNAT, Optional.empty(), "DNAT from the bundle: " + original.dst() + " -> "
                    + reply.src()));
        }
        if (Tuples.isSnat(original, reply)) {
            nat.add(new NatRecord(NatKind.SNAT, Optional.empty(), "SNAT from the bundle: " + original.src() + " -> "
                    + reply.dst()));
        }
        Connection ct = new Connection(id, e.zone().orElse(0), original, reply, icmpType, true, nat, state, dumpNanos,
                e.mark());
        ct.seed(e.original().packets().orElse(0L), e.original().bytes().orElse(0L), e.reply().packets().orElse(0L),
                e.reply().bytes().orElse(0L));
        if (!e.unreplied()) {
            ct.markSeenReply();
        }
        if (e.assured()) {
            ct.markAssured();
        }
        ct.setTimeout(dumpNanos, e.timeout());
        return Optional.of(ct);
    }

    private static Tuple tuple(int proto, io.pktpath.parser.conntrack.Tuple t) {
        if (Tuples.isIcmp(proto)) {
            return new Tuple(proto, t.src(), t.icmpId().orElse(0), t.dst(), 0);
        }
        return new Tuple(proto, t.src(), t.sport().orElse(0), t.dst(), t.dport().orElse(0));
    }
}
