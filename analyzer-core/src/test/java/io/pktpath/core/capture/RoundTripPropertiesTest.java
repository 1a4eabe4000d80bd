package io.pktpath.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever frames are written, reading the file back yields the same frames: none lost, none changed. */
class RoundTripPropertiesTest {

    /** A frame to write: bytes, wire length, timestamp, interface and EPB flags. */
    record Spec(byte[] bytes, int extra, long timestampNanos, int iface, int flags) {
    }

    @Provide
    Arbitrary<List<Spec>> frames() {
        Arbitrary<Spec> spec = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.integers().between(0, 100),
                Arbitraries.longs().between(0, 4_000_000_000L * 1_000_000_000L / 1000).map(t -> t * 1000),
                Arbitraries.integers().between(0, 1),
                Arbitraries.of(PcapngWriter.NO_FLAGS, 0, 1, 2)).as(Spec::new);
        return spec.list().ofMaxSize(40);
    }

    @Property(tries = 60)
    void pcapLosesNoFrame(@ForAll("frames") List<Spec> specs, @ForAll boolean bigEndian, @ForAll boolean nanos)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = CaptureWriter.pcap(out, LinkType.ETHERNET, bigEndian, nanos, 0)) {
            for (Spec s : specs) {
                w.write(s.timestampNanos(), s.bytes(), 0, s.bytes().length, s.bytes().length + s.extra());
            }
        }
        List<CapturedFrame> expected = new ArrayList<>();
        long offset = 24;
        for (Spec s : specs) {
            expected.add(new CapturedFrame(expected.size() + 1, s.timestampNanos(), s.bytes(),
                    s.bytes().length + s.extra(), LinkType.ETHERNET, -1, "", Direction.UNKNOWN, offset));
            offset += 16 + s.bytes().length;
        }
        CaptureContents c = readBack(out.toByteArray(), ".pcap");
        assertEquals(expected, c.frames());
        assertEquals(specs.size(), c.summary().framesDelivered());
    }

    @Property(tries = 60)
    void pcapngLosesNoFrame(@ForAll("frames") List<Spec> specs, @ForAll boolean bigEndian, @ForAll boolean obsolete)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = CaptureWriter.pcapng(out)) {
            w.section(bigEndian);
            w.interfaceBlock(LinkType.ETHERNET, "eth0", 9, 0);
            w.interfaceBlock(LinkType.RAW, "tun0", -1, 0);
            for (Spec s : specs) {
                long orig = s.bytes().length + s.extra();
                if (obsolete) {
                    w.obsoletePacket(s.iface(), s.timestampNanos(), s.bytes(), orig, s.flags());
                } else {
                    w.enhancedPacket(s.iface(), s.timestampNanos(), s.bytes(), orig, s.flags());
                }
            }
        }
        CaptureContents c = readBack(out.toByteArray(), ".pcapng");
        assertEquals(specs.size(), c.frames().size());
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            CapturedFrame f = c.frames().get(i);
            Direction d = s.flags() == 1 ? Direction.IN : s.flags() == 2 ? Direction.OUT : Direction.UNKNOWN;
            assertEquals(new CapturedFrame(i + 1, s.timestampNanos(), s.bytes(), s.bytes().length + s.extra(),
                    s.iface() == 0 ? LinkType.ETHERNET : LinkType.RAW, s.iface(), s.iface() == 0 ? "eth0" : "tun0", d,
                    f.byteOffset()), f);
        }
        assertEquals(List.of(), c.summary().issues());
    }

    private static CaptureContents readBack(byte[] content, String suffix) throws IOException {
        Path file = Files.createTempFile("roundtrip", suffix);
        try {
            Files.write(file, content);
            return CaptureReader.open(file).readAll();
        } finally {
            Files.delete(file);
        }
    }
}
