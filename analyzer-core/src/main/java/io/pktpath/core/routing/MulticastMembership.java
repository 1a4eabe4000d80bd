package io.pktpath.core.routing;

import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.JoinedGroup;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Sysctls;

import java.util.List;
import java.util.Optional;

/**
 * Whether an input device has joined a multicast group. When {@code ip maddr} lists groups of the packet's family on the
 * device, that list is the kernel's own (the one ip_check_mc_rcu and ipv6_chk_mcast_addr search) and answers for every
 * group; otherwise (no listing, or none of the device or family) the answer is decided for the groups the kernel itself
 * joins or leaves alone (all-hosts/all-nodes, solicited-node, all-routers, the IGMPv3/MLDv2 report groups) from the
 * bundle's addresses and sysctls, and any other group is {@link Answer#UNKNOWN}, since sockets join it.
 */
final class MulticastMembership {
    /** The three answers: joined by the kernel, not joined (the kernel drops the packet), or not knowable here. */
    enum Answer { JOINED, NOT_JOINED, UNKNOWN }

    /** An answer with the words saying why. */
    record Membership(Answer answer, String detail) {
    }

    private static final long V4_ALL_HOSTS = 0xe0000001L;
    private static final long V4_ALL_ROUTERS = 0xe0000002L;
    private static final long V4_IGMPV3_REPORTS = 0xe0000016L;
    private static final long V6_LINK = 0xff02000000000000L;
    private static final long V6_NODE = 0xff01000000000000L;
    private static final long V6_SITE = 0xff05000000000000L;
    private static final long V6_SOLICITED_PREFIX = 0x00000001ff000000L;
    /** Where the kernel drops a packet to a group its input device has not joined, per family. */
    private static final String V4_DROP = "ip_route_input (ip_check_mc_rcu)";
    private static final String V6_DROP = "ip6_mc_input (ipv6_chk_mcast_addr)";

    private final Interfaces interfaces;
    private final Sysctls sysctls;
    private final List<MulticastGroups> listed;

    /** The device memberships {@code listed} by {@code ip maddr} (empty: none listed). */
    MulticastMembership(Interfaces interfaces, Sysctls sysctls, List<MulticastGroups> listed) {
        this.interfaces = interfaces;
        this.sysctls = sysctls;
        this.listed = List.copyOf(listed);
    }

    /** Whether {@code dev} (with its settings {@code conf}) has joined {@code group}. */
    Membership of(IpAddress group, String dev, InterfaceConf conf) {
        Optional<MulticastGroups> list = MulticastGroups.byName(listed, dev).filter(m -> m.lists(group.family()));
        if (list.isPresent()) {
            return fromListing(group, dev, list.get());
        }
        return group.isV4() ? v4(group, dev) : v6(group, dev, conf);
    }

    /**
     * The answer of the device's {@code ip maddr} list, which wins over the kernel's rules below: it is what the kernel
     * joined, a socket's groups and a routing daemon's included.
     */
    private static Membership fromListing(IpAddress group, String dev, MulticastGroups list) {
        Optional<JoinedGroup> g = list.find(group);
        if (g.isPresent()) {
            return joined(group + " is joined on " + dev + " (ip maddr, " + g.get().span() + ")");
        }
        String where = group.isV4() ? V4_DROP : V6_DROP;
        return new Membership(Answer.NOT_JOINED, group + " is not joined on " + dev + " (ip maddr, " + list.span()
                + "): the kernel drops it in " + where);
    }

    private Membership v4(IpAddress group, String dev) {
        long g = group.lo();
        if (g == V4_ALL_HOSTS) {
            return joined(group + " (all-hosts) is joined by the kernel on every interface");
        }
        if (g == V4_ALL_ROUTERS || g == V4_IGMPV3_REPORTS) {
            String what = g == V4_ALL_ROUTERS ? "all-routers" : "IGMPv3 reports";
            return routersOnly(group, what, dev, IpFamily.V4);
        }
        return unknown(group, dev);
    }

    private Membership v6(IpAddress group, String dev, InterfaceConf conf) {
        long hi = group.hi();
        long lo = group.lo();
        if ((hi == V6_LINK || hi == V6_NODE) && lo == 1) {
            return joined(group + " (all-nodes) is joined by the kernel on every interface");
        }
        if ((hi == V6_LINK || hi == V6_NODE || hi == V6_SITE) && lo == 2) {
            if (!conf.forwardingV6()) {
                return routersOnly(group, "all-routers, joined only with IPv6 forwarding: " + conf.forwardingV6Text(),
                        dev, IpFamily.V6);
            }
            if (hi == V6_LINK) {
                return joined(group + " (all-routers) is joined by the kernel on an interface with IPv6 forwarding ("
                        + conf.forwardingV6Text() + ")");
            }
            return new Membership(Answer.UNKNOWN, "delivered locally only if " + dev + " joined " + group
                    + ": the kernel joins it when IPv6 forwarding is turned on after the interface appeared ("
                    + conf.forwardingV6Text() + "); assumed joined");
        }
        if (hi == V6_LINK && lo == 0x16) {
            return routersOnly(group, "MLDv2 reports", dev, IpFamily.V6);
        }
        if (hi == V6_LINK && (lo & 0xffffffffff000000L) == V6_SOLICITED_PREFIX) {
            return solicitedNode(group, dev, conf);
        }
        return unknown(group, dev);
    }

    /** The solicited-node group of every address of the device, and with forwarding of every subnet-router anycast. */
    private Membership solicitedNode(IpAddress group, String dev, InterfaceConf conf) {
        Optional<NetInterface> i = interfaces.byName(dev);
        if (i.isEmpty()) {
            return unknown(group, dev);
        }
        long low24 = group.lo() & 0xffffffL;
        for (InterfaceAddress a : i.get().addresses()) {
            if (a.family() != IpFamily.V6) {
                continue;
            }
            if ((a.address().lo() & 0xffffffL) == low24) {
                return joined(group + " is the solicited-node group of " + a.address() + " on " + dev
                        + ", joined by the kernel");
            }
            int len = a.cidr().prefixLength();
            IpAddress anycast = a.address().masked(len);
            if (conf.forwardingV6() && len < 127 && !AddressClass.isUnspecified(anycast)
                    && (anycast.lo() & 0xffffffL) == low24) {
                return joined(group + " is the solicited-node group of the subnet-router anycast " + anycast + " of "
                        + a.cidr() + " on " + dev + ", joined by the kernel with IPv6 forwarding (" + conf.forwardingV6Text()
                        + ")");
            }
        }
        return new Membership(Answer.NOT_JOINED, group + " is a solicited-node group and no address of " + dev
                + " (ip addr) ends in its low 24 bits: the kernel drops it in " + V6_DROP);
    }

    /** A group only multicast routers join: not joined unless the bundle shows multicast routing. */
    private Membership routersOnly(IpAddress group, String what, String dev, IpFamily f) {
        String family = f == IpFamily.V4 ? "ipv4" : "ipv6";
        String where = f == IpFamily.V4 ? V4_DROP : V6_DROP;
        String all = SysctlText.conf(family, "all", "mc_forwarding");
        String own = SysctlText.conf(family, dev, "mc_forwarding");
        boolean routing = sysctls.number(all).orElse(0L) != 0 || sysctls.number(own).orElse(0L) != 0;
        if (routing) {
            return new Membership(Answer.UNKNOWN, "delivered locally only if " + dev + " joined " + group + " (" + what
                    + "): multicast routing is on (" + all + " or " + own + " = 1), a routing daemon may have joined it;"
                    + " assumed joined");
        }
        return new Membership(Answer.NOT_JOINED, group + " (" + what + ") is not joined on " + dev + ": only a multicast"
                + " router listens to it and " + all + " is " + sysctls.raw(all).map(String::trim).orElse("absent (0)")
                + "; the kernel drops it in " + where);
    }

    private static Membership joined(String detail) {
        return new Membership(Answer.JOINED, detail);
    }

    private Membership unknown(IpAddress group, String dev) {
        String why = listed.isEmpty() ? "group membership is not in the bundle"
                : "ip maddr lists no " + (group.isV4() ? "IPv4" : "IPv6") + " group of " + dev;
        return new Membership(Answer.UNKNOWN, "delivered locally only if a socket joined " + group + " on " + dev
                + " (" + why + "); assumed joined");
    }
}
