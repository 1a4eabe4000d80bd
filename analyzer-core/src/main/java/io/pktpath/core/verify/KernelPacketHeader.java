package io.pktpath.core.verify;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code PACKET:} line: its {@code KEY=value} fields (IN, OUT, SRC, DST, LEN, ID, SPORT, DPORT, MARK...) and its
 * bare flag words (SYN, ACK, DF...), as the kernel saw the packet when that table ran.
 */
public record KernelPacketHeader(Map<String, String> fields, Set<String> flags, int line) {
    public KernelPacketHeader {
        fields = Map.copyOf(fields);
        flags = Set.copyOf(flags);
    }

    /** The flag the parser gives a bridge table's PACKET line (family 7), which names bridge ports as IN= and OUT=. */
    static final String BRIDGE_FAMILY = "(bridge)";

    /** Whether the line is a bridge table's (family 7): its IN= and OUT= are bridge ports, its header NH= hex. */
    public boolean bridgeFamily() {
        return flags.contains(BRIDGE_FAMILY);
    }

    public Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /**
     * Whether the line is of a non-first IPv4 fragment: xtables-monitor prints {@code FRAG:N} (the offset in 8-byte
     * units) and then reads its SPORT and DPORT from the fragment's payload, which are no ports.
     */
    public boolean nonFirstFragment() {
        return flags.stream().anyMatch(f -> f.startsWith("FRAG:") && !f.equals("FRAG:0"));
    }

    public int intField(String key, int absent) {
        String v = fields.get(key);
        if (v == null) {
            return absent;
        }
        try {
            return v.startsWith("0x") ? (int) Long.parseLong(v.substring(2), 16) : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
