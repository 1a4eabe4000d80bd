package io.pktpath.gui.detail;

import io.pktpath.core.capture.CapturedFrame;
import io.pktpath.core.packet.PacketDetail;

import java.util.List;
import java.util.Objects;

/**
 * The packet detail pane's content for one frame: its bytes, the protocol layers decoded from them, the hex dump,
 * and the byte range to highlight for a chosen layer or field.
 */
public record PacketDetailModel(long frame, byte[] bytes, PacketDetail detail) {
    public PacketDetailModel {
        bytes = bytes.clone();
        Objects.requireNonNull(detail, "detail");
    }

    /** Decodes a captured frame. */
    public static PacketDetailModel of(CapturedFrame frame) {
        return new PacketDetailModel(frame.frameNumber(), frame.bytes(), PacketDetail.of(frame.bytes(),
                frame.linkType()));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public List<HexDump.Line> hex() {
        return HexDump.lines(bytes);
    }

    /** The byte range {@code [offset, length]} of the field named {@code field} in layer {@code layer}, if any. */
    public java.util.Optional<int[]> range(String layer, String field) {
        for (PacketDetail.Layer l : detail.layers()) {
            if (!l.name().equals(layer)) {
                continue;
            }
            if (field.isEmpty()) {
                return java.util.Optional.of(new int[] {l.offset(), l.length()});
            }
            for (PacketDetail.Field f : l.fields()) {
                if (f.name().equals(field)) {
                    return java.util.Optional.of(new int[] {f.offset(), f.length()});
                }
            }
        }
        return java.util.Optional.empty();
    }
}
