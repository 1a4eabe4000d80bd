package io.pktpath.parser.ipvs;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One IPVS virtual service as ipvsadm lists it: its protocol and address and port (or, for {@link IpvsProtocol#FWM},
 * its firewall mark), scheduler, persistence timeout if persistent, its real servers, and the line it starts on.
 */
public record VirtualService(IpvsProtocol protocol, Optional<IpAddress> address, int port, long fwmark, String scheduler,
                             OptionalInt persistenceSeconds, List<RealServer> realServers, int line) {
    public VirtualService {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistenceSeconds, "persistenceSeconds");
        realServers = List.copyOf(realServers);
        if (protocol == IpvsProtocol.FWM ? address.isPresent() : address.isEmpty()) {
            throw new IllegalArgumentException("a firewall-mark service has no address, any other service has one");
        }
    }

    /** The same service with one more real server. */
    public VirtualService with(RealServer server) {
        List<RealServer> more = new java.util.ArrayList<>(realServers);
        more.add(server);
        return new VirtualService(protocol, address, port, fwmark, scheduler, persistenceSeconds, more, line);
    }

    /** {@code TCP 10.96.0.1:443}, {@code UDP [fd00::a]:53} or {@code FWM 1}. */
    public String name() {
        return protocol == IpvsProtocol.FWM ? "FWM " + fwmark : protocol + " " + endpoint(address.get(), port);
    }

    /** True when a packet of IP protocol {@code proto} to {@code dst}:{@code dport} is this (non-FWM) service's. */
    public boolean matches(IpAddress dst, int proto, int dport) {
        return protocol != IpvsProtocol.FWM && protocol.number() == proto && port == dport && address.get().equals(dst);
    }

    /** {@code rr}, {@code rr, persistent 10800}: the scheduler and persistence. */
    public String scheduling() {
        return scheduler + (persistenceSeconds.isPresent() ? ", persistent " + persistenceSeconds.getAsInt() : "");
    }

    static String endpoint(IpAddress a, int port) {
        return a.family() == IpFamily.V6 ? "[" + a + "]:" + port : a + ":" + port;
    }
}
