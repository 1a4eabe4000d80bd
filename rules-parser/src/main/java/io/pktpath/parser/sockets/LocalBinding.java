package io.pktpath.parser.sockets;

import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * The local address a socket is bound to as {@code ss} prints it: a specific address, or a wildcard of one family
 * ({@code 0.0.0.0}, {@code [::]} for an IPv6-only socket) or of both ({@code *}: an IPv6 socket that also takes IPv4),
 * optionally tied to one interface ({@code %lo}, SO_BINDTODEVICE).
 */
public record LocalBinding(Optional<IpAddress> address, boolean acceptsV4, boolean acceptsV6, Optional<String> device) {
    public LocalBinding {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(device, "device");
    }

    /** A wildcard binding of {@code family}, or of both families when {@code family} is empty. */
    public static LocalBinding wildcard(Optional<IpFamily> family, Optional<String> device) {
        return new LocalBinding(Optional.empty(), family.map(f -> f == IpFamily.V4).orElse(true),
                family.map(f -> f == IpFamily.V6).orElse(true), device);
    }

    public static LocalBinding specific(IpAddress address, Optional<String> device) {
        return new LocalBinding(Optional.of(address), address.isV4(), !address.isV4(), device);
    }

    public boolean isWildcard() {
        return address.isEmpty();
    }

    /** The address as ss prints it, without the port. */
    public String render() {
        String host = address.map(a -> a.isV4() ? a.toString() : "[" + a + "]")
                .orElse(acceptsV4 && acceptsV6 ? "*" : acceptsV4 ? "0.0.0.0" : "[::]");
        return host + device.map(d -> "%" + d).orElse("");
    }
}
