package io.pktpath.gui.detail;

import java.util.ArrayList;
import java.util.List;

/**
 * A frame's bytes laid out as a hex dump, sixteen bytes a line with their offset and printable ASCII, and which
 * bytes of it a selected field covers.
 */
public final class HexDump {
    /** Bytes per line. */
    public static final int WIDTH = 16;

    private HexDump() {
    }

    /** One line of the dump: the offset of its first byte, each byte as two hex digits, and the ASCII column. */
    public record Line(int offset, List<String> hex, String ascii) {
        public Line {
            hex = List.copyOf(hex);
        }

        /** {@code 0010  45 00 00 3c ...  E..<} with the hex column padded to full width. */
        public String text() {
            StringBuilder sb = new StringBuilder(String.format("%04x ", offset));
            for (int i = 0; i < WIDTH; i++) {
                sb.append(i == 8 ? "  " : " ").append(i < hex.size() ? hex.get(i) : "  ");
            }
            return sb.append("  ").append(ascii).toString();
        }
    }

    /** The dump of {@code bytes}. */
    public static List<Line> lines(byte[] bytes) {
        List<Line> lines = new ArrayList<>();
        for (int start = 0; start < bytes.length; start += WIDTH) {
            int end = Math.min(bytes.length, start + WIDTH);
            List<String> hex = new ArrayList<>();
            StringBuilder ascii = new StringBuilder();
            for (int i = start; i < end; i++) {
                int b = bytes[i] & 0xff;
                hex.add(String.format("%02x", b));
                ascii.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            lines.add(new Line(start, hex, ascii.toString()));
        }
        return lines;
    }

    /** The whole dump as text, one line each. */
    public static String text(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        lines(bytes).forEach(l -> sb.append(l.text()).append('\n'));
        return sb.toString();
    }

    /** Whether byte {@code index} lies in {@code [offset, offset + length)}. */
    public static boolean covers(int offset, int length, int index) {
        return index >= offset && index < offset + length;
    }
}
