package io.pktpath.parser.iptables.target;

import io.pktpath.parser.iptables.match.Quoting;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code -j LOG [--log-prefix P] [--log-level N] [flags]}: writes a kernel log line and continues. */
public record Log(Optional<String> prefix, Optional<String> level, List<String> flags) implements Target {
    /** The flag options in the order the saver prints them. */
    public static final List<String> FLAG_ORDER =
            List.of("--log-tcp-sequence", "--log-tcp-options", "--log-ip-options", "--log-uid", "--log-macdecode");

    public Log {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(level, "level");
        flags = FLAG_ORDER.stream().filter(flags::contains).toList();
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        StringBuilder sb = new StringBuilder("-j LOG");
        prefix.ifPresent(p -> sb.append(" --log-prefix ").append(Quoting.quoteAlways(p)));
        level.ifPresent(l -> sb.append(" --log-level ").append(l));
        flags.forEach(f -> sb.append(' ').append(f));
        return sb.toString();
    }
}
