package io.pktpath.parser.iptables.match;

import java.util.Objects;
import java.util.Optional;

/** {@code [!] -p proto}: the IP protocol number (0 means any). */
public record ProtocolMatch(int number, boolean negated, boolean negationAfterName, String spelledOption,
                            Optional<String> argumentSpelling) implements Match {
    public ProtocolMatch {
        Objects.requireNonNull(spelledOption, "spelledOption");
        Objects.requireNonNull(argumentSpelling, "argumentSpelling");
        if (number < 0 || number > 255) {
            throw new IllegalArgumentException("protocol number " + number);
        }
    }

    /** The canonical name ({@code tcp}, {@code ipv6-icmp}) or the number. */
    public String name() {
        return Protocols.name(number);
    }

    /** The outcome for a packet's protocol, negation applied. */
    public boolean matches(int packetProtocol) {
        return (number == 0 || number == packetProtocol) != negated;
    }
}
