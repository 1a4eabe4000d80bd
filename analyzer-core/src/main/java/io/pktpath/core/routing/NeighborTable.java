package io.pktpath.core.routing;

import io.pktpath.core.trace.Hook;

import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.Neighbor;
import io.pktpath.parser.iproute.NeighborState;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The {@code ip neigh} snapshot as the kernel would use it (netfilter-semantics §6.5): devices that need no resolution
 * (loopback, NOARP, point-to-point, tunnels without a link layer), group addresses, then the entry's NUD state.
 */
final class NeighborTable {
    private static final Set<String> NO_LINK_LAYER = Set.of("none", "loopback", "ipip", "sit", "gre", "ip6tnl",
            "tunnel6", "void");

    /** At most this many answers are remembered (next hops of a node are few; the bound only caps memory). */
    static final int MAX_REMEMBERED = 1 << 14;

    private final Map<String, Neighbor> entries = new HashMap<>();
    /**
     * The answers given so far, each with its next hop and device: the snapshot never changes, so neither does the
     * answer for a next hop and device.
     */
    private final DeviceAddressAnswers<NeighborAnswer> answers = new DeviceAddressAnswers<>(MAX_REMEMBERED);
    private final Map<String, Neighbor> proxies = new HashMap<>();
    private final Interfaces interfaces;

    NeighborTable(List<Neighbor> neighbors, Interfaces interfaces) {
        this.interfaces = interfaces;
        for (Neighbor n : neighbors) {
            (n.proxy() ? proxies : entries).putIfAbsent(key(n.address(), n.dev()), n);
        }
    }

    private static String key(IpAddress a, String dev) {
        return dev + " " + a;
    }

    /** True when {@code ip neigh} lists an explicit proxy entry ({@code ip neigh add proxy}) for the address on the device. */
    boolean hasProxyEntry(IpAddress target, String dev) {
        return proxies.containsKey(key(target, dev));
    }

    /** The answer for {@code nextHop} on {@code dev}, the same one each time it is asked (made once). */
    NeighborResult lookup(IpAddress nextHop, String dev) {
        return answered(nextHop, dev).result();
    }

    /** {@link #lookup} with the trace step a packet resolving the next hop in POSTROUTING gets (the same one each time). */
    NeighborAnswer answered(IpAddress nextHop, String dev) {
        return answers.get(dev, nextHop, (device, hop) -> {
            NeighborResult r = answer(hop, device);
            return new NeighborAnswer(r, r.toStep(Hook.POSTROUTING));
        });
    }

    private NeighborResult answer(IpAddress nextHop, String dev) {
        String protocol = nextHop.isV4() ? "ARP" : "NDP";
        Optional<String> noArp = noResolutionNeeded(nextHop, dev);
        if (noArp.isPresent()) {
            return new NeighborResult(nextHop, dev, "NOARP", Optional.empty(), Deliverability.DELIVERABLE, noArp.get());
        }
        Neighbor n = entries.get(key(nextHop, dev));
        if (n == null) {
            return new NeighborResult(nextHop, dev, "none", Optional.empty(), Deliverability.NOT_DELIVERABLE,
                    "no entry for " + nextHop + " on " + dev + " in ip neigh: the kernel resolves it (" + protocol
                            + ", 3 requests 1 s apart); deliverable only if the capture shows an answer");
        }
        String states = states(n);
        if (n.usable()) {
            return new NeighborResult(nextHop, dev, states, n.lladdr(), Deliverability.DELIVERABLE,
                    states + ": sent to " + n.lladdr().orElse("the cached address"));
        }
        if (n.states().contains(NeighborState.INCOMPLETE)) {
            return new NeighborResult(nextHop, dev, states, n.lladdr(), Deliverability.UNKNOWN, "INCOMPLETE: "
                    + protocol + " resolution of " + nextHop + " was in progress; delivery depends on an answer");
        }
        return new NeighborResult(nextHop, dev, states, n.lladdr(), Deliverability.NOT_DELIVERABLE, states
                + ": resolution of " + nextHop + " failed; dropped with ICMP host unreachable unless the capture shows"
                + " an answer");
    }

    private Optional<String> noResolutionNeeded(IpAddress nextHop, String dev) {
        Optional<NetInterface> i = interfaces.byName(dev);
        if (interfaces.isLoopback(dev)) {
            return Optional.of(dev + " is a loopback device: no neighbour resolution");
        }
        if (i.isPresent()) {
            Set<String> flags = i.get().flags();
            if (flags.contains("NOARP") || flags.contains("POINTOPOINT") || NO_LINK_LAYER.contains(i.get().linkType())) {
                return Optional.of(dev + " has no link-layer resolution (" + describe(i.get()) + ")");
            }
        }
        if (AddressClass.isMulticast(nextHop) || AddressClass.isLimitedBroadcast(nextHop) || isSubnetBroadcast(nextHop, dev)) {
            return Optional.of(nextHop + " is a group address: mapped to a link-layer broadcast/multicast address");
        }
        return Optional.empty();
    }

    private boolean isSubnetBroadcast(IpAddress a, String dev) {
        if (!a.isV4()) {
            return false;
        }
        for (InterfaceAddress ia : interfaces.primaries(dev, IpFamily.V4)) {
            int len = ia.cidr().prefixLength();
            boolean computed = len < 31 && a.lo() == (ia.address().lo() | (0xffffffffL >>> len));
            if (computed || ia.broadcast().filter(a::equals).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private static String describe(NetInterface i) {
        StringJoiner j = new StringJoiner(", ");
        for (String f : List.of("NOARP", "POINTOPOINT")) {
            if (i.flags().contains(f)) {
                j.add("flag " + f);
            }
        }
        j.add("link/" + i.linkType());
        return j.toString();
    }

    private static String states(Neighbor n) {
        if (n.states().isEmpty()) {
            return "none";
        }
        StringJoiner j = new StringJoiner(",");
        for (NeighborState s : NeighborState.values()) {
            if (n.states().contains(s)) {
                j.add(s.name());
            }
        }
        return j.toString();
    }
}
