package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;

/**
 * The TCP state machine of nf_conntrack_proto_tcp.c ({@code tcp_conntracks}, {@code get_conntrack_index},
 * {@code tcp_valid_flags}), re-expressed as tables; sequence-number window tracking is not modelled.
 */
final class TcpTracker {
    static final int SYN = 0;
    static final int SYNACK = 1;
    static final int FIN = 2;
    static final int ACK = 3;
    static final int RST = 4;
    static final int NONE = 5;
    /** Transition result: the packet is invalid for this ct. */
    static final int IV = -1;
    /** Transition result: the packet is ignored (ct unchanged). */
    static final int IG = -2;

    private static final int NO = 0;
    private static final int SS = 1;
    private static final int SR = 2;
    private static final int ES = 3;
    private static final int FW = 4;
    private static final int CW = 5;
    private static final int LA = 6;
    private static final int TW = 7;
    private static final int CL = 8;
    private static final int S2 = 9;

    // [index][state] for the ORIGINAL direction; columns NO SS SR ES FW CW LA TW CL S2
    private static final int[][] ORIGINAL = {
            {SS, SS, IG, IG, IG, IG, IG, SS, SS, S2},
            {IV, IV, SR, IV, IV, IV, IV, IV, IV, SR},
            {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
            {ES, IV, ES, ES, CW, CW, TW, TW, CL, IV},
            {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
            {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}};
    private static final int[][] REPLY = {
            {IV, S2, IV, IV, IV, IV, IV, SS, IV, S2},
            {IV, SR, IG, IG, IG, IG, IG, IG, IG, SR},
            {IV, IV, FW, FW, LA, LA, LA, TW, CL, IV},
            {IV, IG, SR, ES, CW, CW, TW, TW, CL, IG},
            {IV, CL, CL, CL, CL, CL, CL, CL, CL, CL},
            {IV, IV, IV, IV, IV, IV, IV, IV, IV, IV}};

    /** Bit {@code f} is set for each valid combination {@code f} of FIN, SYN, RST, ACK and URG (all below 64). */
    private static final long VALID_FLAGS = bits(Packet.SYN, Packet.SYN | Packet.URG, Packet.SYN | Packet.ACK,
            Packet.RST, Packet.RST | Packet.ACK, Packet.FIN | Packet.ACK, Packet.FIN | Packet.ACK | Packet.URG,
            Packet.ACK, Packet.ACK | Packet.URG);

    private TcpTracker() {
    }

    /** The table row a packet's flags select, in the kernel's order RST, SYN(/ACK), FIN, ACK. */
    static int index(int flags) {
        if ((flags & Packet.RST) != 0) {
            return RST;
        }
        if ((flags & Packet.SYN) != 0) {
            return (flags & Packet.ACK) != 0 ? SYNACK : SYN;
        }
        if ((flags & Packet.FIN) != 0) {
            return FIN;
        }
        return (flags & Packet.ACK) != 0 ? ACK : NONE;
    }

    /** True for the flag combinations {@code tcp_valid_flags} accepts (ECE, CWR and PSH ignored). */
    static boolean validFlags(int flags) {
        int f = flags & (Packet.FIN | Packet.SYN | Packet.RST | Packet.ACK | Packet.URG);
        return (VALID_FLAGS >>> f & 1) != 0;
    }

    private static long bits(int... combinations) {
        long set = 0;
        for (int c : combinations) {
            set |= 1L << c;
        }
        return set;
    }

    /** The next state (ordinal of {@link TcpState}) or {@link #IV}/{@link #IG}. */
    static int next(TcpState old, CtDirection dir, int index) {
        int[][] table = dir == CtDirection.ORIGINAL ? ORIGINAL : REPLY;
        return table[index][old.ordinal()];
    }

    /** The flags as tcpdump prints them, e.g. {@code SYN/ACK}, {@code FIN/ACK}, {@code none}. */
    static String flagNames(int flags) {
        StringBuilder sb = new StringBuilder();
        append(sb, flags, Packet.SYN, "SYN");
        append(sb, flags, Packet.FIN, "FIN");
        append(sb, flags, Packet.RST, "RST");
        append(sb, flags, Packet.PSH, "PSH");
        append(sb, flags, Packet.ACK, "ACK");
        append(sb, flags, Packet.URG, "URG");
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private static void append(StringBuilder sb, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            sb.append(sb.length() == 0 ? "" : "/").append(name);
        }
    }
}
