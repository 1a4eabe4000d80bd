package io.pktpath.parser.iptables.match;

import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import java.util.Objects;
import java.util.Optional;

/** {@code [!] -s/-d addr[/len]}: the packet's source or destination lies in the prefix. */
public record AddressMatch(Side side, Cidr cidr, boolean negated, boolean negationAfterName, String spelledOption,
                           Optional<String> argumentSpelling) implements Match {
    /** Which header field is tested. */
    public enum Side { SOURCE, DESTINATION }

    public AddressMatch {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(spelledOption, "spelledOption");
        Objects.requireNonNull(argumentSpelling, "argumentSpelling");
    }

    /** The outcome of this match for the packet's address, negation applied. */
    public boolean matches(IpAddress address) {
        return cidr.contains(address) != negated;
    }
}
