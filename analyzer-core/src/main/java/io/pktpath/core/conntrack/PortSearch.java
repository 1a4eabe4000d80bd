package io.pktpath.core.conntrack;

import io.pktpath.core.packet.Addresses;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;

/**
 * One run of nf_nat_core's {@code get_unique_tuple} for a candidate and a NAT spec, with a sentence explaining each
 * choice. Where the kernel starts from a random offset the replay shows a deterministic stand-in and says so.
 */
final class PortSearch {
    private final CtIndex index;
    private final CtCandidate c;
    private final NatSpec spec;
    private final NatManip manip;
    private final long timeNanos;
    private final Tuple start;
    private final boolean icmp;
    private final boolean hasPorts;
    private String addressNote = "";
    private Connection collidedWith;

    PortSearch(CtIndex index, CtCandidate c, NatSpec spec, NatManip manip, long timeNanos) {
        this.index = index;
        this.c = c;
        this.spec = spec;
        this.manip = manip;
        this.timeNanos = timeNanos;
        this.start = Tuples.invert(c.reply());
        this.icmp = Tuples.isIcmp(start.protocol());
        this.hasPorts = icmp || start.hasPorts();
    }

    NatBinding run(Optional<RuleRef> rule) {
        boolean randomAll = spec.randomAll();
        if (!randomAll) {
            if (inRange(start) && taken(start) == null) {
                if (spec.kind() == NatKind.BINDING) {
                    // the null binding keeps the tuple: its sentence names neither the address nor the port
                    return done(rule, start, "", false);
                }
                addressNote = spec.min().isPresent() ? address(start) + " already in range" : "";
                return done(rule, start, portWord() + " " + port(start) + " kept: reply tuple free", false);
            }
            if (manip == NatManip.SRC) {
                Optional<NatBinding> reused = reuseSourceMapping(rule);
                if (reused.isPresent()) {
                    return reused.get();
                }
            }
        }
        Tuple t = chooseAddress();
        int port = port(t);
        Optional<PortRange> ports = spec.ports();
        if (!randomAll) {
            if (ports.isPresent()) {
                PortRange r = ports.get();
                if (r.contains(port) && (r.isSingle() || taken(t) == null)) {
                    return done(rule, t, portWord() + " " + port + (r.isSingle() ? "" : " kept: in range " + text(r) + " and reply tuple free"), false);
                }
            } else {
                Connection taker = taken(t);
                if (taker == null) {
                    return done(rule, t, portWord() + " " + port + " kept: reply tuple free", false);
                }
                collidedWith = taker;
            }
        }
        if (!hasPorts || ports.isEmpty() && manip == NatManip.DST) {
            String note = hasPorts ? portWord() + " " + port + " kept" : "";
            if (collidedWith != null) {
                note += (note.isEmpty() ? "" : " ") + "although reply tuple " + Tuples.invert(t) + " already belongs to flow #"
                        + collidedWith.id() + " (this ct will clash at confirmation)";
            }
            return done(rule, t, note, false);
        }
        return searchPort(rule, t, port, randomAll);
    }

    private NatBinding searchPort(Optional<RuleRef> rule, Tuple t, int port, boolean randomAll) {
        PortRange r = spec.ports().orElseGet(() -> implicitRange(port));
        if (manip == NatManip.DST && !randomAll) {
            int p = firstFree(t, r, r.from(), false);
            String note = r.isSingle() ? portWord() + " " + p : "lowest free " + portWord() + " " + p + " of range " + text(r);
            return done(rule, Tuples.withManipPort(t, manip, p), note, false);
        }
        if (randomAll) {
            int from = r.contains(port) ? port : r.from();
            int p = firstFree(t, r, from, false);
            String shown = NatBinding.SHOWN_AS + (p == port ? "the original " + portWord() : p + ", the first free " + portWord() + " from "
                    + from);
            return done(rule, Tuples.withManipPort(t, manip, p), spec.flagText() + ": " + portWord()
                    + " chosen at random by the kernel; " + shown, true);
        }
        int p = firstFree(t, r, port, true);
        String why = portWord() + " " + port + " taken (reply tuple " + Tuples.invert(t) + " belongs to flow #"
                + collidedWith.id() + ")";
        Tuple result = Tuples.withManipPort(t, manip, p);
        if (spec.kind() == NatKind.BINDING) {
            return done(rule, result, "source port rewritten (value unknown): " + why + "; shown as " + p, true);
        }
        return done(rule, result, why + ": the kernel picks another of " + text(r) + " from a random offset; shown as " + p
                + ", the first free one after " + port, true);
    }

    private Optional<NatBinding> reuseSourceMapping(Optional<RuleRef> rule) {
        for (Connection other : index.sameSource(c.zone(), start, timeNanos)) {
            Tuple mapped = Tuples.invert(other.reply());
            Tuple candidate = new Tuple(start.protocol(), mapped.src(), mapped.sport(), start.dst(), start.dport());
            if (!candidate.src().equals(start.src()) && inRange(candidate) && taken(candidate) == null) {
                addressNote = "mapping " + Addresses.endpoint(candidate.src(), candidate.sport()) + " of flow #" + other.id()
                        + " reused (same source address and port)";
                return Optional.of(done(rule, candidate, "", false));
            }
        }
        return Optional.empty();
    }

    private Tuple chooseAddress() {
        if (spec.min().isEmpty()) {
            return start;
        }
        IpAddress a;
        if (spec.addressRange()) {
            a = AddressChooser.choose(start.src(), start.dst(), spec.min().get(), spec.max().get(), c.zone(),
                    spec.persistent());
            addressNote = "address " + a + " of range " + spec.rangeText() + " chosen by jhash2(src) like the kernel"
                    + (spec.persistent() ? " (--persistent: destination left out)" : "");
        } else {
            a = spec.min().get();
            addressNote = spec.kind() == NatKind.BINDING ? "" : "address " + a;
        }
        return manip == NatManip.SRC
                ? new Tuple(start.protocol(), a, start.sport(), start.dst(), start.dport())
                : new Tuple(start.protocol(), start.src(), start.sport(), a, start.dport());
    }

    private boolean inRange(Tuple t) {
        IpAddress a = manip == NatManip.SRC ? t.src() : t.dst();
        if (!spec.inAddressRange(a)) {
            return false;
        }
        return spec.ports().isEmpty() || !hasPorts || spec.ports().get().contains(port(t));
    }

    /** The confirmed, live ct that already owns the reply tuple of {@code t}, or null (nf_nat_used_tuple). */
    private Connection taken(Tuple t) {
        Tuple reply = Tuples.invert(t);
        CtKey key = CtKey.of(c.zone(), reply, Tuples.replyType(reply.protocol(), c.icmpRequestType()));
        CtIndex.Slot slot = index.live(key, timeNanos);
        if (slot == null) {
            return null;
        }
        Connection owner = slot.ct();
        boolean sameFlow = owner.original().equals(c.original());
        boolean replaced = c.replaces().isPresent() && c.replaces().get() == owner;
        return sameFlow || replaced ? null : owner;
    }

    private int firstFree(Tuple t, PortRange r, int from, boolean skipFrom) {
        int size = r.to() - r.from() + 1;
        int offset = from - r.from();
        for (int i = skipFrom ? 1 : 0; i < size + (skipFrom ? 1 : 0); i++) {
            int p = r.from() + Math.floorMod(offset + i, size);
            if (taken(Tuples.withManipPort(t, manip, p)) == null) {
                return p;
            }
        }
        return from;
    }

    private PortRange implicitRange(int port) {
        if (icmp) {
            return new PortRange(0, 65535);
        }
        if (port < 512) {
            return new PortRange(1, 511);
        }
        return port < 1024 ? new PortRange(600, 1023) : new PortRange(1024, 65535);
    }

    private NatBinding done(Optional<RuleRef> rule, Tuple result, String portNote, boolean unknown) {
        Tuple replyAfter = Tuples.invert(result);
        NatKind kind = spec.kind() == NatKind.BINDING && !replyAfter.equals(c.reply()) ? NatKind.PORT_CLASH_REWRITE : spec.kind();
        String detail = sentence(kind, portNote);
        Optional<NatBinding.Collision> collision = Optional.ofNullable(collidedWith)
                .filter(x -> manip == NatManip.SRC && !spec.randomAll())
                .map(x -> new NatBinding.Collision(x.id(), x.firstFrame(), x.createdNanos(), x.original(), x.reply(),
                        natText(x)));
        return new NatBinding(manip, kind, rule, c.reply(), replyAfter, detail, spec.kind() == NatKind.BINDING,
                unknown, false, collision);
    }

    private String sentence(NatKind kind, String portNote) {
        if (spec.kind() == NatKind.BINDING) {
            return kind == NatKind.PORT_CLASH_REWRITE ? portNote : "null binding: the nat chains ended without NAT";
        }
        String parts = addressNote.isEmpty() ? portNote : portNote.isEmpty() ? addressNote : addressNote + "; " + portNote;
        return kind + ": " + parts;
    }

    private static String natText(Connection x) {
        return x.nat().isEmpty() ? (x.fromBundle() ? "from the bundle" : "no NAT")
                : String.join("; ", x.nat().stream().map(NatRecord::detail).toList());
    }

    private static String text(PortRange r) {
        return r.toString('-');
    }

    private String portWord() {
        return icmp ? "echo id" : "port";
    }

    private int port(Tuple t) {
        return Tuples.manipPort(t, manip);
    }

    private String address(Tuple t) {
        return (manip == NatManip.SRC ? t.src() : t.dst()).toString();
    }


}
