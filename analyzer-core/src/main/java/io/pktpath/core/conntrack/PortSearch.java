package io.pktpath.core.conntrack;

import io.pktpath.core.packet.Addresses;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.PortRange;
import java.util.Optional;
import java.util.function.Supplier;

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
    /** What the search says about the address it chose (written when the binding's sentence is read). */
    private Supplier<String> addressNote = NOTHING;
    private Connection collidedWith;

    private static final Supplier<String> NOTHING = () -> "";
    private static final DeferredText NULL_BINDING = DeferredText.of("null binding: the nat chains ended without NAT");

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
                    return done(rule, start, NOTHING, false);
                }
                IpAddress kept = address(start);
                addressNote = spec.min().isPresent() ? () -> kept + " already in range" : NOTHING;
                String word = portWord();
                int port = port(start);
                return done(rule, start, () -> word + " " + port + " kept: reply tuple free", false);
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
        String word = portWord();
        Optional<PortRange> ports = spec.ports();
        if (!randomAll) {
            if (ports.isPresent()) {
                PortRange r = ports.get();
                if (r.contains(port) && (r.isSingle() || taken(t) == null)) {
                    return done(rule, t, () -> word + " " + port + (r.isSingle() ? "" : " kept: in range " + text(r)
                            + " and reply tuple free"), false);
                }
            } else {
                Connection taker = taken(t);
                if (taker == null) {
                    return done(rule, t, () -> word + " " + port + " kept: reply tuple free", false);
                }
                collidedWith = taker;
            }
        }
        if (!hasPorts || ports.isEmpty() && manip == NatManip.DST) {
            Connection collided = collidedWith;
            return done(rule, t, () -> {
                String note = hasPorts ? word + " " + port + " kept" : "";
                if (collided != null) {
                    note += (note.isEmpty() ? "" : " ") + "although reply tuple " + Tuples.invert(t)
                            + " already belongs to flow #" + collided.id() + " (this ct will clash at confirmation)";
                }
                return note;
            }, false);
        }
        return searchPort(rule, t, port, randomAll);
    }

    private NatBinding searchPort(Optional<RuleRef> rule, Tuple t, int port, boolean randomAll) {
        PortRange r = spec.ports().orElseGet(() -> implicitRange(port));
        if (manip == NatManip.DST && !randomAll) {
            int p = firstFree(t, r, r.from(), false);
            String word = portWord();
            return done(rule, Tuples.withManipPort(t, manip, p), () -> r.isSingle() ? word + " " + p
                    : "lowest free " + word + " " + p + " of range " + text(r), false);
        }
        if (randomAll) {
            int from = r.contains(port) ? port : r.from();
            int p = firstFree(t, r, from, false);
            String word = portWord();
            String flags = spec.flagText();
            return done(rule, Tuples.withManipPort(t, manip, p), () -> flags + ": " + word
                    + " chosen at random by the kernel; " + NatBinding.SHOWN_AS + (p == port ? "the original " + word
                    : p + ", the first free " + word + " from " + from), true);
        }
        int p = firstFree(t, r, port, true);
        String word = portWord();
        long collided = collidedWith.id();
        Supplier<String> why = () -> word + " " + port + " taken (reply tuple " + Tuples.invert(t) + " belongs to flow #"
                + collided + ")";
        Tuple result = Tuples.withManipPort(t, manip, p);
        if (spec.kind() == NatKind.BINDING) {
            return done(rule, result, () -> "source port rewritten (value unknown): " + why.get() + "; shown as " + p, true);
        }
        return done(rule, result, () -> why.get() + ": the kernel picks another of " + text(r)
                + " from a random offset; shown as " + p + ", the first free one after " + port, true);
    }

    private Optional<NatBinding> reuseSourceMapping(Optional<RuleRef> rule) {
        for (Connection other : index.sameSource(c.zone(), start, timeNanos)) {
            Tuple mapped = Tuples.invert(other.reply());
            Tuple candidate = new Tuple(start.protocol(), mapped.src(), mapped.sport(), start.dst(), start.dport());
            if (!candidate.src().equals(start.src()) && inRange(candidate) && taken(candidate) == null) {
                long otherId = other.id();
                addressNote = () -> "mapping " + Addresses.endpoint(candidate.src(), candidate.sport()) + " of flow #"
                        + otherId + " reused (same source address and port)";
                return Optional.of(done(rule, candidate, NOTHING, false));
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
            IpAddress chosen = a;
            String range = spec.rangeText();
            boolean persistent = spec.persistent();
            addressNote = () -> "address " + chosen + " of range " + range + " chosen by jhash2(src) like the kernel"
                    + (persistent ? " (--persistent: destination left out)" : "");
        } else {
            a = spec.min().get();
            IpAddress only = a;
            addressNote = spec.kind() == NatKind.BINDING ? NOTHING : () -> "address " + only;
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

    /**
     * The binding to {@code result}; its sentence is written when first read (most bindings are made for the branches
     * of a random choice that did not happen, and their sentences are never shown).
     */
    private NatBinding done(Optional<RuleRef> rule, Tuple result, Supplier<String> portNote, boolean unknown) {
        Tuple replyAfter = Tuples.invert(result);
        NatKind kind = spec.kind() == NatKind.BINDING && !replyAfter.equals(c.reply()) ? NatKind.PORT_CLASH_REWRITE : spec.kind();
        DeferredText detail = sentence(kind, addressNote, portNote);
        Optional<NatBinding.Collision> collision = Optional.ofNullable(collidedWith)
                .filter(x -> manip == NatManip.SRC && !spec.randomAll())
                .map(x -> new NatBinding.Collision(x.id(), x.firstFrame(), x.createdNanos(), x.original(), x.reply(),
                        natText(x)));
        return new NatBinding(manip, kind, rule, c.reply(), replyAfter, detail, spec.kind() == NatKind.BINDING,
                unknown, false, collision);
    }

    private DeferredText sentence(NatKind kind, Supplier<String> addressNote, Supplier<String> portNote) {
        if (spec.kind() == NatKind.BINDING) {
            return kind == NatKind.PORT_CLASH_REWRITE ? DeferredText.later(portNote) : NULL_BINDING;
        }
        return DeferredText.later(() -> {
            String address = addressNote.get();
            String port = portNote.get();
            String parts = address.isEmpty() ? port : port.isEmpty() ? address : address + "; " + port;
            return kind + ": " + parts;
        });
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

    private IpAddress address(Tuple t) {
        return manip == NatManip.SRC ? t.src() : t.dst();
    }


}
