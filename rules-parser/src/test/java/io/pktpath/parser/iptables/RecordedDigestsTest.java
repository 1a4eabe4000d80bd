package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parser's whole output (model and diagnostics, see {@link ModelDigest}) for every peer dump and two damaged
 * copies of each, read without a family, as IPv6 and strictly, is the output recorded before the parser was made
 * faster ({@code recorded-digests.txt}).
 */
class RecordedDigestsTest {
    private static final int DAMAGED_COPIES = 2;

    /** One line per dump, copy and way of reading: {@code name copy way digest}. */
    static List<String> digests(Path peer) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path dump : PeerData.dumps(peer)) {
            String name = PeerData.name(peer, dump);
            String text = Files.readString(dump, StandardCharsets.UTF_8);
            for (int copy = 0; copy <= DAMAGED_COPIES; copy++) {
                String t = copy == 0 ? text : ModelDigest.damaged(text, copy);
                lines.add(name + " " + copy + " lenient " + ModelDigest.of(ModelDigest.parse(name, t, Optional.empty(),
                        ParseOptions.lenient(), -2)));
                lines.add(name + " " + copy + " ipv6 " + ModelDigest.of(ModelDigest.parse(name, t,
                        Optional.of(IpFamily.V6), ParseOptions.lenient(), -2)));
                lines.add(name + " " + copy + " strict " + ModelDigest.of(ModelDigest.parse(name, t, Optional.empty(),
                        ParseOptions.strict(), -2)));
            }
        }
        return lines;
    }

    @Test
    void everyPeerDumpAndDamagedCopyParsesAsRecorded() throws IOException {
        Optional<Path> peer = PeerData.root();
        assumeTrue(peer.isPresent(), "shared peer data (../shared/peer from the repository root) is not present");
        List<String> recorded;
        try (InputStream in = RecordedDigestsTest.class.getResourceAsStream("recorded-digests.txt")) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> now = digests(peer.get());
        assertEquals(63 * (DAMAGED_COPIES + 1) * 3, recorded.size());
        for (int k = 0; k < recorded.size(); k++) {
            assertEquals(recorded.get(k), now.get(k));
        }
    }

    /** Prints the current digests (to record them in {@code recorded-digests.txt}). */
    public static void main(String[] args) throws IOException {
        for (String line : digests(PeerData.root().orElseThrow())) {
            System.out.println(line);
        }
    }
}
