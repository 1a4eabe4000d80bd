package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's leading pure header conditions ({@code -s}, {@code -d}, {@code -p}, {@code --sport}/{@code --dport}, plain
 * comments) folded into primitive fields, as the kernel's {@code ipt_ip} keeps them: testing a packet against them
 * reads no evaluator object, so a rule of a cold chain costs fewer cache misses. Only the run of pure conditions before
 * the first impure one is folded (at most one of each kind), so the rule's answer and effects are those of its
 * evaluators in order. {@link CompiledRule} extends it so that the fields lie in the rule object itself (one fetch).
 */
abstract class HeaderTest {
    private static final MatchEvaluator[] NO_EVALUATORS = new MatchEvaluator[0];

    private boolean src;
    private boolean srcNegated;
    private IpFamily srcFamily;
    private long srcHiMask;
    private long srcLoMask;
    private long srcHiNet;
    private long srcLoNet;
    private boolean dst;
    private boolean dstNegated;
    private IpFamily dstFamily;
    private long dstHiMask;
    private long dstLoMask;
    private long dstHiNet;
    private long dstLoNet;
    private boolean proto;
    private boolean protoNegated;
    private int protoNumber;
    private boolean sport;
    private boolean sportNegated;
    private int sportProto;
    private int sportFrom;
    private int sportTo;
    private boolean dport;
    private boolean dportNegated;
    private int dportProto;
    private int dportFrom;
    private int dportTo;
    /** The evaluators not folded, in their order. */
    private final MatchEvaluator[] rest;

    /** Folds the leading pure header conditions of {@code evaluators}; the others stay in {@link #rest()}, in order. */
    HeaderTest(MatchEvaluator[] evaluators) {
        List<MatchEvaluator> left = new ArrayList<>(evaluators.length);
        boolean folding = true;
        for (MatchEvaluator m : evaluators) {
            folding = folding && m.pure();
            if (!folding || !fold(m)) {
                left.add(m);
            }
        }
        rest = left.isEmpty() ? NO_EVALUATORS : left.toArray(NO_EVALUATORS);
    }

    /** Takes {@code m} into a free field; false when it is of another kind or its field is taken. */
    private boolean fold(MatchEvaluator m) {
        if (m instanceof AddressEvaluator a) {
            return a.source() ? foldSource(a) : foldDestination(a);
        }
        if (m instanceof ProtocolEvaluator p && !proto) {
            proto = true;
            protoNegated = p.negated();
            protoNumber = p.rawNumber();
            return true;
        }
        if (m instanceof PortEvaluator p) {
            return p.source() ? foldSourcePort(p) : foldDestinationPort(p);
        }
        return m instanceof TrueEvaluator;
    }

    private boolean foldSource(AddressEvaluator a) {
        if (src) {
            return false;
        }
        src = true;
        srcNegated = a.negated();
        srcFamily = a.family();
        srcHiMask = a.hiMask();
        srcLoMask = a.loMask();
        srcHiNet = a.hiNet();
        srcLoNet = a.loNet();
        return true;
    }

    private boolean foldDestination(AddressEvaluator a) {
        if (dst) {
            return false;
        }
        dst = true;
        dstNegated = a.negated();
        dstFamily = a.family();
        dstHiMask = a.hiMask();
        dstLoMask = a.loMask();
        dstHiNet = a.hiNet();
        dstLoNet = a.loNet();
        return true;
    }

    private boolean foldSourcePort(PortEvaluator p) {
        if (sport) {
            return false;
        }
        sport = true;
        sportNegated = p.negated();
        sportProto = p.proto();
        sportFrom = p.from();
        sportTo = p.to();
        return true;
    }

    private boolean foldDestinationPort(PortEvaluator p) {
        if (dport) {
            return false;
        }
        dport = true;
        dportNegated = p.negated();
        dportProto = p.proto();
        dportFrom = p.from();
        dportTo = p.to();
        return true;
    }

    /** The evaluators left to test after the header, in the rule's order. */
    final MatchEvaluator[] rest() {
        return rest;
    }

    /** True if {@code p} passes every folded condition (the same answer as their evaluators). */
    final boolean headerHolds(Packet p) {
        return (!src || AddressEvaluator.inNetwork(p.src(), srcFamily, srcHiMask, srcLoMask, srcHiNet, srcLoNet)
                        != srcNegated)
                && (!dst || AddressEvaluator.inNetwork(p.dst(), dstFamily, dstHiMask, dstLoMask, dstHiNet, dstLoNet)
                        != dstNegated)
                && (!proto || ProtocolEvaluator.holds(protoNumber, protoNegated, p.proto()))
                && (!sport || PortEvaluator.holds(p, sportProto, true, sportFrom, sportTo, sportNegated))
                && (!dport || PortEvaluator.holds(p, dportProto, false, dportFrom, dportTo, dportNegated));
    }
}
