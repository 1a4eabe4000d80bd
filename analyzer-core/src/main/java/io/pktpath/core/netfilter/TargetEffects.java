package io.pktpath.core.netfilter;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.MssClampPath;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.iptables.target.Checksum;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Log;
import io.pktpath.parser.iptables.target.Mark;
import io.pktpath.parser.iptables.target.Nflog;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.SetTarget;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.Tcpmss;
import io.pktpath.parser.iptables.target.Trace;
import io.pktpath.parser.iptables.target.UnsupportedTarget;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Applies a non-terminating target to the walk (mark, ct mark, notrack, CT settings, ipset updates) and describes its effects. */
final class TargetEffects {
    private TargetEffects() {
    }

    /** Applies {@code t}, a non-terminating target or the statement a native nft rule runs before its verdict. */
    static List<String> apply(Target t, Evaluation e) {
        if (t instanceof Mark m) {
            long before = e.packet.mark();
            e.packet = e.packet.withMark(m.apply(before));
            return List.of("mark " + Describe.hex(before) + " -> " + Describe.hex(e.packet.mark()));
        }
        if (t instanceof Connmark c) {
            return connmark(c, e);
        }
        if (t instanceof Notrack) {
            return notrack(e);
        }
        if (t instanceof Ct ct) {
            return ct(ct, e);
        }
        if (t instanceof SetTarget s) {
            return SetTargetEffects.apply(s, e);
        }
        if (t instanceof Tcpmss m && m.clampToPmtu() && e.packet.family() == IpFamily.V4) {
            return List.of(clamp(e.ctx.facts().mssClampPath(e.packet), e.packet));
        }
        return describe(t);
    }

    private static List<String> connmark(Connmark c, Evaluation e) {
        Optional<CtInfo> ct = e.trackedCt();
        if (ct.isEmpty()) {
            return List.of("ctmark unchanged: no conntrack entry");
        }
        long ctmark = ct.get().ctMark();
        long mark = e.packet.mark();
        switch (c.mode()) {
            case SET, SAVE -> {
                long next = c.mode() == Connmark.Mode.SET ? (ctmark & ~c.mask()) ^ c.value()
                        : (ctmark & ~c.ctmask()) ^ ((mark & c.nfmask()) ^ c.value());
                e.ct = Optional.of(ct.get().withCtMark(next));
                return List.of("ctmark " + Describe.hex(ctmark) + " -> " + Describe.hex(e.ct.get().ctMark()));
            }
            default -> {
                e.packet = e.packet.withMark((mark & ~c.nfmask()) ^ ((ctmark & c.ctmask()) ^ c.value()));
                return List.of("mark " + Describe.hex(mark) + " -> " + Describe.hex(e.packet.mark()));
            }
        }
    }

    private static List<String> notrack(Evaluation e) {
        e.notracked = true;
        e.raw = e.raw.withNotrack();
        // a native nft table (named "inet pkp_raw") holds notrack only where it runs before conntrack
        if (!e.table.equals("raw") && e.table.indexOf(' ') < 0) {
            e.note(e.rule.label() + ": NOTRACK outside the raw table is refused by iptables");
        }
        return List.of("notrack");
    }

    private static List<String> ct(Ct ct, Evaluation e) {
        List<String> effects = new ArrayList<>();
        if (ct.notrack()) {
            effects.addAll(notrack(e));
        }
        ct.zone().ifPresent(z -> {
            e.raw = e.raw.withZone(z.option(), z.zone());
            effects.add("ct zone " + z.zone() + (z.option().equals("--zone") ? "" : " (" + z.option().substring(2) + ")"));
        });
        ct.helper().ifPresent(h -> {
            e.raw = e.raw.withHelper(h);
            effects.add("ct helper " + h);
        });
        ct.timeout().ifPresent(tp -> effects.add("ct timeout policy " + tp));
        ct.ctevents().ifPresent(ev -> effects.add("ct events " + ev));
        ct.expevents().ifPresent(ev -> effects.add("ct expectation events " + ev));
        return effects;
    }

    /** What {@code --clamp-mss-to-pmtu} does to an IPv4 SYN: the MSS it lowers a larger option to, and from which MTUs. */
    private static String clamp(Optional<MssClampPath> path, Packet p) {
        int mss = path.map(MssClampPath::clampedMssV4).orElse(0);
        if (mss == 0) {
            return "tcp mss clamped to path mtu (the output route's MTU is unknown)";
        }
        MssClampPath c = path.get();
        String back = c.reverseMtu() > 0 ? ", " + c.reverseMtu() + " back to " + p.src() + " out " + c.reverseDevice()
                : "; no route back to " + p.src();
        return "tcp mss clamped to path mtu: an MSS option above " + mss + " is lowered to " + mss + " (path MTU "
                + c.pathMtu() + ": " + c.forwardMtu() + " out " + c.outDevice() + back + ")";
    }

    private static List<String> describe(Target t) {
        if (t instanceof Log l) {
            return List.of("log" + l.prefix().map(p -> " prefix \"" + p + "\"").orElse(""));
        }
        if (t instanceof Nflog n) {
            return List.of("nflog group " + n.group().orElse(0) + n.prefix().map(p -> " prefix \"" + p + "\"").orElse(""));
        }
        if (t instanceof Trace) {
            return List.of("trace");
        }
        if (t instanceof Checksum) {
            return List.of("checksum fill");
        }
        if (t instanceof Tcpmss m) {
            return List.of(m.clampToPmtu() ? "tcp mss clamped to path mtu" : "tcp mss set to " + m.mss().orElse(0));
        }
        if (t instanceof UnsupportedTarget u) {
            return List.of("target " + u.name() + " not modelled: its side effects are ignored");
        }
        return List.of();
    }
}
