package io.pktpath.core.packet;

/** Encapsulation whose inner packet is decoded into {@link PacketView#inner()}. */
public enum TunnelType {
    /** No decoded encapsulation. */
    NONE,
    /** VXLAN, RFC 7348 (UDP 4789, or 8472 as used by Linux and flannel). */
    VXLAN,
    /** Geneve, RFC 8926 (UDP 6081). */
    GENEVE,
    /** IPv4 or IPv6 in IPv4/IPv6 (IP protocol 4), RFC 2003. */
    IPIP,
    /** IPv6 in IPv4/IPv6 (IP protocol 41), RFC 4213. */
    IPV6_IN_IP
}
