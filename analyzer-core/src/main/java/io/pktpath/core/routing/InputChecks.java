package io.pktpath.core.routing;

import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.util.Remembered;
import io.pktpath.parser.iproute.RouteType;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.List;

/**
 * The input-side checks of ip_route_input_slow/fib_validate_source (netfilter-semantics §6.4) as trace steps: martian
 * addresses, 127/8 and route_localnet, accept_local, rp_filter (max of all and device; strict, loose, the mark only
 * with src_valid_mark) and the input device's forwarding flag. Each detail names the sysctls used and their origin.
 */
final class InputChecks {
    static final String MARTIAN_SOURCE = "martian source";
    static final String MARTIAN_DESTINATION = "martian destination";
    static final String ROUTE_LOCALNET = "route_localnet";
    static final String ACCEPT_LOCAL = "accept_local";
    static final String RP_FILTER = "rp_filter";
    static final String FORWARDING = "forwarding";
    static final String MULTICAST_MEMBERSHIP = "multicast membership";

    /** At most this many steps are remembered per kind (the bound only caps memory). */
    static final int MAX_REMEMBERED = 1 << 16;

    private final NodeFib fib;
    /**
     * The forwarding flag's steps, whose words depend only on the input device and the destination, kept once asked
     * again: a new connection asks for each load-balancing branch's endpoint from its client's device, and two of three
     * are never asked again.
     */
    private final DeviceAddressAnswers<CheckStep> forwardingSteps = new DeviceAddressAnswers<>(MAX_REMEMBERED, true);
    /**
     * The steps of the source checks that need no reverse-path lookup (accept_local, then rp_filter off), by input device
     * and source: one answer, so that a new connection's packet reads one object for both.
     */
    private final DeviceAddressAnswers<List<CheckStep>> sourceSteps = new DeviceAddressAnswers<>(MAX_REMEMBERED);
    private final Remembered<String, CheckStep> noReversePathSteps = new Remembered<>(MAX_REMEMBERED);

    InputChecks(NodeFib fib) {
        this.fib = fib;
    }

    static Disposition dispositionOf(String check) {
        return switch (check) {
            case RP_FILTER -> Disposition.RP_FILTER;
            case FORWARDING -> Disposition.FORWARDING_DISABLED;
            case MULTICAST_MEMBERSHIP -> Disposition.NOT_JOINED;
            default -> Disposition.MARTIAN;
        };
    }

    static CheckStep step(String check, boolean passed, String detail) {
        return new CheckStep(null, check, passed, detail);
    }

    /**
     * A step whose sentence is written when read: the route caches keep the steps of the checks that depend on a
     * packet's addresses for every device and address met, and few are ever shown.
     */
    static CheckStep step(String check, boolean passed, java.util.function.Supplier<String> detail) {
        return new CheckStep(null, check, passed, io.pktpath.core.trace.DeferredText.later(detail));
    }

    /** The checks before the table lookup; returns false after adding a failed step. */
    boolean beforeLookup(Packet p, List<CheckStep> out) {
        IpAddress src = p.src();
        IpAddress dst = p.dst();
        if (AddressClass.isMulticast(src) || AddressClass.isLimitedBroadcast(src)) {
            out.add(step(MARTIAN_SOURCE, false, "source " + src + " is a multicast or broadcast address"));
            return false;
        }
        if (p.family() == IpFamily.V6) {
            if (AddressClass.isLoopback(src) || AddressClass.isLoopback(dst)) {
                boolean source = AddressClass.isLoopback(src);
                out.add(step(source ? MARTIAN_SOURCE : MARTIAN_DESTINATION, false, (source ? "source" : "destination")
                        + " ::1 on non-loopback " + p.inIface() + " (dropped before PREROUTING)"));
                return false;
            }
            return true;
        }
        if (AddressClass.isLimitedBroadcast(dst) || AddressClass.isUnspecified(src) && AddressClass.isUnspecified(dst)) {
            return true;
        }
        if (AddressClass.isZeroNet(src)) {
            out.add(step(MARTIAN_SOURCE, false, "source " + src + " is in 0.0.0.0/8"));
            return false;
        }
        if (AddressClass.isZeroNet(dst)) {
            out.add(step(MARTIAN_DESTINATION, false, "destination " + dst + " is in 0.0.0.0/8"));
            return false;
        }
        if (AddressClass.isLoopback(dst) || AddressClass.isLoopback(src)) {
            InterfaceConf c = fib.conf(p.inIface());
            String which = AddressClass.isLoopback(dst) ? "destination " + dst : "source " + src;
            boolean ok = c.routeLocalnet();
            out.add(step(ROUTE_LOCALNET, ok, which + " is in 127.0.0.0/8 on " + p.inIface() + ": "
                    + c.routeLocalnetText() + (ok ? "" : ", dropped as martian")));
            return ok;
        }
        return true;
    }

    /**
     * The forwarding flag of the input device for a packet that is not for this node, as a step (it depends on the
     * input device and the destination only).
     */
    CheckStep forwardingStep(Packet p) {
        return forwardingSteps.get(p.inIface(), p.dst(), (in, dst) -> {
            InterfaceConf c = fib.conf(in);
            boolean v4 = dst.isV4();
            boolean ok = v4 ? c.forwardingV4() : c.forwardingV6();
            String text = v4 ? c.forwardingV4Text() : c.forwardingV6Text();
            return new CheckStep(null, FORWARDING, ok, new ForwardingText(text, dst, ok));
        });
    }

    /** The forwarding step's sentence, written when read (one object: the step is made per device and destination). */
    private static final class ForwardingText extends DeferredText {
        private final String flagText;
        private final IpAddress dst;
        private final boolean forwarded;

        ForwardingText(String flagText, IpAddress dst, boolean forwarded) {
            this.flagText = flagText;
            this.dst = dst;
            this.forwarded = forwarded;
        }

        @Override
        protected String write() {
            return forwarded ? flagText + ": " + dst + " may be forwarded"
                    : flagText + ": " + dst + " is not local, dropped silently";
        }
    }

    /** fib_validate_source: accept_local then rp_filter (IPv4 only); returns false after adding a failed step. */
    boolean validateSource(Packet p, List<CheckStep> out) {
        if (p.family() == IpFamily.V6 || AddressClass.isUnspecified(p.src())) {
            return true;
        }
        InterfaceConf c = fib.conf(p.inIface());
        if (c.rpFilter() == 0 && !fib.needsFullSourceCheck(IpFamily.V4)) {
            List<CheckStep> steps = sourceSteps.get(p.inIface(), p.src(), this::withoutReversePath);
            for (int i = 0; i < steps.size(); i++) {
                out.add(steps.get(i));
            }
            return steps.get(steps.size() - 1).passed();
        }
        return fullCheck(p, c, out);
    }

    /**
     * The source checks of a packet from {@code src} on {@code in} when rp_filter is off and no policy makes the source
     * matter: accept_local's step, then, unless it failed, rp_filter's.
     */
    private List<CheckStep> withoutReversePath(String in, IpAddress src) {
        InterfaceConf c = fib.conf(in);
        String acceptText = c.acceptLocalText();
        boolean local = !c.acceptLocal() && fib.isLocal(src);
        CheckStep accept = step(ACCEPT_LOCAL, !local, () -> local ? acceptText + ": source " + src
                + " is a local address, dropped as martian" : acceptText + ": source " + src + " accepted");
        if (local) {
            return List.of(accept);
        }
        String rpfText = c.rpFilterText();
        return List.of(accept, noReversePathSteps.get(in, dev -> step(RP_FILTER, true, rpfText + ": no reverse-path check")));
    }

    private boolean fullCheck(Packet p, InterfaceConf c, List<CheckStep> out) {
        String in = p.inIface();
        long rpf = c.rpFilter();
        boolean acceptLocal = c.acceptLocal();
        String acceptText = c.acceptLocalText();
        String rpfText = c.rpFilterText();
        boolean validMark = c.srcValidMark();
        ReversePath rev = ReversePath.lookup(fib, p, validMark ? p.mark() : 0, false);
        RouteType type = rev.outcome().type().orElse(null);
        boolean local = type == RouteType.LOCAL;
        IpAddress src = p.src();
        out.add(step(ACCEPT_LOCAL, !local || acceptLocal, () -> acceptText + (local && !acceptLocal ? ": source "
                + src + " is a local address, dropped as martian" : ": source " + src + " accepted")));
        if (local && !acceptLocal) {
            return false;
        }
        String markNote = p.mark() != 0 && !validMark ? " (looked up without mark " + hex(p.mark())
                + ": src_valid_mark=0)" : "";
        if (type == null) {
            out.add(step(RP_FILTER, rpf == 0, rpfText + ": no route back to " + p.src() + markNote));
            return rpf == 0;
        }
        if (type != RouteType.UNICAST && !local) {
            out.add(step(MARTIAN_SOURCE, false, "the route back to " + p.src() + " is " + type.keyword()
                    + " (" + rev.describe() + "): source rejected"));
            return false;
        }
        if (rev.usesDevice(in)) {
            out.add(step(RP_FILTER, true, () -> rpfText + ": route back to " + src + " leaves via " + in + markNote));
            return true;
        }
        boolean noAddress = !fib.interfaces().isEmpty() && fib.interfaces().primaries(in, IpFamily.V4).isEmpty();
        boolean ok = rpf != 1;
        String why;
        if (noAddress && rpf != 0) {
            ok = false;
            why = ": " + in + " has no IPv4 address";
        } else if (rpf == 1) {
            why = ": strict: route back to " + p.src() + " leaves via " + rev.devices() + ", not " + in;
        } else {
            why = (rpf == 2 ? ": loose: " : ": ") + p.src() + " is routable via " + rev.devices();
        }
        out.add(step(RP_FILTER, ok, rpfText + why + markNote));
        return ok;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
