package io.pktpath.core.replay;

import io.pktpath.core.engine.Packet;

/**
 * A forwarded packet seen only leaving, rebuilt as it arrived on a device the capture lacks ({@link NodePath#arrivalsOf},
 * {@link NodePath#errorArrivalOf}), with what its addresses were taken from and among how many addresses that source
 * allowed (a DNAT rule's endpoint may serve several services: the first the rules give is taken).
 */
public record Arrival(Packet packet, Basis basis, int candidates) {
    /** Where the rebuilt packet's addresses come from. */
    public enum Basis {
        /** The connection conntrack holds for it: its original tuple, or its reply tuple before the NAT was undone. */
        CONNECTION("its addresses from the connection conntrack holds for it"),
        /** The connection the bundle's {@code conntrack -L} holds for it, taken after its packets: its original tuple. */
        CONNTRACK_DUMP("its addresses from the connection the bundle's conntrack -L holds for it"),
        /** The DNAT rule that gave it its destination (kube-proxy's service rules): its destination before the rule. */
        DNAT_RULE("its destination before the DNAT rule that sent it there"),
        /** Neither: no connection and no DNAT rule of the node gives it other addresses than the ones it left with. */
        UNCHANGED("the addresses it left with, as neither a connection nor a DNAT rule of the node gives it others"),
        /**
         * An ICMP error from another host, the node owing none for the packet it quotes: its outer addresses and quoted
         * header from the connection conntrack holds for that packet, that connection's NAT undone. Its sender, when
         * the undoing of a DNAT rewrote it, is taken to be the connection's endpoint.
         */
        QUOTED_CONNECTION("an ICMP error from another host, the node owing none: its outer and quoted addresses from the"
                + " connection conntrack holds for the packet it quotes, that connection's NAT undone");

        /** Whether the addresses are a guess that stands only if the packet's replay leaves as the frame shows. */
        public boolean guessed() {
            return this == DNAT_RULE || this == UNCHANGED || this == QUOTED_CONNECTION;
        }

        private final String why;

        Basis(String why) {
            this.why = why;
        }

        /** What the addresses were taken from, as a trace note says it. */
        public String why() {
            return why;
        }
    }
}
