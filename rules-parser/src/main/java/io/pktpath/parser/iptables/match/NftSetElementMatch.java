package io.pktpath.parser.iptables.match;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;

/**
 * nft's set statement or meter with a stateful expression per element ({@code add|update @set { ip saddr [timeout T]
 * limit rate over 3/minute }}, {@code meter NAME size N { ip saddr timeout 10s limit rate over 5/second }}), as
 * nft_dynset evaluates it: the packet's element of the set ({@code set}, its {@code key} parts {@code ip saddr},
 * {@code ip6 daddr}, {@code tcp dport}... joined by {@code .}, the addresses of {@code family}), created when absent with a fresh copy of {@code stateful} (none when the set already holds
 * {@code size} elements, 0: no bound), and the match is whether that copy lets the packet through; {@code update}
 * refreshes the element's timeout ({@code timeoutSeconds}, 0: none); {@code shown} names the set as nft does
 * ({@code @ratelimit4}, {@code meter dnsflood}), {@code text} the words nft printed. Only a native rule's translation
 * gives it.
 */
public record NftSetElementMatch(String set, String shown, IpFamily family, List<String> key, boolean update,
                                 long timeoutSeconds, long size, Match stateful, String text)
        implements ModuleMatch, NftExpression {
    public NftSetElementMatch {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(shown, "shown");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(text, "text");
        key = List.copyOf(key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("no key");
        }
        if (!(stateful instanceof NftLimitMatch || stateful instanceof NftQuotaMatch
                || stateful instanceof NftCountMatch)) {
            throw new IllegalArgumentException("not an nft limit, quota or ct count: " + stateful);
        }
        if (timeoutSeconds < 0 || size < 0) {
            throw new IllegalArgumentException("timeout " + timeoutSeconds + " s, size " + size);
        }
    }

    /** The key as nft prints it ({@code ip saddr}, {@code ip saddr . tcp dport}). */
    public String keyText() {
        return String.join(" . ", key);
    }

    @Override
    public String module() {
        return "dynset";
    }

    @Override
    public List<MatchOption> options() {
        return List.of();
    }

    @Override
    public boolean implicit() {
        return false;
    }
}
