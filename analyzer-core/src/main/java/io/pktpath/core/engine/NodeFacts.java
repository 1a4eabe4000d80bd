package io.pktpath.core.engine;

import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.SetProbe;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sockets.SocketTable;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What rule matches need to know about the node beyond the packet: address types (addrtype), ipset membership (set),
 * reverse-path checks (rpfilter). Implemented by the routing layer from the bundle.
 */
public interface NodeFacts {
    /** The addrtype classes of {@code address}; with {@code limitIface}, only entries on that device count. */
    Set<AddrType> addrTypes(IpAddress address, Optional<String> limitIface);

    /**
     * Whether the packet is in ipset {@code setName} with the given direction flags ("src"/"dst" per dimension), where
     * {@code returnNomatch} ({@code --return-nomatch}) makes a nomatch entry match and a member not; empty when the
     * bundle has no {@code ipset save} content for that set (then the match is undecidable).
     */
    Optional<Boolean> ipsetContains(String setName, List<String> directions, boolean returnNomatch, Packet packet);

    /** The set named {@code setName} in the bundle's {@code ipset save}, if any. */
    default Optional<IpSet> ipset(String setName) {
        return Optional.empty();
    }

    /**
     * The element the packet makes for set {@code setName} with these direction flags (a SET target adds or deletes
     * it), its addresses masked as the set stores them; empty when the set is not in the bundle, is a list:set, or the
     * packet has no value for one of its dimensions.
     */
    default Optional<List<SetProbe>> ipsetElement(String setName, List<String> directions, Packet packet) {
        return Optional.empty();
    }

    /** {@code -m rpfilter}: whether a reverse lookup of the source leads back to the input interface (any with loose). */
    boolean rpfilterPasses(Packet packet, boolean loose, boolean validMark, boolean acceptLocal);

    /** The node's sockets as {@code ss} listed them; empty when the bundle has no ss output (listeners unknown). */
    default Optional<SocketTable> sockets() {
        return Optional.empty();
    }

    /**
     * The MTUs {@code TCPMSS --clamp-mss-to-pmtu} reads for {@code packet} at FORWARD, OUTPUT or POSTROUTING (its output
     * device set): the route out and the route back to its source; empty when the node's routes are unknown.
     */
    default Optional<MssClampPath> mssClampPath(Packet packet) {
        return Optional.empty();
    }

    /** The first primary address of {@code dev} of one family (nf_tproxy_laddr4's choice), if known. */
    default Optional<IpAddress> primaryAddress(String dev, IpFamily family) {
        return Optional.empty();
    }
}
