package io.pktpath.core.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes a capture of one interface from a capture of every interface, as {@code tcpdump -i DEVICE} would have taken it
 * (for the tests and benchmarks that compare the two; {@code tcpdump -r FILE -w OUT 'ifindex N'} does the same).
 */
public final class OneInterface {
    private OneInterface() {
    }

    /**
     * Copies the records of a little-endian Linux cooked v2 pcap captured on interface {@code ifindex}; returns how
     * many.
     */
    public static int keep(Path from, Path to, int ifindex) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(from)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(in.limit());
        out.put(in.array(), 0, 24);
        int kept = 0;
        for (int at = 24; at + 16 <= in.limit(); ) {
            int length = in.getInt(at + 8);
            int index = ByteBuffer.wrap(in.array(), at + 16 + 4, 4).order(ByteOrder.BIG_ENDIAN).getInt();
            if (index == ifindex) {
                out.put(in.array(), at, 16 + length);
                kept++;
            }
            at += 16 + length;
        }
        Files.write(to, java.util.Arrays.copyOf(out.array(), out.position()));
        return kept;
    }

    /** The interface indexes of a little-endian Linux cooked v2 pcap's records, in order; empty for another format. */
    public static java.util.SortedSet<Integer> interfaces(Path capture) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(capture)).order(ByteOrder.LITTLE_ENDIAN);
        java.util.SortedSet<Integer> found = new java.util.TreeSet<>();
        if (in.limit() < 24 || in.getInt(0) != PCAP_MICROS && in.getInt(0) != PCAP_NANOS
                || in.getInt(20) != LINKTYPE_LINUX_SLL2) {
            return found;
        }
        for (int at = 24; at + 16 + 8 <= in.limit(); at += 16 + in.getInt(at + 8)) {
            found.add(ByteBuffer.wrap(in.array(), at + 16 + 4, 4).order(ByteOrder.BIG_ENDIAN).getInt());
        }
        return found;
    }

    private static final int PCAP_MICROS = 0xa1b2c3d4;
    private static final int PCAP_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_LINUX_SLL2 = 276;
}
