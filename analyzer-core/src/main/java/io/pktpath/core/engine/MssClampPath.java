package io.pktpath.core.engine;

import java.util.Objects;

/**
 * The two MTUs {@code TCPMSS --clamp-mss-to-pmtu} takes the smaller of (xt_TCPMSS): the MTU of the packet's route out
 * of {@code outDevice} and that of the route from the node back to the packet's source (tcpmss_reverse_mtu, out of
 * {@code reverseDevice}); an MTU is 0 when the bundle does not tell it, and the reverse device empty when no route leads
 * back (the kernel then takes the forward MTU alone).
 */
public record MssClampPath(int forwardMtu, String outDevice, int reverseMtu, String reverseDevice) {
    /** IPv4 and TCP headers without options: what xt_TCPMSS takes off the path MTU for IPv4. */
    public static final int IPV4_TCP_HEADERS = 40;

    public MssClampPath {
        Objects.requireNonNull(outDevice, "outDevice");
        Objects.requireNonNull(reverseDevice, "reverseDevice");
    }

    /** The path MTU the clamp uses: the smaller of the known MTUs, 0 when the forward one is unknown. */
    public int pathMtu() {
        if (forwardMtu <= 0) {
            return 0;
        }
        return reverseMtu > 0 ? Math.min(forwardMtu, reverseMtu) : forwardMtu;
    }

    /** The MSS an IPv4 SYN's larger MSS option is lowered to: the path MTU less 40, 0 when unknown or too small. */
    public int clampedMssV4() {
        int mtu = pathMtu();
        return mtu > IPV4_TCP_HEADERS ? mtu - IPV4_TCP_HEADERS : 0;
    }
}
