package io.pktpath.core.packet;

import io.pktpath.core.capture.FrameView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.pcap4j.packet.DnsPacket;
import org.pcap4j.packet.DnsQuestion;
import org.pcap4j.packet.IllegalRawDataException;

/**
 * The DNS message (RFC 1035) in a UDP or TCP port-53 payload, decoded with Pcap4J's {@code DnsPacket}.
 *
 * @param id        message id
 * @param response  QR bit
 * @param rcode     response code name, e.g. "No Error" or "Non-Existent Domain"
 * @param rcodeValue response code number
 * @param questions question section
 * @param answers   number of answer records
 */
public record DnsInfo(int id, boolean response, String rcode, int rcodeValue, List<Question> questions, int answers) {
    /** DNS port. */
    public static final int PORT = 53;

    public DnsInfo {
        Objects.requireNonNull(rcode, "rcode");
        questions = List.copyOf(questions);
    }

    /**
     * One question.
     *
     * @param name     query name without the trailing dot
     * @param type     query type number (1 = A, 28 = AAAA, ...)
     * @param typeName query type name as Pcap4J names it
     */
    public record Question(String name, int type, String typeName) {
        public Question {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(typeName, "typeName");
        }
    }

    /** The DNS message of a decoded frame whose UDP or TCP port is 53, if it parses. */
    public static Optional<DnsInfo> of(FrameView frame, PacketView view) {
        if (view.srcPort() != PORT && view.dstPort() != PORT || view.payloadOffset() < 0) {
            return Optional.empty();
        }
        int start = view.payloadOffset();
        int end = Math.min(frame.capturedLength(), start + view.payloadLength());
        if (view.protocol() == TransportDecoder.TCP) {
            start += 2;
        } else if (view.protocol() != TransportDecoder.UDP) {
            return Optional.empty();
        }
        return end > start ? parse(frame.array(), frame.offset() + start, end - start) : Optional.empty();
    }

    /** Parses a DNS message; empty if the bytes are not one. */
    public static Optional<DnsInfo> parse(byte[] a, int offset, int length) {
        try {
            DnsPacket dns = DnsPacket.newPacket(a, offset, length);
            DnsPacket.DnsHeader h = dns.getHeader();
            byte[] message = Arrays.copyOfRange(a, offset, offset + length);
            List<Question> questions = new ArrayList<>();
            for (DnsQuestion q : h.getQuestions()) {
                questions.add(new Question(q.getQName().decompress(message), q.getQType().value() & 0xffff,
                        q.getQType().name()));
            }
            return Optional.of(new DnsInfo(h.getId() & 0xffff, h.isResponse(), h.getrCode().name(),
                    h.getrCode().value() & 0xff, questions, h.getAnCountAsInt()));
        } catch (IllegalRawDataException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
