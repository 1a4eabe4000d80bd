package io.pktpath.parser.iptables.target;

import io.pktpath.parser.iptables.match.Quoting;
import java.util.Objects;
import java.util.Optional;

/** {@code -j NFLOG}: sends the packet to an nflog group (what NFLOG captures record) and continues. */
public record Nflog(Optional<String> prefix, Optional<Integer> group, Optional<Long> size, Optional<Integer> threshold)
        implements Target {
    public Nflog {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(threshold, "threshold");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        StringBuilder sb = new StringBuilder("-j NFLOG");
        prefix.ifPresent(p -> sb.append(" --nflog-prefix ").append(Quoting.quote(p)));
        group.ifPresent(g -> sb.append(" --nflog-group ").append(g));
        size.ifPresent(s -> sb.append(" --nflog-size ").append(s));
        threshold.ifPresent(t -> sb.append(" --nflog-threshold ").append(t));
        return sb.toString();
    }
}
