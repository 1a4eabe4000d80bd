package io.pktpath.core.conntrack;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Masquerade;
import io.pktpath.parser.iptables.target.NatRange;
import io.pktpath.parser.iptables.target.Netmap;
import io.pktpath.parser.iptables.target.Redirect;
import io.pktpath.parser.iptables.target.Snat;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/**
 * Computes NAT bindings without changing anything, following nf_nat_core's {@code get_unique_tuple} (§5.2, §5.3):
 * keep the tuple if it is in range and its reply is free, reuse a source mapping, hash into an address range, keep the
 * port if the reply tuple is free among confirmed cts, else search the explicit or implicit port range.
 */
final class NatBinder {
    private final CtIndex index;

    NatBinder(CtIndex index) {
        this.index = index;
    }

    NatBinding bind(CtCandidate c, Target target, RuleRef rule, NatManip manip, Packet p, NatEnv env, long timeNanos) {
        NatSpec spec = spec(c, target, manip, p, env);
        if (spec.dropReason().isPresent()) {
            return new NatBinding(manip, spec.kind(), Optional.of(rule), c.reply(), c.reply(), spec.dropReason().get(),
                    false, false, true, Optional.empty());
        }
        return compute(c, spec, Optional.of(rule), manip, timeNanos);
    }

    /** The binding the kernel records when a nat chain ends without NAT: the identity, except for a reply clash. */
    NatBinding bindNull(CtCandidate c, NatManip manip, long timeNanos) {
        Tuple t = Tuples.invert(c.reply());
        IpAddress own = manip == NatManip.SRC ? t.src() : t.dst();
        NatSpec spec = new NatSpec(NatKind.BINDING, Optional.of(own), Optional.of(own), Optional.empty(), false, false,
                false, Optional.empty());
        return compute(c, spec, Optional.empty(), manip, timeNanos);
    }

    private NatSpec spec(CtCandidate c, Target target, NatManip manip, Packet p, NatEnv env) {
        if (target instanceof Dnat d) {
            require(manip == NatManip.DST, "DNAT", manip);
            return fromRange(NatKind.DNAT, d.range(), d.random(), d.randomFully(), d.persistent());
        }
        if (target instanceof Snat s) {
            require(manip == NatManip.SRC, "SNAT", manip);
            return fromRange(NatKind.SNAT, s.range(), s.random(), s.randomFully(), s.persistent());
        }
        if (target instanceof Masquerade m) {
            require(manip == NatManip.SRC, "MASQUERADE", manip);
            if (env.masqueradeSource().isEmpty()) {
                return NatSpec.drop(NatKind.MASQUERADE, "MASQUERADE: output interface " + env.outIface()
                        + " has no usable address, the kernel drops the packet");
            }
            IpAddress a = env.masqueradeSource().get();
            return new NatSpec(NatKind.MASQUERADE, Optional.of(a), Optional.of(a), m.toPorts(), m.random(),
                    m.randomFully(), false, Optional.empty());
        }
        if (target instanceof Redirect r) {
            require(manip == NatManip.DST, "REDIRECT", manip);
            Optional<IpAddress> a = env.redirectAddress();
            if (a.isEmpty() && p.locallyGenerated()) {
                a = Optional.of(loopback(c.original().src().family()));
            }
            if (a.isEmpty()) {
                return NatSpec.drop(NatKind.REDIRECT, "REDIRECT: incoming interface " + env.inIface()
                        + " has no address, the kernel drops the packet");
            }
            return new NatSpec(NatKind.REDIRECT, a, a, r.toPorts(), r.random(), r.randomFully(), false,
                    Optional.empty());
        }
        if (target instanceof Netmap n) {
            Tuple t = Tuples.invert(c.reply());
            IpAddress mapped = netmap(manip == NatManip.SRC ? t.src() : t.dst(), n.to().address(), n.to().prefixLength());
            return new NatSpec(NatKind.NETMAP, Optional.of(mapped), Optional.of(mapped), Optional.empty(), false, false,
                    false, Optional.empty());
        }
        throw new IllegalArgumentException("not a NAT target: " + target.render());
    }

    private static void require(boolean ok, String what, NatManip manip) {
        if (!ok) {
            throw new IllegalArgumentException(what + " cannot make a " + manip + " binding");
        }
    }

    private static NatSpec fromRange(NatKind kind, NatRange r, boolean random, boolean randomFully, boolean persistent) {
        return new NatSpec(kind, r.from(), r.to(), r.ports(), random, randomFully, persistent, Optional.empty());
    }

    private static IpAddress loopback(IpFamily family) {
        return family == IpFamily.V4 ? IpAddress.v4(0x7f000001) : IpAddress.v6(0, 1);
    }

    /** NETMAP: {@code (old & ~mask) | (to & mask)}. */
    static IpAddress netmap(IpAddress old, IpAddress to, int prefix) {
        IpAddress oldNet = old.masked(prefix);
        IpAddress toNet = to.masked(prefix);
        long hi = toNet.hi() | (old.hi() ^ oldNet.hi());
        long lo = toNet.lo() | (old.lo() ^ oldNet.lo());
        return new IpAddress(old.family(), hi, lo);
    }

    private NatBinding compute(CtCandidate c, NatSpec spec, Optional<RuleRef> rule, NatManip manip, long timeNanos) {
        PortSearch search = new PortSearch(index, c, spec, manip, timeNanos);
        return search.run(rule);
    }
}
