package io.pktpath.gui.frames;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.parser.net.IpAddress;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One line of the frame table, small enough to keep a million of them: the packet's columns, its disposition and
 * role, and whether the node rewrote it; the full trace stays in the {@link io.pktpath.gui.session.TraceStore}.
 */
public record FrameRow(long frame, long timeNanos, String iface, String dir, String src, String dst, int sport,
                       int dport, String protocol, String info, Disposition disposition, FrameRole role,
                       boolean natted) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    public FrameRow {
        Objects.requireNonNull(iface, "iface");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(role, "role");
    }

    /**
     * The row of a replayed frame, its addresses written by {@code text} (a loader passes one that gives every frame of
     * an address the same string, so a million rows do not hold two million copies of a few thousand addresses).
     */
    public static FrameRow of(PacketTrace trace, java.util.function.Function<IpAddress, String> text) {
        PacketSummary p = trace.packet();
        return new FrameRow(p.frame(), p.timeNanos(), p.iface(), p.dir(),
                p.src().map(text).orElse(""), p.dst().map(text).orElse(""),
                p.sport(), p.dport(), p.proto() >= 0 ? p.protoName() : "", p.info(), trace.disposition(),
                trace.role(), trace.nat().map(n -> n.changed()).orElse(false));
    }

    /** Source with its port, as the table shows it ({@code 10.244.1.2:42001}). */
    public String sourceText() {
        return endpoint(src, sport);
    }

    /** Destination with its port. */
    public String destinationText() {
        return endpoint(dst, dport);
    }

    /** Capture time of day in UTC with microseconds ({@code 00:41:07.123456}). */
    public String timeText() {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(timeNanos, 1_000_000_000L),
                Math.floorMod(timeNanos, 1_000_000_000L)));
    }

    /** The disposition's words, with "(NAT)" when the node rewrote the packet. */
    public String dispositionText() {
        return disposition.words() + (natted ? " (NAT)" : "");
    }

    /** The table row's style class: failed, rewritten, not replayed (a held fragment too), or passed. */
    public String styleClass() {
        if (disposition.isFailure()) {
            return "frame-failed";
        }
        if (role == FrameRole.NOT_REPLAYED || role == FrameRole.FRAGMENT || disposition == Disposition.NOT_REPLAYABLE) {
            return "frame-not-replayed";
        }
        return natted ? "frame-nat" : "frame-passed";
    }

    private static String endpoint(String address, int port) {
        if (port < 0 || address.isEmpty()) {
            return address;
        }
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
