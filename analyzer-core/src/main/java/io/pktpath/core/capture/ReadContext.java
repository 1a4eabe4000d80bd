package io.pktpath.core.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntFunction;

/** State shared by the format readers during one read: counters, issues, the reused frame view. */
final class ReadContext {
    private static final int SMALL_IFINDEX = 4096;

    final String fileName;
    final FrameHandler handler;
    final IntFunction<String> ifindexNames;
    final FrameView frame = new FrameView();
    private final List<CaptureIssue> issues = new ArrayList<>();
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private final TreeSet<Integer> linkTypes = new TreeSet<>();
    private int lastLinkType = Integer.MIN_VALUE;
    private int lastIfindex = Integer.MIN_VALUE;
    private String lastIfindexName = "";
    /** The caller's answer for each small ifindex asked about (null: not asked yet). */
    private final String[] smallIfindexNames = new String[SMALL_IFINDEX];
    private long frames;
    private long bytes;

    ReadContext(String fileName, FrameHandler handler, IntFunction<String> ifindexNames) {
        this.fileName = fileName;
        this.handler = handler;
        this.ifindexNames = ifindexNames;
    }

    /** Number the next delivered frame will get. */
    long nextFrameNumber() {
        return frames + 1;
    }

    void issue(Severity severity, String code, String message, String expected, long byteOffset) {
        issues.add(new CaptureIssue(severity, code, message, expected, nextFrameNumber(), byteOffset, fileName));
    }

    void fileIssue(Severity severity, String code, String message, String expected, long byteOffset) {
        issues.add(new CaptureIssue(severity, code, message, expected, 0, byteOffset, fileName));
    }

    /**
     * The caller's name for a Linux ifindex, asked once per index below {@value #SMALL_IFINDEX} (captures alternate
     * between a few interfaces); for other indexes the last answer is reused so steady traffic allocates nothing.
     */
    String interfaceName(int ifindex) {
        if (ifindex >= 0 && ifindex < SMALL_IFINDEX) {
            String name = smallIfindexNames[ifindex];
            if (name == null) {
                name = ifindexNames.apply(ifindex);
                name = name == null ? "" : name;
                smallIfindexNames[ifindex] = name;
            }
            return name;
        }
        if (ifindex != lastIfindex) {
            String name = ifindexNames.apply(ifindex);
            lastIfindexName = name == null ? "" : name;
            lastIfindex = ifindex;
        }
        return lastIfindexName;
    }

    void addInterface(CaptureInterface itf) {
        interfaces.add(itf);
    }

    /** Completes the view's metadata from cooked headers and hands it to the handler. */
    void deliver() {
        CookedHeader.apply(frame, this);
        frames++;
        bytes += frame.capturedLength();
        if (frame.linkType() != lastLinkType) {
            lastLinkType = frame.linkType();
            linkTypes.add(lastLinkType);
        }
        handler.onFrame(frame);
    }

    CaptureSummary summary(CaptureFormat format) {
        return new CaptureSummary(fileName, format, frames, bytes, List.copyOf(linkTypes), interfaces, issues);
    }
}
