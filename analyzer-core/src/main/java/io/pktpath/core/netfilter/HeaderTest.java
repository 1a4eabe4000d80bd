package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's leading pure header conditions ({@code -s}, {@code -d}, {@code -p}, {@code --sport}/{@code --dport}, plain
 * comments) folded into primitive fields, as the kernel's {@code ipt_ip} keeps them: testing a packet against them
 * reads no evaluator object, so a rule of a cold chain costs fewer cache misses. Only the run of pure conditions before
 * the first impure one is folded (at most one of each kind), so the rule's answer and effects are those of its
 * evaluators in order. {@link CompiledRule} extends it so that the fields lie in the rule object itself (one fetch),
 * packed into ints (flags, IPv4 networks, protocols, port ranges) so that a rule spans fewer cache lines; an IPv6
 * network is kept in an object of its own.
 */
abstract class HeaderTest {
    private static final MatchEvaluator[] NO_EVALUATORS = new MatchEvaluator[0];

    private static final int SRC = 1;
    private static final int SRC_NEGATED = 1 << 1;
    private static final int DST = 1 << 2;
    private static final int DST_NEGATED = 1 << 3;
    private static final int PROTO = 1 << 4;
    private static final int PROTO_NEGATED = 1 << 5;
    private static final int SPORT = 1 << 6;
    private static final int SPORT_NEGATED = 1 << 7;
    private static final int DPORT = 1 << 8;
    private static final int DPORT_NEGATED = 1 << 9;

    /** Which conditions are folded and which of them are negated. */
    private int flags;
    /** An IPv4 network's bits and mask ({@link IpAddress#v4Bits}); unused when the network is IPv6's. */
    private int srcNet;
    private int srcMask;
    private int dstNet;
    private int dstMask;
    /** The IPv6 network of {@code -s}/{@code -d}, or null when it is IPv4's (or not folded). */
    private V6Network src6;
    private V6Network dst6;
    /** {@code -p}'s number (0: any), then the protocols of the source and destination port tests, 8 bits each. */
    private int protocols;
    /** A port test's range, first port in the high 16 bits, last in the low 16. */
    private int sportRange;
    private int dportRange;
    /** The evaluators not folded, in their order. */
    private final MatchEvaluator[] rest;
    /** The one evaluator not folded when there is exactly one (null otherwise): no array to fetch for it. */
    private final MatchEvaluator onlyRest;

    /** An IPv6 {@code -s}/{@code -d} network as masks over the address's two halves. */
    private record V6Network(long hiMask, long loMask, long hiNet, long loNet) {
        boolean holds(IpAddress a) {
            return AddressEvaluator.inNetwork(a, IpFamily.V6, hiMask, loMask, hiNet, loNet);
        }
    }

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
        onlyRest = rest.length == 1 ? rest[0] : null;
    }

    /** Takes {@code m} into a free field; false when it is of another kind, does not fit, or its field is taken. */
    private boolean fold(MatchEvaluator m) {
        if (m instanceof AddressEvaluator a) {
            return a.source() ? foldSource(a) : foldDestination(a);
        }
        if (m instanceof ProtocolEvaluator p && (flags & PROTO) == 0 && fitsByte(p.rawNumber())) {
            flags |= PROTO | (p.negated() ? PROTO_NEGATED : 0);
            protocols |= p.rawNumber();
            return true;
        }
        if (m instanceof PortEvaluator p) {
            return p.source() ? foldSourcePort(p) : foldDestinationPort(p);
        }
        return m instanceof TrueEvaluator;
    }

    private static boolean fitsByte(int n) {
        return (n & ~0xff) == 0;
    }

    private static boolean fitsPorts(PortEvaluator p) {
        return fitsByte(p.proto()) && (p.from() & ~0xffff) == 0 && (p.to() & ~0xffff) == 0;
    }

    private boolean foldSource(AddressEvaluator a) {
        if ((flags & SRC) != 0) {
            return false;
        }
        flags |= SRC | (a.negated() ? SRC_NEGATED : 0);
        if (a.family() == IpFamily.V4) {
            srcNet = (int) a.loNet();
            srcMask = (int) a.loMask();
        } else {
            src6 = new V6Network(a.hiMask(), a.loMask(), a.hiNet(), a.loNet());
        }
        return true;
    }

    private boolean foldDestination(AddressEvaluator a) {
        if ((flags & DST) != 0) {
            return false;
        }
        flags |= DST | (a.negated() ? DST_NEGATED : 0);
        if (a.family() == IpFamily.V4) {
            dstNet = (int) a.loNet();
            dstMask = (int) a.loMask();
        } else {
            dst6 = new V6Network(a.hiMask(), a.loMask(), a.hiNet(), a.loNet());
        }
        return true;
    }

    private boolean foldSourcePort(PortEvaluator p) {
        if ((flags & SPORT) != 0 || !fitsPorts(p)) {
            return false;
        }
        flags |= SPORT | (p.negated() ? SPORT_NEGATED : 0);
        protocols |= p.proto() << 8;
        sportRange = p.from() << 16 | p.to();
        return true;
    }

    private boolean foldDestinationPort(PortEvaluator p) {
        if ((flags & DPORT) != 0 || !fitsPorts(p)) {
            return false;
        }
        flags |= DPORT | (p.negated() ? DPORT_NEGATED : 0);
        protocols |= p.proto() << 16;
        dportRange = p.from() << 16 | p.to();
        return true;
    }

    /** The evaluators left to test after the header, in the rule's order. */
    final MatchEvaluator[] rest() {
        return rest;
    }

    /** The one evaluator left to test after the header when there is exactly one, else null. */
    final MatchEvaluator onlyRest() {
        return onlyRest;
    }

    /** True if {@code p} passes every folded condition (the same answer as their evaluators). */
    final boolean headerHolds(Packet p) {
        int f = flags;
        return ((f & SRC) == 0 || inNetwork(p.src(), srcNet, srcMask, src6) != ((f & SRC_NEGATED) != 0))
                && ((f & DST) == 0 || inNetwork(p.dst(), dstNet, dstMask, dst6) != ((f & DST_NEGATED) != 0))
                && ((f & PROTO) == 0 || ProtocolEvaluator.holds(protocols & 0xff, (f & PROTO_NEGATED) != 0, p.proto()))
                && ((f & SPORT) == 0 || PortEvaluator.holds(p, protocols >>> 8 & 0xff, true, sportRange >>> 16,
                        sportRange & 0xffff, (f & SPORT_NEGATED) != 0))
                && ((f & DPORT) == 0 || PortEvaluator.holds(p, protocols >>> 16 & 0xff, false, dportRange >>> 16,
                        dportRange & 0xffff, (f & DPORT_NEGATED) != 0));
    }

    /** True if {@code a} is in the IPv4 network ({@code v6} null) or the IPv6 one, of its own family only. */
    private static boolean inNetwork(IpAddress a, int net, int mask, V6Network v6) {
        if (v6 != null) {
            return v6.holds(a);
        }
        return a.family() == IpFamily.V4 && (a.v4Bits() & mask) == net;
    }
}
