package io.pktpath.core.replay;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.trace.DeferredText;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.JoinedList;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A remembered suffix ({@link SteadyPaths}) with the key it is valid for, both held in this one object so that a packet
 * of an established flow reaches them with one fetch; each packet's steps are its own lookup steps joined to the
 * suffix's, which all packets of the flow direction share. The one thing that changes after construction is the last
 * full path handed out ({@link #stepsAfter(TraceStep, TraceStep)}), itself immutable, which the replay thread alone
 * reads and replaces.
 */
final class SteadyEntry {
    private final CtState state;
    private final long ctMarkSeen;
    private final Set<CtStatus> status;
    private final int protocol;
    /** The tuple's addresses as their bits (compared without fetching the key's own address objects). */
    private final IpFamily srcFamily;
    private final long srcHi;
    private final long srcLo;
    private final int sport;
    private final IpFamily dstFamily;
    private final long dstHi;
    private final long dstLo;
    private final int dport;
    private final String inIface;
    private final String physIn;
    private final String physOut;
    private final boolean bridged;
    private final long mark;
    private final int icmpType;
    private final int icmpCode;
    private final boolean fragment;
    private final LinkClass linkClass;
    private final Optional<String> macSource;
    private final int family;
    private final List<TraceStep> steps;
    private final List<TableResult> tables;
    private final List<String> notes;
    private final long ctMark;
    private final Optional<RouteDecision> route;
    private final Optional<Egress> egress;
    private final Disposition disposition;
    private final DeferredText reason;
    private final boolean confirm;
    private final Optional<NatChange> nat;
    /** The egress MTU the suffix passed ip_forward's checks with (0 unknown), -1 when it did not reach them. */
    private final int forwardedWithMtu;
    private final int ingressMtu;
    /** The packet's fwmark when the suffix ended (what its MARK rules left). */
    private final long endMark;
    /** The number of the form {@link #tables} is ({@link CommitForms}), {@link Commit#NO_FORM} when the list is not shared. */
    private final int commitForm;
    /** The hook and lookup steps {@link #joined} starts with (null until a path was joined). */
    private TraceStep joinedHook;
    private TraceStep joinedLookup;
    /** The last full path handed out: {@link #joinedHook}, {@link #joinedLookup}, then the suffix's steps. */
    private List<TraceStep> joined;

    SteadyEntry(SteadyPaths.Key key, SteadyPaths.Suffix suffix) {
        this.state = key.state();
        this.ctMarkSeen = key.ctMark();
        this.status = key.status();
        this.protocol = key.protocol();
        this.srcFamily = key.src().family();
        this.srcHi = key.src().hi();
        this.srcLo = key.src().lo();
        this.sport = key.sport();
        this.dstFamily = key.dst().family();
        this.dstHi = key.dst().hi();
        this.dstLo = key.dst().lo();
        this.dport = key.dport();
        this.inIface = key.inIface();
        this.physIn = key.physIn();
        this.physOut = key.physOut();
        this.bridged = key.bridged();
        this.mark = key.mark();
        this.icmpType = key.icmpType();
        this.icmpCode = key.icmpCode();
        this.fragment = key.fragment();
        this.linkClass = key.linkClass();
        this.macSource = key.macSource();
        this.family = key.family();
        this.steps = suffix.steps();
        this.tables = suffix.tables();
        this.notes = suffix.notes();
        this.ctMark = suffix.ctMark();
        this.route = suffix.route();
        this.egress = suffix.egress();
        this.disposition = suffix.disposition();
        this.reason = suffix.reason();
        this.confirm = suffix.confirm();
        this.nat = suffix.nat();
        this.forwardedWithMtu = suffix.forwardedWithMtu();
        this.ingressMtu = suffix.ingressMtu();
        this.endMark = suffix.endMark();
        this.commitForm = suffix.commitForm();
    }

    /** The packet's fwmark when the remembered suffix ended. */
    long endMark() {
        return endMark;
    }

    /**
     * True if a packet with this ct info has this entry's key (compared field by field: nothing is allocated, and the
     * tuple's fields, addresses as bits, are kept here: three objects fewer to fetch per packet) and, for a forwarded
     * suffix, passes ip_forward's checks as the packet it was made from did.
     */
    boolean matches(Packet p, CtInfo ct, Set<CtStatus> ctStatus) {
        return ct.state() == state && ct.ctMark() == ctMarkSeen && p.mark() == mark
                && sport == p.tupleSourceId() && dport == p.tupleDestinationId() && protocol == p.proto()
                && is(p.src(), srcFamily, srcHi, srcLo) && is(p.dst(), dstFamily, dstHi, dstLo)
                && p.icmpType() == icmpType && p.icmpCode() == icmpCode && p.fragment() == fragment
                && p.bridged() == bridged && p.linkClass() == linkClass && p.family().number() == family
                && p.inIface().equals(inIface) && p.physIn().equals(physIn) && p.physOut().equals(physOut)
                && p.macSource().equals(macSource) && ctStatus.equals(status)
                && (forwardedWithMtu < 0 || ForwardChecks.passes(p, forwardedWithMtu, ingressMtu));
    }

    /** True if {@code a} is the address with these bits ({@link IpAddress#equals}, field by field). */
    private static boolean is(IpAddress a, IpFamily family, long hi, long lo) {
        return a.lo() == lo && a.hi() == hi && a.family() == family;
    }

    /** The suffix's table results (shared among suffixes that commit alike, see {@link CommitForms}). */
    List<TableResult> tables() {
        return tables;
    }

    /** The number of the form {@link #tables} is, under which its commits are counted at once; {@link Commit#NO_FORM} for none. */
    int commitForm() {
        return commitForm;
    }

    List<String> notes() {
        return notes;
    }

    /** The ct mark the suffix left. */
    long ctMark() {
        return ctMark;
    }

    Optional<RouteDecision> route() {
        return route;
    }

    Optional<Egress> egress() {
        return egress;
    }

    Disposition disposition() {
        return disposition;
    }

    DeferredText reason() {
        return reason;
    }

    /** Whether the suffix reached confirmation. */
    boolean confirm() {
        return confirm;
    }

    Optional<NatChange> nat() {
        return nat;
    }

    /** The prefix's steps followed by the suffix's, as an immutable list that copies neither. */
    List<TraceStep> stepsAfter(List<TraceStep> prefix) {
        return JoinedList.of(prefix, steps);
    }

    /**
     * The hook step and lookup step of a packet that reached the lookup without walking a table, followed by the
     * suffix's steps: the path last handed out when both are the very steps it was made with (a connection hands out
     * the same lookup step while its packets make the same transition, and a hook step is made once per family), so
     * consecutive packets of the flow direction share one immutable list instead of each joining its own.
     */
    List<TraceStep> stepsAfter(TraceStep hookStep, TraceStep lookupStep) {
        if (hookStep != joinedHook || lookupStep != joinedLookup) {
            joined = JoinedList.of(List.of(hookStep, lookupStep), steps);
            joinedHook = hookStep;
            joinedLookup = lookupStep;
        }
        return joined;
    }
}
