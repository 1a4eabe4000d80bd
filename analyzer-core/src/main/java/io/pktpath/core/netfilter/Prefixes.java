package io.pktpath.core.netfilter;

import io.pktpath.parser.net.IpAddress;

/** The address masks of hashlimit's and connlimit's keys: a prefix length, or -1 (or one too long) for the whole address. */
final class Prefixes {
    private Prefixes() {
    }

    /** {@code a} masked to {@code prefix} bits; {@code a} itself without a prefix that fits its family. */
    static IpAddress masked(IpAddress a, int prefix) {
        return prefix < 0 || prefix > a.family().bits() ? a : a.masked(prefix);
    }

    /** The prefix length {@link #masked} applies: {@code prefix}, or the family's whole length. */
    static int length(IpAddress a, int prefix) {
        return prefix < 0 || prefix > a.family().bits() ? a.family().bits() : prefix;
    }
}
