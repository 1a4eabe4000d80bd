package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.packet.Addresses;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;

/**
 * The sentence of a packet that leaves the node, {@code forwarded out DEV via NEXT-HOP to DST:PORT (NAT: BEFORE became
 * AFTER)} ({@code sent out} for the node's own), written when read: the replay keeps the parts it already holds.
 */
final class LeavingSentence extends DeferredText {
    private final boolean forwarded;
    private final String dev;
    /** The next hop, when it is not the packet's destination; else null. */
    private final IpAddress via;
    /** The packet as it left (its destination and port, and its tuple after NAT). */
    private final Packet left;
    /** The packet's tuple before NAT when NAT changed it; else null. */
    private final Tuple before;

    LeavingSentence(boolean forwarded, String dev, IpAddress via, Packet left, Tuple before) {
        this.forwarded = forwarded;
        this.dev = dev;
        this.via = via;
        this.left = left;
        this.before = before;
    }

    @Override
    protected String write() {
        // a forwarded NATed packet's sentence runs to about 150 characters: room for it without growing
        StringBuilder sb = new StringBuilder(192).append(forwarded ? "forwarded out " : "sent out ").append(dev);
        if (via != null) {
            Addresses.append(sb.append(" via "), via);
        }
        return appendNat(appendEndpoint(sb.append(" to "), left), before, left.tuple()).toString();
    }

    /** Appends the packet's destination, with its port when it has one. */
    static StringBuilder appendEndpoint(StringBuilder sb, Packet p) {
        return p.hasPorts() ? Addresses.appendEndpoint(sb, p.dst(), p.dport()) : Addresses.append(sb, p.dst());
    }

    /** Appends {@code " (NAT: BEFORE became AFTER)"}, or nothing when {@code before} is null (NAT changed nothing). */
    static StringBuilder appendNat(StringBuilder sb, Tuple before, Tuple after) {
        return before == null ? sb : after.appendTo(before.appendTo(sb.append(" (NAT: ")).append(" became ")).append(')');
    }
}
