package io.pktpath.parser.conntrack;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpFamily;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One connection of {@code conntrack -L} or {@code /proc/net/nf_conntrack}: protocol, remaining timeout in seconds, TCP
 * (or SCTP/DCCP) state, original and reply tuples, status flags ({@code UNREPLIED}, {@code ASSURED}, {@code OFFLOAD}...),
 * mark, zone, use count and security context.
 */
public record ConntrackEntry(IpFamily family, String protocol, int protocolNumber, long timeout, Optional<String> state,
                             Tuple original, Tuple reply, Set<String> flags, long mark, Optional<Integer> zone,
                             Optional<Integer> use, Optional<String> secctx, SourceSpan span, String text) {
    public ConntrackEntry {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(reply, "reply");
        flags = Collections.unmodifiableSortedSet(new TreeSet<>(flags));
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(use, "use");
        Objects.requireNonNull(secctx, "secctx");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }

    public boolean assured() {
        return flags.contains("ASSURED");
    }

    public boolean unreplied() {
        return flags.contains("UNREPLIED");
    }
}
