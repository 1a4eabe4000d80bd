package io.pktpath.core.trace;

/**
 * Which rule of the kernel's ARP handling (net/ipv4/arp.c) decided what the node did with an ARP frame, each with the
 * stable lower-case code the JSON output carries.
 */
public enum ArpRule {
    /** A request for a local address, answered with the input device's MAC. */
    LOCAL("local"),
    /** A request for a local address that arp_ignore keeps unanswered. */
    ARP_IGNORE("arp_ignore"),
    /** A request for a local address that arp_filter keeps unanswered (the route back leaves by another device). */
    ARP_FILTER("arp_filter"),
    /** A duplicate address probe (sender 0.0.0.0) for a local address, answered. */
    DAD_PROBE("dad_probe"),
    /** A request for an address beyond another device, answered by proxy_arp. */
    PROXY_ARP("proxy_arp"),
    /** A request for an address on the input device's own segment, answered by proxy_arp_pvlan. */
    PROXY_ARP_PVLAN("proxy_arp_pvlan"),
    /** A request answered for an {@code ip neigh add proxy} entry. */
    PROXY_ENTRY("proxy_entry"),
    /** A request for an address that is not local and that no proxy rule answers. */
    NOT_LOCAL("not_local"),
    /** A request whose input route lookup (tip, sip, device) failed or is not local or unicast. */
    ROUTE("route"),
    /** A request for a multicast or loopback address, which arp_process drops first. */
    BAD_TARGET("bad_target"),
    /** A frame addressed to another host's MAC, which arp_rcv drops. */
    OTHER_HOST("other_host"),
    /** A reply received: it updates the neighbour entry of its sender. */
    REPLY_RECEIVED("reply_received"),
    /** A request the node sent to resolve a next hop (arp_solicit). */
    SOLICIT("solicit"),
    /** A reply the node sent. */
    REPLY_SENT("reply_sent");

    private final String code;

    ArpRule(String code) {
        this.code = code;
    }

    /** The stable code of docs/jsonl.md, e.g. {@code proxy_arp}. */
    public String code() {
        return code;
    }
}
