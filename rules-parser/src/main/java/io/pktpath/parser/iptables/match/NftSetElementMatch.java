package io.pktpath.parser.iptables.match;

import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * nft's set statement or meter with a stateful expression per element ({@code add|update @set { ip saddr [timeout T]
 * limit rate over 3/minute }}, {@code meter NAME size N { ip saddr timeout 10s limit rate over 5/second }}), as
 * nft_dynset evaluates it: the packet's element of the set ({@code set}, its {@code key} parts {@code ip saddr},
 * {@code ip6 daddr}, {@code tcp dport}... joined by {@code .}, the addresses of {@code family}), created when absent
 * with a fresh copy of {@code stateful} (empty: a statement without an expression, {@code add @flood { ip saddr }}, on
 * a set other statements fill with one; none is created when the set already holds {@code size} elements, 0: no
 * bound, expired ones counting until the set's garbage collection, every {@code gcIntervalSeconds}), and the match is
 * whether the expression the element was created with, whichever statement created it, lets the packet through;
 * {@code update} refreshes the element's timeout ({@code timeoutSeconds}, 0: none); {@code shown} names the set as nft
 * does ({@code @ratelimit4}, {@code meter dnsflood}), {@code text} the words nft printed. Only a native rule's
 * translation gives it.
 */
public record NftSetElementMatch(String set, String shown, IpFamily family, List<String> key, boolean update,
                                 long timeoutSeconds, long size, long gcIntervalSeconds, Optional<Match> stateful,
                                 String text)
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
        Objects.requireNonNull(stateful, "stateful");
        if (stateful.isPresent() && !(stateful.get() instanceof NftLimitMatch || stateful.get() instanceof NftQuotaMatch
                || stateful.get() instanceof NftCountMatch)) {
            throw new IllegalArgumentException("not an nft limit, quota or ct count: " + stateful.get());
        }
        if (timeoutSeconds < 0 || size < 0 || gcIntervalSeconds <= 0) {
            throw new IllegalArgumentException("timeout " + timeoutSeconds + " s, size " + size + ", gc-interval "
                    + gcIntervalSeconds + " s");
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
