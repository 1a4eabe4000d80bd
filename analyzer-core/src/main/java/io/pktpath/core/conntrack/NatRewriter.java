package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.NatStep;
import io.pktpath.core.trace.Tuple;
import java.util.Optional;

/**
 * Applies a ct's bindings to later packets without consulting rules (nf_nat_packet, §2.5): ORIGINAL packets get DNAT
 * at PRE/OUT and SNAT at POST/IN, replies get their destination restored at PRE/OUT and their source at POST/IN;
 * RELATED ICMP errors get the outer header rewritten and the quoted header the opposite manip (§2.7,
 * nf_nat_icmp_reply_translation).
 */
public final class NatRewriter {
    private NatRewriter() {
    }

    /** {@code p} rewritten for ct {@code ct} travelling in {@code dir} at {@code hook}; {@code related} for ICMP errors. */
    public static NatApplied apply(TrackedFlow ct, CtDirection dir, Hook hook, Packet p, boolean related) {
        Optional<NatManip> m = NatManip.atHook(hook);
        if (m.isEmpty()) {
            return new NatApplied(p, Optional.empty());
        }
        NatManip manip = m.get();
        boolean dnatSide = (dir == CtDirection.ORIGINAL) == (manip == NatManip.DST);
        if (!(dnatSide ? ct.isDnat() : ct.isSnat())) {
            return new NatApplied(p, Optional.empty());
        }
        Tuple other = dir == CtDirection.ORIGINAL ? ct.reply() : ct.original();
        Tuple target = Tuples.invert(other);
        Packet out;
        Tuple before;
        Tuple after;
        if (related && p.quoted().isPresent()) {
            Tuple outerBefore = p.tuple();
            Tuple outerAfter = manipAddresses(outerBefore, manip, target);
            Tuple inner = Tuples.manip(p.quoted().get(), manip.opposite(), other);
            out = withAddresses(p, outerAfter).withQuoted(Optional.of(inner));
            before = outerBefore;
            after = outerAfter;
        } else {
            before = p.tuple();
            after = Tuples.manip(before, manip, target);
            out = p.withTuple(after);
        }
        NatKind kind = dir == CtDirection.ORIGINAL ? NatKind.BINDING : dnatSide ? NatKind.UNDNAT : NatKind.UNSNAT;
        // the sentence of an existing binding is written when read: a flow's remembered path keeps this step
        io.pktpath.core.trace.DeferredText detail = related
                ? io.pktpath.core.trace.DeferredText.of(detail(ct.id(), dir, manip, kind, true, p, out))
                : new AppliedDetail(ct.id(), dir, manip, kind);
        return new NatApplied(out, Optional.of(new NatStep(hook, kind, before, after, Optional.empty(), detail)));
    }

    private static Tuple manipAddresses(Tuple t, NatManip manip, Tuple target) {
        return manip == NatManip.SRC
                ? new Tuple(t.protocol(), target.src(), t.sport(), t.dst(), t.dport())
                : new Tuple(t.protocol(), t.src(), t.sport(), target.dst(), t.dport());
    }

    private static Packet withAddresses(Packet p, Tuple t) {
        return p.withTuple(new Tuple(t.protocol(), t.src(), p.tuple().sport(), t.dst(), p.tuple().dport()));
    }

    private static String detail(long flowId, CtDirection dir, NatManip manip, NatKind kind, boolean related,
                                 Packet before, Packet after) {
        String what = switch (kind) {
            case UNDNAT -> "source restored to the original destination";
            case UNSNAT -> "destination restored to the original source";
            default -> (manip == NatManip.DST ? "DNAT" : "SNAT") + " binding applied";
        };
        String s = what + " by flow #" + flowId + " (" + dir.name() + ")";
        if (related) {
            s += "; quoted header " + before.quoted().map(Tuple::toString).orElse("?") + " became "
                    + after.quoted().map(Tuple::toString).orElse("?");
        }
        return s;
    }

    /** The sentence of an existing binding applied to a packet that quotes none, from the values it is made of. */
    private static final class AppliedDetail extends io.pktpath.core.trace.DeferredText {
        private final long flowId;
        private final CtDirection dir;
        private final NatManip manip;
        private final NatKind kind;

        AppliedDetail(long flowId, CtDirection dir, NatManip manip, NatKind kind) {
            this.flowId = flowId;
            this.dir = dir;
            this.manip = manip;
            this.kind = kind;
        }

        @Override
        protected String write() {
            return detail(flowId, dir, manip, kind, false, null, null);
        }
    }
}
