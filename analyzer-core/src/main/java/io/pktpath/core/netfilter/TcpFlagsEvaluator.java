package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import java.util.List;

/** {@code -m tcp [!] --tcp-flags MASK COMP} (and {@code --syn}): {@code (flags & MASK) == COMP}. */
final class TcpFlagsEvaluator implements MatchEvaluator {
    private static final List<String> NAMES = List.of("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR");
    private final int mask;
    private final int comparison;
    private final boolean negated;
    private final String text;

    TcpFlagsEvaluator(int mask, int comparison, boolean negated, String text) {
        this.mask = mask;
        this.comparison = comparison;
        this.negated = negated;
        this.text = text;
    }

    @Override
    public boolean test(Evaluation e) {
        if (e.packet.proto() != Packet.TCP || e.nonFirstFragment()) {
            return false;
        }
        return ((e.packet.tcpFlags() & mask) == comparison) != negated;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (e.packet.proto() != Packet.TCP || e.nonFirstFragment()) {
            return new Mismatch(text, "not a tcp header: proto " + Describe.proto(e.packet.proto()));
        }
        return new Mismatch(text, "tcp flags " + names(e.packet.tcpFlags()));
    }

    static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < NAMES.size(); i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(NAMES.get(i));
            }
        }
        return sb.length() == 0 ? "NONE" : sb.toString();
    }

    @Override
    public boolean pure() {
        return true;
    }
}
