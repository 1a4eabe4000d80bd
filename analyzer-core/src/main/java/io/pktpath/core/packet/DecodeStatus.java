package io.pktpath.core.packet;

/** Outcome of decoding a frame: truncation ("not enough bytes") is kept apart from malformation ("bytes make no sense"). */
public enum DecodeStatus {
    /** Every header present was decoded. */
    OK,
    /** A header is cut short; the message says "needed N bytes, have M". */
    TRUNCATED,
    /** A header field has an impossible value. */
    MALFORMED,
    /** The frame's link type is not decoded (e.g. NFLOG). */
    UNSUPPORTED_LINKTYPE,
    /** The frame carries no IP packet (ARP, LLDP, ...); link fields are still set. */
    NOT_IP
}
