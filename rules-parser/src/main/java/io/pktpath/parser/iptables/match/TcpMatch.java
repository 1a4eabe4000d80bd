package io.pktpath.parser.iptables.match;

import io.pktpath.parser.iptables.model.Negatable;
import java.util.List;
import java.util.Optional;

/** {@code -m tcp}: ports, {@code --tcp-flags MASK COMP} (and {@code --syn}), {@code --tcp-option}. */
public record TcpMatch(List<MatchOption> options, boolean implicit) implements ModuleMatch {
    public static final String MODULE = "tcp";

    public TcpMatch {
        options = List.copyOf(options);
    }

    @Override
    public String module() {
        return MODULE;
    }

    /** The {@code --sport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> sourcePort() {
        return Options.value(options, OptionValue.Ports.class, "--sport");
    }

    /** The {@code --dport} value with its negation. */
    public Optional<Negatable<OptionValue.Ports>> destinationPort() {
        return Options.value(options, OptionValue.Ports.class, "--dport");
    }

    /** The {@code --tcp-flags} value with its negation. */
    public Optional<Negatable<OptionValue.TcpFlags>> flags() {
        return Options.value(options, OptionValue.TcpFlags.class, "--tcp-flags");
    }

    /** True if {@code --syn} is present. */
    public boolean syn() {
        return Options.flag(options, "--syn");
    }

    /** The {@code --tcp-option} value with its negation. */
    public Optional<Negatable<OptionValue.Number>> tcpOption() {
        return Options.value(options, OptionValue.Number.class, "--tcp-option");
    }

    /** The flag test in force: {@code --tcp-flags}, or {@code --syn} read as {@code FIN,SYN,RST,ACK SYN}. */
    public Optional<Negatable<OptionValue.TcpFlags>> effectiveFlags() {
        Optional<MatchOption> syn = option("--syn");
        if (syn.isPresent()) {
            return Optional.of(new Negatable<>(new OptionValue.TcpFlags(0x17, 0x02), syn.get().negated()));
        }
        return flags();
    }
}
