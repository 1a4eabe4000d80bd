package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The multicast memberships of one interface as {@code ip maddr} lists them: its index and name, the link-layer
 * multicast addresses it receives ({@code link}) and the IP groups it joined ({@code inet}, {@code inet6}), which are
 * the kernel's own lists ({@code /proc/net/igmp}, {@code /proc/net/igmp6}) that input routing consults.
 */
public record MulticastGroups(int index, String dev, List<String> linkAddresses, List<JoinedGroup> groups,
                              SourceSpan span) {
    public MulticastGroups {
        Objects.requireNonNull(dev, "dev");
        linkAddresses = List.copyOf(linkAddresses);
        groups = List.copyOf(groups);
        Objects.requireNonNull(span, "span");
    }

    /** The entry of {@code group}, if the interface joined it. */
    public Optional<JoinedGroup> find(IpAddress group) {
        return groups.stream().filter(g -> g.group().equals(group)).findFirst();
    }

    /** True when at least one group of this family is listed (every interface with the family on joins all-hosts/all-nodes). */
    public boolean lists(IpFamily family) {
        return groups.stream().anyMatch(g -> g.group().family() == family);
    }

    /** The same listing without the positions of it and its groups, to compare listings read from different forms. */
    public MulticastGroups withoutSpans() {
        SourceSpan none = new SourceSpan("", 0, 0);
        return new MulticastGroups(index, dev, linkAddresses, groups.stream().map(g -> new JoinedGroup(g.group(),
                g.users(), g.words(), none, g.text())).toList(), none);
    }

    /** The listing of {@code dev}, if the output has one. */
    public static Optional<MulticastGroups> byName(List<MulticastGroups> all, String dev) {
        return all.stream().filter(m -> m.dev().equals(dev)).findFirst();
    }
}
