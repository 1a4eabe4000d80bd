package io.pktpath.core.capture;

/** File format of a capture, detected from its first four bytes. */
public enum CaptureFormat {
    /** Classic libpcap file (pcap-savefile(5)). */
    PCAP,
    /** pcapng (draft-ietf-opsawg-pcapng). */
    PCAPNG,
    /** Neither: the file could not be read as a capture. */
    UNKNOWN
}
