package io.pktpath.core.capture;

/**
 * File format of a capture, detected from its first four bytes: a pcap magic number ({@code a1b2c3d4}, or
 * {@code a1b23c4d} for nanosecond timestamps, in either byte order) or the pcapng section header block type
 * {@code 0a0d0d0a}.
 */
public enum CaptureFormat {
    /** Classic libpcap file (pcap-savefile(5)). */
    PCAP,
    /** pcapng (draft-ietf-opsawg-pcapng). */
    PCAPNG,
    /** Neither: the file could not be read as a capture. */
    UNKNOWN
}
