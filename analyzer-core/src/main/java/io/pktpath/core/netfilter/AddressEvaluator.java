package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

/** {@code [!] -s/-d addr/len}, compiled to masks over the address bits. */
final class AddressEvaluator implements MatchEvaluator {
    private final boolean source;
    private final boolean negated;
    private final IpFamily family;
    private final long hiMask;
    private final long loMask;
    private final long hiNet;
    private final long loNet;
    private final int prefix;
    private final Cidr cidr;

    AddressEvaluator(AddressMatch m) {
        this.source = m.side() == AddressMatch.Side.SOURCE;
        this.negated = m.negated();
        Cidr c = m.cidr();
        this.family = c.family();
        this.prefix = c.prefixLength();
        IpAddress ones = family == IpFamily.V4 ? IpAddress.v4(-1) : IpAddress.v6(-1L, -1L);
        IpAddress mask = ones.masked(c.prefixLength());
        this.hiMask = mask.hi();
        this.loMask = mask.lo();
        this.hiNet = c.address().hi() & hiMask;
        this.loNet = c.address().lo() & loMask;
        this.cidr = c;
    }

    @Override
    public boolean test(Evaluation e) {
        return inNetwork(source ? e.packet.src() : e.packet.dst(), family, hiMask, loMask, hiNet, loNet) != negated;
    }

    /** True if {@code a} is of {@code family} and its bits under the masks are the network bits (unnegated -s/-d). */
    static boolean inNetwork(IpAddress a, IpFamily family, long hiMask, long loMask, long hiNet, long loNet) {
        return a.family() == family && (a.hi() & hiMask) == hiNet && (a.lo() & loMask) == loNet;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        String text = (negated ? "! " : "") + (source ? "-s " : "-d ") + cidr;
        return new Mismatch(text, (source ? "src " : "dst ") + (source ? e.packet.src() : e.packet.dst()));
    }

    /** The host address when this is a non-negated {@code -d addr/32} (or /128), for the chain index. */
    java.util.Optional<IpAddress> exactDestination() {
        boolean host = prefix == family.bits();
        return !source && !negated && host ? java.util.Optional.of(new IpAddress(family, hiNet, loNet)) : java.util.Optional.empty();
    }

    boolean source() {
        return source;
    }

    boolean negated() {
        return negated;
    }

    IpFamily family() {
        return family;
    }

    long hiMask() {
        return hiMask;
    }

    long loMask() {
        return loMask;
    }

    /** The network's high bits, already masked. */
    long hiNet() {
        return hiNet;
    }

    /** The network's low bits, already masked. */
    long loNet() {
        return loNet;
    }

    @Override
    public boolean pure() {
        return true;
    }
}
