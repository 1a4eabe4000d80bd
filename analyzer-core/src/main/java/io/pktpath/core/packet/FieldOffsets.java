package io.pktpath.core.packet;

import java.util.Map;

/** Byte offset and length of the fixed fields of common headers, keyed by Pcap4J's header title and field name. */
final class FieldOffsets {
    private static final Map<String, int[]> OFFSETS = Map.ofEntries(
            Map.entry("Ethernet Header/Destination address", new int[] {0, 6}),
            Map.entry("Ethernet Header/Source address", new int[] {6, 6}),
            Map.entry("Ethernet Header/Type", new int[] {12, 2}),
            Map.entry("IPv4 Header/Version", new int[] {0, 1}),
            Map.entry("IPv4 Header/IHL", new int[] {0, 1}),
            Map.entry("IPv4 Header/TOS", new int[] {1, 1}),
            Map.entry("IPv4 Header/Total length", new int[] {2, 2}),
            Map.entry("IPv4 Header/Identification", new int[] {4, 2}),
            Map.entry("IPv4 Header/Flags", new int[] {6, 1}),
            Map.entry("IPv4 Header/Fragment offset", new int[] {6, 2}),
            Map.entry("IPv4 Header/TTL", new int[] {8, 1}),
            Map.entry("IPv4 Header/Protocol", new int[] {9, 1}),
            Map.entry("IPv4 Header/Header checksum", new int[] {10, 2}),
            Map.entry("IPv4 Header/Source address", new int[] {12, 4}),
            Map.entry("IPv4 Header/Destination address", new int[] {16, 4}),
            Map.entry("IPv6 Header/Version", new int[] {0, 1}),
            Map.entry("IPv6 Header/Traffic Class", new int[] {0, 2}),
            Map.entry("IPv6 Header/Flow Label", new int[] {1, 3}),
            Map.entry("IPv6 Header/Payload length", new int[] {4, 2}),
            Map.entry("IPv6 Header/Next Header", new int[] {6, 1}),
            Map.entry("IPv6 Header/Hop Limit", new int[] {7, 1}),
            Map.entry("IPv6 Header/Source address", new int[] {8, 16}),
            Map.entry("IPv6 Header/Destination address", new int[] {24, 16}),
            Map.entry("TCP Header/Source port", new int[] {0, 2}),
            Map.entry("TCP Header/Destination port", new int[] {2, 2}),
            Map.entry("TCP Header/Sequence Number", new int[] {4, 4}),
            Map.entry("TCP Header/Acknowledgment Number", new int[] {8, 4}),
            Map.entry("TCP Header/Data Offset", new int[] {12, 1}),
            Map.entry("TCP Header/URG", new int[] {13, 1}),
            Map.entry("TCP Header/ACK", new int[] {13, 1}),
            Map.entry("TCP Header/PSH", new int[] {13, 1}),
            Map.entry("TCP Header/RST", new int[] {13, 1}),
            Map.entry("TCP Header/SYN", new int[] {13, 1}),
            Map.entry("TCP Header/FIN", new int[] {13, 1}),
            Map.entry("TCP Header/Window", new int[] {14, 2}),
            Map.entry("TCP Header/Checksum", new int[] {16, 2}),
            Map.entry("TCP Header/Urgent Pointer", new int[] {18, 2}),
            Map.entry("UDP Header/Source port", new int[] {0, 2}),
            Map.entry("UDP Header/Destination port", new int[] {2, 2}),
            Map.entry("UDP Header/Length", new int[] {4, 2}),
            Map.entry("UDP Header/Checksum", new int[] {6, 2}));

    private FieldOffsets() {
    }

    /** {offset, length} within the header, or null when the field has no fixed place. */
    static int[] find(String headerTitle, String fieldName) {
        int[] r = OFFSETS.get(headerTitle + "/" + fieldName);
        return r == null ? null : r.clone();
    }
}
