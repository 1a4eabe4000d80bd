package io.pktpath.core.packet;

import io.pktpath.core.capture.FrameView;
import io.pktpath.core.capture.LinkType;

/** Decodes a frame's link, network and transport headers into a reused {@link PacketView} without allocating. */
public final class PacketDecoder {

    /** Decodes {@code frame} into {@code view} (reset first) and returns the view. */
    public PacketView decode(FrameView frame, PacketView view) {
        return decode(frame.array(), frame.offset(), frame.capturedLength(), frame.originalLength(),
                frame.linkType(), view);
    }

    /** Decodes {@code length} bytes at {@code offset} of link type {@code linkType}; never throws on bad bytes. */
    public PacketView decode(byte[] a, int offset, int length, long originalLength, int linkType, PacketView view) {
        view.reset();
        view.linkType = linkType;
        view.base = offset;
        view.quoted.base = offset;
        view.inner.base = offset;
        boolean cut = originalLength > length;
        LinkDecoder.decode(a, offset, offset + length, linkType, cut, view);
        return view;
    }

    /** Text shown for a link type the decoder does not handle. */
    static String unsupported(int linkType) {
        return linkType == LinkType.NFLOG ? "not replayable: NFLOG"
                : "link type " + linkType + " (" + LinkType.name(linkType) + ") is not supported";
    }
}
