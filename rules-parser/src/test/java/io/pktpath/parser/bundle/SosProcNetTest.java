package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The socket tables of {@code /proc/net} that an sosreport copies ({@code tcp}, {@code udp}: a header and rows that
 * all start with a space, as Linux 6.18 printed them with a listener, a connection and a bound UDP socket) are not
 * taken for an {@code ss} listing, whose absence pktpath reads as unknown rather than as no listener.
 */
class SosProcNetTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = SosProcNetTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Optional<InputKind> kind(String text) {
        return ContentSniffer.recognize(text.getBytes(StandardCharsets.UTF_8), text).kind();
    }

    @Test
    void procNetSocketTablesAreNotSsListings() throws IOException {
        assertEquals(Optional.empty(), kind(fixture("proc-net-tcp.txt")));
        assertEquals(Optional.empty(), kind(fixture("proc-net-udp.txt")));
        assertEquals(Optional.empty(), kind(fixture("proc-net-tcp.txt").lines().findFirst().orElseThrow() + "\n"));
    }

    @Test
    void anSsListingWithoutItsHeaderIsStillOne() {
        assertEquals(Optional.of(InputKind.SOCKETS), kind("LISTEN 0      4096   127.0.0.1:8080      0.0.0.0:*\n"
                + "UNCONN 0      0        0.0.0.0:5353      0.0.0.0:*\n"));
    }
}
