package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;

import java.util.List;
import java.util.Objects;

/**
 * One IP multicast group an interface has joined, from an {@code inet}/{@code inet6} line of {@code ip maddr}: the
 * group, how many users hold it ({@code users N}, 1 when not printed) and any other words printed after it.
 */
public record JoinedGroup(IpAddress group, int users, List<String> words, SourceSpan span, String text) {
    public JoinedGroup {
        Objects.requireNonNull(group, "group");
        words = List.copyOf(words);
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(text, "text");
    }
}
