package io.pktpath.core.routing;

import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.sysctl.Setting;

/**
 * arp_process's answer rule (netfilter-semantics §6.5): own addresses are answered on any interface; another target is
 * answered with the interface's MAC when the route to it is unicast through a different device, forwarding is on for
 * the interface, and proxy_arp (all OR device) is 1 or {@code ip neigh} holds a proxy entry for it.
 */
final class ProxyArp {
    private ProxyArp() {
    }

    static ProxyArpDecision decide(NodeFib fib, NeighborTable neighbors, String iface, IpAddress sender,
                                   IpAddress target) {
        if (fib.isLocal(target)) {
            return new ProxyArpDecision(true, target + " is a local address: answered on " + iface);
        }
        FlowKey k = new FlowKey(target.family(), sender, target, iface, 0, 0, 0, 0, false, true);
        FibOutcome o = fib.walker(target.family()).walk(k);
        if (!o.found() || o.type().get() != RouteType.UNICAST) {
            return new ProxyArpDecision(false, "the route to " + target + " is "
                    + o.type().map(RouteType::keyword).orElse("missing") + ": not answered");
        }
        String outDev = fib.nextHops(o.route().orElseThrow()).get(0).dev();
        if (outDev.equals(iface)) {
            return new ProxyArpDecision(false, "the route to " + target + " leaves via " + iface
                    + " itself: not answered");
        }
        Setting<Long> fwd = fib.sysctls().forwarding(iface);
        if (fwd.value() == 0) {
            return new ProxyArpDecision(false, SysctlText.single("forwarding", fwd) + " on " + iface
                    + ": not answered");
        }
        Setting<Long> proxy = fib.sysctls().proxyArp(iface);
        String via = "route to " + target + " leaves via " + outDev;
        if (proxy.value() != 0) {
            return new ProxyArpDecision(true, SysctlText.combined(fib.sysctls(), "proxy_arp", iface, 1, "OR")
                    + ", " + via + ": answered with " + iface + "'s MAC");
        }
        if (neighbors.hasProxyEntry(target, iface)) {
            return new ProxyArpDecision(true, "ip neigh proxy entry for " + target + " on " + iface + ", " + via
                    + ": answered with " + iface + "'s MAC");
        }
        return new ProxyArpDecision(false, SysctlText.combined(fib.sysctls(), "proxy_arp", iface, 0, "OR")
                + " and no proxy entry: not answered");
    }
}
