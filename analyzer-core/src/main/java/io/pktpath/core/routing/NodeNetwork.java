package io.pktpath.core.routing;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.parser.sysctl.Setting;
import io.pktpath.parser.sysctl.Sysctls;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One node's network state, built once from a bundle and immutable: route lookups for received and locally generated
 * packets with the kernel's input checks, neighbour and proxy-ARP answers, NAT source choices, interface lookups,
 * bridge facts, and the {@link NodeFacts} that rule matches ask (netfilter-semantics §4.2, §5.4-5.5, §6, §7).
 */
public final class NodeNetwork implements NodeFacts {
    private final NodeFib fib;
    private final RouteResolver resolver;
    private final SourceSelector sources;
    private final NeighborTable neighbors;
    private final AddrTypes addrTypes;
    private final ArpProcess arp;
    private final IpsetFacts ipsets;
    private final List<IpAddress> localAddresses;
    private final List<String> assumptions;
    private final Optional<SocketTable> sockets;

    private NodeNetwork(NetworkInputs in) {
        this.fib = new NodeFib(in);
        this.sources = new SourceSelector(fib.interfaces());
        this.resolver = new RouteResolver(fib, sources);
        this.neighbors = new NeighborTable(in.neighbors(), fib.interfaces());
        this.addrTypes = new AddrTypes(fib);
        this.arp = new ArpProcess(fib, resolver, neighbors);
        this.ipsets = new IpsetFacts(in.ipsets());
        TreeSet<IpAddress> local = new TreeSet<>();
        for (NetInterface i : fib.interfaces().all()) {
            i.addresses().forEach(a -> local.add(a.address()));
        }
        this.localAddresses = List.copyOf(local);
        this.assumptions = List.copyOf(fib.assumptions());
        this.sockets = in.sockets();
    }

    public static NodeNetwork of(NetworkInputs in) {
        return new NodeNetwork(in);
    }

    /** What was assumed because the bundle lacked it (derived local table, default ip rules), in build order. */
    public List<String> assumptions() {
        return assumptions;
    }

    /** Every address configured on any interface, sorted (IPv4 first); the weak host model accepts all of them anywhere. */
    public List<IpAddress> localAddresses() {
        return localAddresses;
    }

    /** Whether a frame to {@code address} goes to every port of a bridge: the limited broadcast, or a multicast group. */
    public boolean floodsBridges(IpAddress address) {
        return AddressClass.isLimitedBroadcast(address) || AddressClass.isMulticast(address);
    }

    /** True when the local table makes the address local (interface addresses, all of 127/8, ::1). */
    public boolean isLocal(IpAddress address) {
        return fib.isLocal(address);
    }

    /** Input routing for a received packet (after nat PREROUTING): policy rules, table lookup, checks of §6.4. */
    public RouteResult inputRoute(Packet p) {
        return resolver.input(p);
    }

    /** Output routing for a locally generated packet: iif lo, the source an unbound socket gets (§6.3). */
    public RouteResult outputRoute(Packet p) {
        return resolver.output(p);
    }

    /** The lookup again after OUTPUT changed the mark or destination; the source of {@code first} is kept (§1.2). */
    public RouteResult reroute(Packet p, RouteResult first) {
        return resolver.reroute(p, first);
    }

    /** The neighbour state for a next hop on a device, as a tri-state with the reason (§6.5). */
    public NeighborResult neighbor(IpAddress nextHop, String dev) {
        return neighbors.lookup(nextHop, dev);
    }

    /** {@link #neighbor} with its POSTROUTING trace step, both made once per next hop and device. */
    public NeighborAnswer neighborAnswer(IpAddress nextHop, String dev) {
        return neighbors.answered(nextHop, dev);
    }

    /**
     * What arp_process does with an IPv4 ARP request for {@code target} from {@code sender} received on {@code iface} (not
     * a bridge port): whether the node answers, and by which rule (own address and arp_ignore/arp_filter, proxy_arp,
     * proxy_arp_pvlan, a proxy entry), with the input route's checks (§6.5).
     */
    public ArpDecision arpRequest(String iface, IpAddress sender, IpAddress target) {
        return arp.request(iface, sender, target);
    }

    /** MASQUERADE's source on {@code outIface} for {@code nextHop}; empty when no interface has a usable address (§5.4). */
    public Optional<IpAddress> masqueradeSource(String outIface, IpAddress nextHop) {
        return sources.masquerade(outIface, nextHop);
    }

    /** REDIRECT's new destination: first address of the input device, loopback when {@code inIface} is empty (§5.5). */
    public Optional<IpAddress> redirectAddress(String inIface, IpFamily family) {
        return sources.redirect(inIface, family);
    }

    public Optional<NetInterface> interfaceByName(String name) {
        return fib.interfaces().byName(name);
    }

    /** The MTU {@code ip link} shows for a device, 0 when the device or its MTU is unknown. */
    public int deviceMtu(String dev) {
        return fib.deviceMtu(dev);
    }

    /** The interface with this ifindex (SLL2 and pcapng interface ids carry indexes). */
    public Optional<NetInterface> interfaceByIndex(int index) {
        return fib.interfaces().byIndex(index);
    }

    /** The name of the interface with this ifindex, or "" when the node has none: how a capture reader names one. */
    public String interfaceName(int index) {
        return interfaceByIndex(index).map(NetInterface::name).orElse("");
    }

    /** Every interface with this MAC address, in index order (veths of one CNI often share one). */
    public List<NetInterface> interfacesByMac(String mac) {
        return fib.interfaces().byMac(mac);
    }

    /** The primary (non-secondary) addresses of a device of one family, in {@code ip addr} order. */
    public List<InterfaceAddress> primaryAddresses(String dev, IpFamily family) {
        return fib.interfaces().primaries(dev, family);
    }

    /** True when the interface is enslaved to a bridge (its master's kind is bridge, or unknown without ip -d). */
    public boolean isBridgePort(String iface) {
        return bridgeOf(iface).isPresent();
    }

    /** The bridge an interface is a port of. */
    public Optional<String> bridgeOf(String iface) {
        Optional<String> master = fib.interfaces().byName(iface).flatMap(NetInterface::master);
        if (master.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> kind = fib.interfaces().byName(master.get()).flatMap(NetInterface::kind);
        return kind.isEmpty() || kind.get().equals("bridge") ? master : Optional.empty();
    }

    /**
     * The ports of {@code bridge} a flood reaches (br_flood): those up with a carrier ({@code UP} and {@code LOWER_UP},
     * or no flags known), in descending ifindex order (the bridge's port list holds the port enslaved last first, and
     * ports usually are enslaved as they are made).
     */
    public List<NetInterface> floodPorts(String bridge) {
        List<NetInterface> ports = new java.util.ArrayList<>();
        for (NetInterface i : fib.interfaces().all()) {
            if (bridgeOf(i.name()).filter(bridge::equals).isPresent()
                    && (i.flags().isEmpty() || i.isUp() && i.flags().contains("LOWER_UP"))) {
                ports.add(i);
            }
        }
        ports.sort((a, b) -> Integer.compare(b.index(), a.index()));
        return ports;
    }

    /** {@code net.bridge.bridge-nf-call-iptables}: whether bridged IPv4 frames traverse iptables (§7). */
    public Setting<Long> bridgeNfCallIptables() {
        return bridgeNfCall(IpFamily.V4);
    }

    /** {@code bridge-nf-call-iptables} or {@code -ip6tables} for the family. */
    public Setting<Long> bridgeNfCall(IpFamily family) {
        return fib.sysctls().bridgeNfCall(family == IpFamily.V4 ? "iptables" : "ip6tables");
    }

    public Sysctls sysctls() {
        return fib.sysctls();
    }

    @Override
    public Optional<SocketTable> sockets() {
        return sockets;
    }

    @Override
    public Optional<io.pktpath.core.engine.MssClampPath> mssClampPath(Packet packet) {
        return MssClampLookup.of(fib, packet);
    }

    @Override
    public Optional<IpAddress> primaryAddress(String dev, IpFamily family) {
        return primaryAddresses(dev, family).stream().findFirst().map(InterfaceAddress::address);
    }

    @Override
    public Set<AddrType> addrTypes(IpAddress address, Optional<String> limitIface) {
        return addrTypes.of(address, limitIface);
    }

    @Override
    public Optional<Boolean> ipsetContains(String setName, List<String> directions, boolean returnNomatch,
                                           Packet packet) {
        return ipsets.contains(setName, directions, returnNomatch, packet);
    }

    @Override
    public Optional<io.pktpath.parser.ipset.IpSet> ipset(String setName) {
        return ipsets.set(setName);
    }

    @Override
    public Optional<List<io.pktpath.parser.ipset.SetProbe>> ipsetElement(String setName, List<String> directions,
                                                                          Packet packet) {
        return ipsets.element(setName, directions, packet);
    }

    @Override
    public boolean rpfilterPasses(Packet packet, boolean loose, boolean validMark, boolean acceptLocal) {
        return RpfilterMatch.passes(fib, packet, loose, validMark, acceptLocal);
    }
}
