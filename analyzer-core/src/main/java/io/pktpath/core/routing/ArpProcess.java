package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.List;
import java.util.Optional;

/**
 * net/ipv4/arp.c arp_process's answer to an IPv4 ARP request received on a device that is not a bridge port: requests
 * for multicast and loopback targets are dropped; a duplicate address probe (sender 0.0.0.0) is answered for a local
 * target that arp_ignore allows; otherwise the input route of (target, sender, device) decides: a local target is
 * answered unless arp_ignore (max of all and the device) or arp_filter forbids it, a unicast target reached through
 * another device is answered by proxy_arp (all OR device, with medium_id) or an {@code ip neigh} proxy entry, one on the
 * device's own segment by proxy_arp_pvlan; everything else is not answered.
 */
final class ArpProcess {
    private static final int SCOPE_LINK = 253;

    private final NodeFib fib;
    private final RouteResolver resolver;
    private final NeighborTable neighbors;

    ArpProcess(NodeFib fib, RouteResolver resolver, NeighborTable neighbors) {
        this.fib = fib;
        this.resolver = resolver;
        this.neighbors = neighbors;
    }

    ArpDecision request(String dev, IpAddress sender, IpAddress target) {
        Sysctls s = fib.sysctls();
        String asked = "who-has " + target + " tell " + sender + " on " + dev;
        if (target.isMulticast() || isLoopback(target) && s.routeLocalnet(dev).value() == 0) {
            return new ArpDecision(false, ArpRule.BAD_TARGET, asked + ": " + target + " is a "
                    + (target.isMulticast() ? "multicast" : "loopback") + " address, which arp_process never answers");
        }
        if (sender.v4Bits() == 0) {
            if (!fib.isLocal(target)) {
                return new ArpDecision(false, ArpRule.NOT_LOCAL, asked + ": a duplicate address probe for "
                        + target + ", which is not a local address: not answered");
            }
            Optional<String> ignored = ignores(dev, sender, target);
            return ignored.map(why -> new ArpDecision(false, ArpRule.ARP_IGNORE, asked + ": a duplicate address probe"
                            + " for the local address " + target + ", but " + why + ": not answered"))
                    .orElseGet(() -> new ArpDecision(true, ArpRule.DAD_PROBE, asked + ": a duplicate address probe for"
                            + " the local address " + target + " (" + ignoreText(dev) + "): answered with " + dev
                            + "'s MAC, to show the address is taken"));
        }
        RouteResult r = resolver.input(Packet.synthetic(IpFamily.V4, 0, sender, 0, target, 0, dev, false));
        List<CheckStep> checks = r.checks();
        switch (r.kind()) {
            case LOCAL -> {
                return local(dev, sender, target, asked, checks);
            }
            case FORWARD -> {
                return forwarded(dev, sender, target, asked, r, checks);
            }
            case CHECK_FAILED -> {
                String why = r.failedCheck().map(c -> c.check() + " (" + c.detail() + ")").orElse("an input check");
                return new ArpDecision(false, ArpRule.ROUTE, asked + ": the input route lookup for " + target + " from "
                        + sender + " failed at " + why + ": not answered", checks);
            }
            default -> {
                return new ArpDecision(false, ArpRule.ROUTE, asked + ": the input route to " + target + " is "
                        + r.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + ", neither local nor unicast: not answered", checks);
            }
        }
    }

    private ArpDecision local(String dev, IpAddress sender, IpAddress target, String asked, List<CheckStep> checks) {
        Optional<String> ignored = ignores(dev, sender, target);
        if (ignored.isPresent()) {
            return new ArpDecision(false, ArpRule.ARP_IGNORE, asked + ": " + target + " is a local address, but "
                    + ignored.get() + ": not answered", checks);
        }
        Sysctls s = fib.sysctls();
        Setting<Long> filter = s.arpFilter(dev);
        String filterText = "";
        if (filter.value() != 0) {
            // arp_filter: ip_route_output(daddr sip, saddr tip); no reply unless it leaves by the input device
            RouteResult back = resolver.output(Packet.synthetic(IpFamily.V4, 0, target, 0, sender, 0, "", true));
            Optional<String> out = back.kind() == RouteKind.SEND ? back.outDev() : Optional.empty();
            String filterSetting = SysctlText.combined(s, "arp_filter", dev, 1, "OR");
            if (out.isEmpty() || !out.get().equals(dev)) {
                return new ArpDecision(false, ArpRule.ARP_FILTER, asked + ": " + target + " is a local address, but "
                        + filterSetting + " and the route from " + target + " to " + sender
                        + out.map(o -> " leaves by " + o).orElse(" fails") + ", not by " + dev + ": not answered", checks);
            }
            filterText = ", " + filterSetting + " and the route back leaves by " + dev;
        }
        return new ArpDecision(true, ArpRule.LOCAL, asked + ": " + target + " is a local address (" + ignoreText(dev)
                + filterText + "): answered with " + dev + "'s MAC", checks);
    }

    private ArpDecision forwarded(String dev, IpAddress sender, IpAddress target, String asked, RouteResult r,
                                  List<CheckStep> checks) {
        Sysctls s = fib.sysctls();
        String outDev = r.outDev().orElse("");
        String via = "the route to " + target + " leaves by " + outDev;
        Setting<Long> proxy = s.proxyArp(dev);
        String proxyText = SysctlText.combined(s, "proxy_arp", dev, proxy.value(), "OR");
        if (!outDev.equals(dev)) {
            if (proxy.value() != 0) {
                long in = s.mediumId(dev).value();
                long out = s.mediumId(outDev).value();
                if (in == 0 || in != -1 && out != in && out != -1) {
                    return new ArpDecision(true, ArpRule.PROXY_ARP, asked + ": " + proxyText + " and " + via
                            + (in == 0 ? "" : " (medium_id " + in + " on " + dev + ", " + out + " on " + outDev + ")")
                            + ": answered with " + dev + "'s MAC", checks);
                }
            }
            if (neighbors.hasProxyEntry(target, dev)) {
                return new ArpDecision(true, ArpRule.PROXY_ENTRY, asked + ": ip neigh holds a proxy entry for "
                        + target + " on " + dev + " and " + via + ": answered with " + dev + "'s MAC", checks);
            }
            return new ArpDecision(false, ArpRule.NOT_LOCAL, asked + ": " + target + " is not a local address, "
                    + via + ", " + proxyText + (proxy.value() != 0 ? " but medium_id keeps it from answering" : "")
                    + " and ip neigh holds no proxy entry for it: not answered", checks);
        }
        Setting<Long> pvlan = s.proxyArpPvlan(dev);
        if (pvlan.value() != 0 && !sender.equals(target)) {
            return new ArpDecision(true, ArpRule.PROXY_ARP_PVLAN, asked + ": " + via + " itself and "
                    + SysctlText.single("proxy_arp_pvlan", pvlan) + ": answered with " + dev + "'s MAC", checks);
        }
        return new ArpDecision(false, ArpRule.NOT_LOCAL, asked + ": " + target + " is not a local address and " + via
                + " itself: neither proxy_arp (" + proxyText + ") nor a proxy entry answers for the device's own"
                + " segment, and proxy_arp_pvlan is " + pvlan.value() + ": not answered", checks);
    }

    /**
     * Why arp_ignore (max of all and the device) keeps a request for the local {@code target} from {@code sender}
     * unanswered, or empty when it lets the node answer (as the kernel's arp_ignore and inet_confirm_addr decide).
     */
    Optional<String> ignores(String dev, IpAddress sender, IpAddress target) {
        Setting<Long> level = fib.sysctls().arpIgnore(dev);
        String text = ignoreText(dev);
        int v = (int) Math.min(level.value(), Integer.MAX_VALUE);
        switch (v) {
            case 1, 2 -> {
                List<InterfaceAddress> own = addresses(dev);
                // inet_confirm_addr takes any scope here: it compares min(scope, host) with host
                boolean configured = own.stream().anyMatch(a -> a.address().equals(target));
                if (!configured) {
                    return Optional.of(text + " and " + target + " is not configured on " + dev);
                }
                if (v == 2 && sender.v4Bits() != 0
                        && own.stream().noneMatch(a -> a.cidr().contains(target) && a.cidr().contains(sender))) {
                    return Optional.of(text + " and " + sender + " is not in the subnet of " + dev + "'s address "
                            + target);
                }
                return Optional.empty();
            }
            case 3 -> {
                for (NetInterface i : fib.interfaces().all()) {
                    for (InterfaceAddress a : i.addresses()) {
                        if (a.address().equals(target) && scope(a) <= SCOPE_LINK) {
                            return Optional.empty();
                        }
                    }
                }
                return Optional.of(text + " and " + target + " is a host-scope address");
            }
            case 8 -> {
                return Optional.of(text + ", which never answers");
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private String ignoreText(String dev) {
        Sysctls s = fib.sysctls();
        return SysctlText.combined(s, "arp_ignore", dev, s.arpIgnore(dev).value(), "max");
    }

    private List<InterfaceAddress> addresses(String dev) {
        return fib.interfaces().byName(dev).map(i -> i.addresses().stream()
                .filter(a -> a.family() == IpFamily.V4).toList()).orElse(List.of());
    }

    private static boolean isLoopback(IpAddress a) {
        return a.isV4() && (a.v4Bits() >>> 24) == 127;
    }

    /** The kernel's rt_scope of an {@code ip addr} scope word (or number). */
    private static int scope(InterfaceAddress a) {
        return switch (a.scope()) {
            case "global" -> 0;
            case "site" -> 200;
            case "link" -> SCOPE_LINK;
            case "host" -> 254;
            case "nowhere" -> 255;
            default -> {
                try {
                    yield Integer.parseInt(a.scope());
                } catch (NumberFormatException e) {
                    yield 0;
                }
            }
        };
    }
}
