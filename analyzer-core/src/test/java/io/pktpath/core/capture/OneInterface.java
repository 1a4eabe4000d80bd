package io.pktpath.core.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes a capture of one interface from a capture of every interface, as {@code tcpdump -i DEVICE} would have taken it. */
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
}
