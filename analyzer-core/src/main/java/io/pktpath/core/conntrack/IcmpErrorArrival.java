package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;

/**
 * An ICMP error seen leaving after conntrack's NAT of RELATED errors, as it arrived: its outer tuple and quoted header
 * with that NAT undone (the inverse of nf_nat_icmp_reply_translation), and the connection of the packet it quotes.
 *
 * @param outer  the outer tuple it arrived with
 * @param quoted the quoted header it arrived with: the inverse of its connection's tuple in the error's direction,
 *               which is what the RELATED lookup of the arriving error finds
 * @param flowId the replay's id of that connection
 */
public record IcmpErrorArrival(Tuple outer, Tuple quoted, long flowId) {

    /**
     * {@code leaving} as it arrived, when it quotes {@code ct}'s tuple in direction {@code quotedDirection}: the kernel
     * rewrote a RELATED error travelling in the other direction so (nf_nat_icmp_reply_translation: where the ct's NAT
     * status applies to the error's direction at a hook, the outer address of that hook's manip becomes the other
     * direction's inverted tuple's, and the quoted header's opposite side its tuple's). Undone: the quoted header is
     * the inverse of the ct's tuple in the error's direction; a destination the DST manip rewrote was that tuple's
     * destination (where the quoted packet came from); a source the SRC manip rewrote was that tuple's source, the host
     * the quoted packet was sent to (the one the DNAT picked: the kernel's rewrite leaves no trace of a router on the
     * way that may have sent it instead). Outer addresses no manip rewrote are the ones it left with.
     */
    static IcmpErrorArrival of(Packet leaving, Connection ct, CtDirection quotedDirection) {
        CtDirection dir = quotedDirection.opposite();
        boolean original = dir == CtDirection.ORIGINAL;
        Tuple own = original ? ct.original() : ct.reply();
        boolean dstRewritten = original ? ct.isDnat() : ct.isSnat();
        boolean srcRewritten = original ? ct.isSnat() : ct.isDnat();
        Tuple outer = new Tuple(leaving.proto(), srcRewritten ? own.src() : leaving.src(), leaving.tupleSourceId(),
                dstRewritten ? own.dst() : leaving.dst(), leaving.tupleDestinationId());
        return new IcmpErrorArrival(outer, Tuples.invert(own), ct.id());
    }
}
