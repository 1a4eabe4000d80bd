package io.pktpath.core.packet;

import io.pktpath.core.capture.Bytes;
import io.pktpath.core.capture.LinkType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.factory.PacketFactories;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.packet.namednumber.EtherType;

/**
 * The full protocol layer tree of one frame for a detail pane, built with Pcap4J: each layer with its byte range and
 * fields, each field with the byte range to highlight in a hex view (the layer's range where the offset is not known).
 *
 * @param layers layers from the outermost in, the last one possibly the unparsed payload
 */
public record PacketDetail(List<Layer> layers) {
    public PacketDetail {
        layers = List.copyOf(layers);
    }

    /**
     * One protocol layer.
     *
     * @param name   Pcap4J's header title, e.g. "IPv4 Header", or "Payload"
     * @param offset first byte of the layer in the frame
     * @param length header length in bytes (payload: its length)
     * @param fields the header's fields
     */
    public record Layer(String name, int offset, int length, List<Field> fields) {
        public Layer {
            Objects.requireNonNull(name, "name");
            fields = List.copyOf(fields);
        }
    }

    /**
     * One header field.
     *
     * @param name   field name, e.g. "Source address"
     * @param value  field value as text
     * @param offset first byte of the field in the frame
     * @param length field length in bytes
     */
    public record Field(String name, String value, int offset, int length) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Decodes {@code frame} of link type {@code linkType}; bytes Pcap4J cannot parse become a "Payload" layer. */
    public static PacketDetail of(byte[] frame, int linkType) {
        List<Layer> layers = new ArrayList<>();
        int start = cookedLayer(frame, linkType, layers);
        if (start < 0) {
            layers.add(payload(0, frame.length));
            return new PacketDetail(layers);
        }
        Packet packet;
        try {
            packet = parse(frame, start, linkType);
        } catch (RuntimeException e) {
            packet = null;
        }
        int offset = start;
        for (Packet p = packet; p != null; p = p.getPayload()) {
            Packet.Header h = p.getHeader();
            if (h == null) {
                layers.add(payload(offset, p.length()));
                break;
            }
            layers.add(layer(h.toString(), offset, h.length()));
            offset += h.length();
        }
        if (packet == null && start < frame.length) {
            layers.add(payload(start, frame.length - start));
        }
        return new PacketDetail(layers);
    }

    private static Packet parse(byte[] frame, int start, int linkType) {
        int length = frame.length - start;
        if (start > 0 || linkType == LinkType.RAW || linkType == LinkType.RAW_12 || linkType == LinkType.RAW_14
                || linkType == LinkType.IPV4 || linkType == LinkType.IPV6) {
            if (length < 1) {
                return null;
            }
            EtherType type = (frame[start] & 0xf0) == 0x60 ? EtherType.IPV6 : EtherType.IPV4;
            if (linkType == LinkType.LINUX_SLL2) {
                type = EtherType.getInstance((short) Bytes.u16(frame, 0));
            }
            return PacketFactories.getFactory(Packet.class, EtherType.class).newInstance(frame, start, length, type);
        }
        return PacketFactories.getFactory(Packet.class, DataLinkType.class)
                .newInstance(frame, 0, frame.length, DataLinkType.getInstance(linkType));
    }

    /** Adds a layer for link headers Pcap4J 1.8 does not know (SLL2, OpenBSD loop); returns where IP starts. */
    private static int cookedLayer(byte[] frame, int linkType, List<Layer> layers) {
        if (linkType == LinkType.LINUX_SLL2) {
            if (frame.length < 20) {
                return -1;
            }
            layers.add(new Layer("Linux SLL2 Header", 0, 20, List.of(
                    new Field("Protocol", String.format("0x%04x", Bytes.u16(frame, 0)), 0, 2),
                    new Field("Interface index", Integer.toString(Bytes.i32(frame, 4)), 4, 4),
                    new Field("ARPHRD type", Integer.toString(Bytes.u16(frame, 8)), 8, 2),
                    new Field("Packet type", Integer.toString(Bytes.u8(frame, 10)), 10, 1),
                    new Field("Address length", Integer.toString(Bytes.u8(frame, 11)), 11, 1),
                    new Field("Address", Addresses.formatMac(LinkDecoder.mac(frame, 12)), 12, 6))));
            return 20;
        }
        if (linkType == LinkType.LOOP) {
            if (frame.length < 4) {
                return -1;
            }
            layers.add(new Layer("Loopback Header", 0, 4, List.of(
                    new Field("Address family", Integer.toString(Bytes.i32(frame, 0)), 0, 4))));
            return 4;
        }
        return LinkType.isDecodable(linkType) || linkType == LinkType.NFLOG ? 0 : -1;
    }

    private static Layer payload(int offset, int length) {
        return new Layer("Payload", offset, length, List.of());
    }

    /** Turns Pcap4J's header text ("[IPv4 Header (20 bytes)]" then "  Name: value" lines) into a layer. */
    private static Layer layer(String text, int offset, int length) {
        String[] lines = text.split("\n");
        String title = lines[0].replaceAll("^\\[|\\]$", "").replaceAll(" \\(\\d+ bytes\\)$", "");
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 2);
            int[] range = FieldOffsets.find(title, name);
            fields.add(range == null ? new Field(name, value, offset, length)
                    : new Field(name, value, offset + range[0], range[1]));
        }
        return new Layer(title, offset, length, fields);
    }
}
