package io.pktpath.core.routing;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

/** Fixed address classes the kernel tests before any table lookup (multicast, limited broadcast, zeronet, loopback). */
final class AddressClass {
    static final IpAddress V4_ANY = IpAddress.v4(0);
    static final IpAddress V6_ANY = IpAddress.v6(0, 0);
    static final IpAddress V4_LOOPBACK = IpAddress.v4(0x7f000001);
    static final IpAddress V6_LOOPBACK = IpAddress.v6(0, 1);

    private AddressClass() {
    }

    static IpAddress unspecified(IpFamily family) {
        return family == IpFamily.V4 ? V4_ANY : V6_ANY;
    }

    static IpAddress loopback(IpFamily family) {
        return family == IpFamily.V4 ? V4_LOOPBACK : V6_LOOPBACK;
    }

    static boolean isUnspecified(IpAddress a) {
        return a.hi() == 0 && a.lo() == 0;
    }

    /** 224.0.0.0/4 or ff00::/8. */
    static boolean isMulticast(IpAddress a) {
        return a.isMulticast();
    }

    /** 255.255.255.255. */
    static boolean isLimitedBroadcast(IpAddress a) {
        return a.isV4() && a.lo() == 0xffffffffL;
    }

    /** 0.0.0.0/8. */
    static boolean isZeroNet(IpAddress a) {
        return a.isV4() && (a.lo() >>> 24) == 0;
    }

    /** 127.0.0.0/8 or ::1. */
    static boolean isLoopback(IpAddress a) {
        return a.isV4() ? (a.lo() >>> 24) == 127 : a.hi() == 0 && a.lo() == 1;
    }

    /** fe80::/10. */
    static boolean isLinkLocalV6(IpAddress a) {
        return !a.isV4() && (a.hi() >>> 54) == 0x3fa;
    }
}
