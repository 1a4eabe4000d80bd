package io.pktpath.core.capture;

/** LINKTYPE_* values (tcpdump.org/linktypes.html) that pktpath knows, with their names. */
public final class LinkType {
    /** BSD loopback: 4-byte address family in host byte order. */
    public static final int NULL = 0;
    /** IEEE 802.3 Ethernet. */
    public static final int ETHERNET = 1;
    /** Raw IP as written by some BSDs (DLT 12). */
    public static final int RAW_12 = 12;
    /** Raw IP as written by some BSDs (DLT 14). */
    public static final int RAW_14 = 14;
    /** Raw IPv4 or IPv6, version from the first nibble. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** Linux cooked capture v1. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4. */
    public static final int IPV4 = 228;
    /** Raw IPv6. */
    public static final int IPV6 = 229;
    /** Linux netfilter NFLOG messages. */
    public static final int NFLOG = 239;
    /** Linux cooked capture v2. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** Short name of a link type, or "LINKTYPE_n" for one pktpath does not know. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case RAW_12, RAW_14, RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case NFLOG -> "NFLOG";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }

    /** Whether the packet decoder understands frames of this link type. */
    public static boolean isDecodable(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW_12, RAW_14, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
