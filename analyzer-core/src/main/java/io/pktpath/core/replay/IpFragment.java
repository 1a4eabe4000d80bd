package io.pktpath.core.replay;

/**
 * Where one fragment frame belongs in its datagram, as nf_defrag reads it: the IPv4 identification (IPv6: the
 * fragment header's), the offset and length of the data it carries, whether more fragments follow (MF/M), and the
 * length of the headers before its data (IPv4 header with options; IPv6 header with every extension header up to and
 * including the fragment header).
 */
public record IpFragment(long id, int offset, int dataLength, boolean more, int headerLength) {
    /** The first fragment: it carries the transport header. */
    public boolean first() {
        return offset == 0;
    }

    /** The offset just past this fragment's data. */
    public int end() {
        return offset + dataLength;
    }
}
