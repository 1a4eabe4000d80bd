package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.util.AnswerSlots;

import java.util.function.Function;

/**
 * Answers about received IPv4 packets made once per set of the packet fields they depend on: destination and mark
 * always, the source, the input device and the protocol and ports only when told they matter. The node is a snapshot, so the
 * same fields always give the same answer. A lookup compares numbers and allocates nothing. Made to keep answers only
 * when asked again, it keeps an answer at its second ask ({@link AnswerSlots#askedBefore}): a replay asks most
 * questions with a packet's source once (a new connection's route for each load-balancing branch, two of three not
 * taken), and keeping those would mean objects that outlive a young collection for nothing.
 */
final class FlowAnswers<V> {
    /** One remembered answer with the fields it was made for (0 for fields that are not part of the question). */
    private record Answer<V>(int src, int dst, long mark, String inIface, long ports, V value) {
    }

    private final AnswerSlots<Answer<V>> answers;
    private final boolean sourceMatters;
    private final boolean deviceMatters;
    private final boolean portsMatter;
    /** Whether answers are kept only at their second ask ({@link AnswerSlots#askedBefore}). */
    private final boolean keepWhenAskedAgain;

    /**
     * Room for {@code slots} answers, growing up to {@code maxSlots} when answers keep replacing each other (past them,
     * newer answers replace older ones); which optional fields count; whether an answer is kept only when asked again.
     */
    FlowAnswers(int slots, int maxSlots, boolean sourceMatters, boolean deviceMatters, boolean portsMatter,
                boolean keepWhenAskedAgain) {
        this.answers = new AnswerSlots<>(slots, maxSlots);
        this.keepWhenAskedAgain = keepWhenAskedAgain;
        this.sourceMatters = sourceMatters;
        this.deviceMatters = deviceMatters;
        this.portsMatter = portsMatter;
    }

    /**
     * The answer for an IPv4 packet {@code p}: the one kept for its fields, else {@code make}'s (then kept, unless
     * answers are kept only when asked again and this is the first ask).
     */
    V get(Packet p, Function<Packet, V> make) {
        int src = sourceMatters ? p.src().v4Bits() : 0;
        int dst = p.dst().v4Bits();
        long mark = p.mark();
        String in = deviceMatters ? p.inIface() : "";
        long ports = portsMatter ? ports(p) : 0;
        int hash = hash(src, dst, mark, in, ports);
        for (int probe = 0; probe < AnswerSlots.PROBES && !answers.emptyAt(hash, probe); probe++) {
            Answer<V> a = answers.at(hash, probe);
            if (a != null && a.dst == dst && a.src == src && a.mark == mark && a.ports == ports && a.inIface.equals(in)) {
                return a.value;
            }
        }
        V made = make.apply(p);
        if (!keepWhenAskedAgain || answers.askedBefore(hash)) {
            answers.keep(hash, new Answer<>(src, dst, mark, in, ports, made));
        }
        return made;
    }

    /** Protocol, whether the ports are readable, source and destination port in one number. */
    static long ports(Packet p) {
        return (long) (p.proto() & 0xff) << 33 | (p.hasPorts() ? 1L << 32 : 0) | (long) (p.sport() & 0xffff) << 16
                | p.dport() & 0xffff;
    }

    /** The device counts by its length only: names are compared anyway, and hashing one may mean reading it all. */
    private static int hash(int src, int dst, long mark, String in, long ports) {
        long k = ((long) src << 32 | dst & 0xffffffffL) * 0x9E3779B97F4A7C15L + mark * 0xC2B2AE3D27D4EB4FL
                + ports * 0x165667B19E3779F9L + in.length();
        return (int) (k ^ k >>> 32);
    }
}
