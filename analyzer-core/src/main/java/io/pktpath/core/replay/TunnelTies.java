package io.pktpath.core.replay;

import io.pktpath.core.trace.TunnelTie;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Ties tunnel frames to the frames of the packets they carry: an encapsulated packet the node sent to the frame that
 * left on the tunnel device just before it, a received one to the decapsulated frame that follows it on the tunnel
 * device, and says in notes what the kernel did between the two.
 */
final class TunnelTies {
    /** How many outbound frames are kept for finding the inner frame of a later encapsulated one. */
    static final int RECENT = 256;
    /** Overlay tunnel device name prefixes, each with a first letter of its own ({@link #tunnelDevice}). */
    private static final String[] TUNNEL_PREFIXES = {"flannel", "vxlan", "tunl", "genev", "cilium_vxlan"};

    private final ArrayDeque<CapturedPacket> recentOut = new ArrayDeque<>();
    private final Map<Long, TunnelTie> kept = new HashMap<>();
    /** Fwmarks the replay left on packets that cross a tunnel next, by frame: bounded, the oldest forgotten first. */
    private final Map<Long, Long> marks = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RECENT;
        }
    };



    /** Whether {@code iface} is named like an overlay's tunnel device (flannel.1, vxlan.calico, tunl0, genev_sys_6081). */
    static boolean tunnelDevice(String iface) {
        // asked of every frame leaving the node: one prefix per first letter, so a pod's veth (cali..., veth...) or
        // eth0 costs one comparison
        if (iface.isEmpty()) {
            return false;
        }
        String prefix = switch (iface.charAt(0)) {
            case 'f' -> TUNNEL_PREFIXES[0];
            case 'v' -> TUNNEL_PREFIXES[1];
            case 't' -> TUNNEL_PREFIXES[2];
            case 'g' -> TUNNEL_PREFIXES[3];
            case 'c' -> TUNNEL_PREFIXES[4];
            default -> null;
        };
        return prefix != null && iface.startsWith(prefix);
    }

    /** Remembers an outbound frame on a tunnel device: an encapsulated frame sent later may carry it. */
    void sent(CapturedPacket cp) {
        if (!cp.outbound() || !cp.hasPacket() || !tunnelDevice(cp.summary().iface())) {
            return;
        }
        if (recentOut.size() == RECENT) {
            recentOut.pollFirst();
        }
        recentOut.addLast(cp);
    }

    /** The latest remembered outbound frame the outbound tunnel frame {@code outer} carries, or null. */
    CapturedPacket carriedOut(CapturedPacket outer) {
        Encapsulation e = outer.encapsulation().get();
        for (Iterator<CapturedPacket> it = recentOut.descendingIterator(); it.hasNext(); ) {
            CapturedPacket inner = it.next();
            if (e.carries(inner)) {
                it.remove();
                return inner;
            }
        }
        return null;
    }

    /** The first inbound frame in {@code ahead} that the received tunnel frame {@code outer} carries, or null. */
    static CapturedPacket carriedIn(CapturedPacket outer, Iterable<CapturedPacket> ahead, long untilNanos) {
        Encapsulation e = outer.encapsulation().get();
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() > untilNanos) {
                break;
            }
            if (later.inbound() && later.frame() > outer.frame()
                    && !later.summary().iface().equals(outer.summary().iface()) && e.carries(later)) {
                return later;
            }
        }
        return null;
    }

    /** The first outbound tunnel frame in {@code ahead} that carries the outbound frame {@code inner}, or null. */
    static CapturedPacket carrierOut(CapturedPacket inner, Iterable<CapturedPacket> ahead, long untilNanos) {
        for (CapturedPacket later : ahead) {
            if (later.summary().timeNanos() > untilNanos) {
                break;
            }
            if (later.outbound() && later.encapsulation().isPresent() && later.frame() > inner.frame()
                    && later.encapsulation().get().carries(inner)) {
                return later;
            }
        }
        return null;
    }

    /**
     * Remembers the fwmark {@code mark} a run of frame {@code cp} ended with, when the packet crosses a tunnel next: a
     * received tunnel frame (its decapsulated packet keeps it), or a packet leaving on a tunnel device ({@code egress},
     * its frame there, or {@code cp} itself when the node sent it there), whose encapsulated packet keeps it.
     */
    void ran(CapturedPacket cp, CapturedPacket egress, long mark) {
        if (mark == 0) {
            return;
        }
        if (cp.inbound() && cp.encapsulation().isPresent() || cp.outbound() && tunnelDevice(cp.summary().iface())) {
            marks.put(cp.frame(), mark);
        }
        if (egress != null && egress.outbound() && tunnelDevice(egress.summary().iface())) {
            marks.put(egress.frame(), mark);
        }
    }

    /** The fwmark remembered for frame {@code frame} (and forgets it), 0 for none. */
    long markOf(long frame) {
        if (marks.isEmpty()) {
            return 0;
        }
        Long mark = marks.remove(frame);
        return mark == null ? 0 : mark;
    }

    /** What a detail adds for a packet that kept the fwmark {@code mark} across the tunnel (nothing for none). */
    static String keptMark(long mark, String whose) {
        return mark == 0 ? "" : "; it keeps " + whose + " fwmark 0x" + Long.toHexString(mark)
                + " (a tunnel within one network namespace scrubs the packet but leaves its mark)";
    }

    /** Keeps {@code tie} for frame {@code frame}, read once when that frame is replayed. */
    void keepFor(long frame, TunnelTie tie) {
        kept.put(frame, tie);
    }

    /** The tie kept for frame {@code frame} (and forgets it), or null. */
    TunnelTie take(long frame) {
        return kept.isEmpty() ? null : kept.remove(frame);
    }

    /** What the kernel did to the outbound tunnel frame {@code outer}, which carries {@code inner} (null: not captured). */
    static String encapsulatedDetail(CapturedPacket outer, CapturedPacket inner) {
        Encapsulation e = outer.encapsulation().get();
        String sent = "the tunnel driver sends it as the node's own packet, through OUTPUT and POSTROUTING with a"
                + " conntrack entry of its own (not a local process)";
        if (inner == null) {
            return "the " + e.describe() + " encapsulation of " + text(e) + ": " + sent
                    + "; the capture holds no frame of the packet it carries";
        }
        return "the " + e.describe() + " encapsulation of frame " + inner.frame() + " (" + inner.summary().info()
                + ", sent on " + inner.summary().iface() + "): " + sent;
    }

    /** What the kernel did to the received tunnel frame {@code outer}, which carries {@code inner} (null: not captured). */
    static String deliveredDetail(CapturedPacket outer, CapturedPacket inner) {
        Encapsulation e = outer.encapsulation().get();
        String socket = "delivered locally to the node's " + e.describe() + " "
                + (outer.summary().dport() > 0 ? "socket (UDP " + outer.summary().dport() + ")" : "tunnel device")
                + ", which decapsulates it";
        if (inner == null) {
            return socket + "; the capture holds no frame of the packet it carries (" + text(e) + ")";
        }
        return socket + ": the packet it carries is frame " + inner.frame() + " (" + inner.summary().info()
                + "), received on " + inner.summary().iface() + ", where it passes PREROUTING again";
    }

    /** What became of the tunnel frame {@code outer} the node dropped ({@code failed}): nothing was (de)capsulated. */
    static String failedDetail(CapturedPacket outer, io.pktpath.core.trace.Disposition failed) {
        Encapsulation e = outer.encapsulation().get();
        return "the " + e.describe() + " packet carrying " + text(e) + " was " + failed.words() + (outer.inbound()
                ? " before the node's tunnel " + receiver(outer) + " got it: the packet it carries was never decapsulated"
                : " before it left: the packet it carries never reached the other end of the tunnel");
    }

    /** How the decapsulated frame {@code inner} came from the received tunnel frame {@code outer}. */
    static String decapsulatedDetail(CapturedPacket outer, CapturedPacket inner) {
        return "decapsulated from frame " + outer.frame() + " (" + outer.encapsulation().get().describe() + " "
                + outer.summary().info() + " on " + outer.summary().iface() + "), which the node delivered to its tunnel "
                + receiver(outer) + "; received on " + inner.summary().iface();
    }

    /** What takes a received tunnel packet: the UDP socket of VXLAN and Geneve, the tunnel device of IP-in-IP. */
    private static String receiver(CapturedPacket outer) {
        return outer.summary().dport() > 0 ? "socket" : "device";
    }

    /** How the frame {@code inner}, sent on a tunnel device, left again inside the tunnel frame {@code outer}. */
    static String carriedByDetail(CapturedPacket inner, CapturedPacket outer) {
        return "encapsulated by " + inner.summary().iface() + " into frame " + outer.frame() + " ("
                + outer.encapsulation().get().describe() + " " + outer.summary().info() + " on "
                + outer.summary().iface() + "), which the node sent as its own packet";
    }

    /** The carried packet's addresses and ports: "TCP 10.244.1.2:46001 > 10.244.2.5:8080". */
    static String text(Encapsulation e) {
        io.pktpath.core.trace.Tuple t = e.inner();
        String proto = switch (t.protocol()) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPv6";
            default -> "protocol " + t.protocol();
        };
        boolean ports = t.protocol() == 6 || t.protocol() == 17;
        return proto + " " + t.src() + (ports ? ":" + t.sport() : "") + " > " + t.dst() + (ports ? ":" + t.dport() : "");
    }
}
