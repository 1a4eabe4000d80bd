package io.pktpath.core.routing;

import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;

/**
 * The per-interface sysctl values the input checks read, combined as the kernel does (rp_filter max of all and device,
 * the others all OR device, forwarding from the device or ip_forward), each with its explanation text, computed once.
 */
record InterfaceConf(long rpFilter, String rpFilterText, boolean acceptLocal, String acceptLocalText,
                     boolean srcValidMark, boolean routeLocalnet, String routeLocalnetText, boolean forwardingV4,
                     String forwardingV4Text, boolean forwardingV6, String forwardingV6Text) {

    static InterfaceConf of(Sysctls s, String iface) {
        long rpf = s.rpFilter(iface).value();
        boolean acceptLocal = s.acceptLocal(iface).value() != 0;
        boolean localnet = s.routeLocalnet(iface).value() != 0;
        Setting<Long> fwd4 = s.forwarding(iface);
        Setting<Long> fwd6 = s.ipv6Forwarding(iface);
        return new InterfaceConf(rpf, SysctlText.combined(s, "rp_filter", iface, rpf, "max"), acceptLocal,
                SysctlText.combined(s, "accept_local", iface, acceptLocal ? 1 : 0, "OR"),
                s.srcValidMark(iface).value() != 0, localnet,
                SysctlText.combined(s, "route_localnet", iface, localnet ? 1 : 0, "OR"),
                fwd4.value() != 0, SysctlText.single("forwarding", fwd4) + " on " + iface,
                fwd6.value() != 0, SysctlText.single("forwarding", fwd6) + " on " + iface);
    }
}
