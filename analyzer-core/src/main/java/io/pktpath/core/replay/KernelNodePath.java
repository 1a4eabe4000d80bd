package io.pktpath.core.replay;

import io.pktpath.core.conntrack.ConntrackPolicy;
import io.pktpath.core.conntrack.ConntrackTable;
import io.pktpath.core.conntrack.CtCandidate;
import io.pktpath.core.conntrack.CtDirection;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.conntrack.NatApplied;
import io.pktpath.core.conntrack.NatBinding;
import io.pktpath.core.conntrack.NatEnv;
import io.pktpath.core.conntrack.NatManip;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.ChoicePoint;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.ClosedPort;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.netfilter.NatRequest;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.netfilter.StateUpdate;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.routing.Deliverability;
import io.pktpath.core.routing.NeighborResult;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.routing.RouteResult;
import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrozenList;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RouteStep;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node as the kernel runs it (netfilter-semantics §1): hooks and tables in priority order, conntrack lookup after
 * raw, NAT decided once per connection, input and output routing with reroute, neighbors, and confirmation at the
 * last hook. Runs are side-effect free; {@link #commit} applies the chosen one to conntrack, counters and rule state.
 */
public final class KernelNodePath implements NodePath {
    private static final List<String> PRE_TABLES = List.of("raw", "mangle", "nat");
    private static final List<String> INPUT_TABLES_NFT = List.of("mangle", "filter", "nat", "security");
    private static final List<String> INPUT_TABLES_LEGACY = List.of("mangle", "filter", "security", "nat");
    private static final List<String> FORWARD_TABLES = List.of("mangle", "filter", "security");
    private static final List<String> POST_TABLES = List.of("mangle", "nat");
    private static final List<String> OUTPUT_TABLES = List.of("raw", "mangle", "nat", "filter", "security");
    private final NodeNetwork net;
    private final CompiledRuleset v4;
    private final CompiledRuleset v6;
    /**
     * The iptables-legacy tables beside the main (iptables-nft) ones, null when none: walked first at each shared
     * priority (the kernel runs the hook registered later first; the legacy tables are assumed registered after the
     * iptables-nft chains, as on the recorded node: {@code checks/iptables-legacy-order.sh}).
     */
    private final CompiledRuleset legacy4;
    private final CompiledRuleset legacy6;
    /** Whether the legacy tables run before iptables-nft's chains of the same priority ({@code LegacyIptables}). */
    private final boolean legacyFirst;
    private final boolean nftBackend;
    /** The native nftables filter chains replayed among iptables' tables; null when there are none (no cost then). */
    private final NativeChains natives;
    /** The rulesets {@link OutputOriginals} are made from, on the first locally sent packet that needs them. */
    private final Optional<Ruleset> originalRules4;
    private final Optional<Ruleset> originalRules6;
    private OutputOriginals originals4;
    private OutputOriginals originals6;
    private final ConntrackTable conntrack;
    private final boolean conntrackOn;
    private final RuleState ruleState;
    private final RuleHits hits = new RuleHits();
    /** The ICMP redirect rate limit's state per source host, changed by committed runs. */
    private final IcmpRedirects redirects = new IcmpRedirects();
    private final List<ConntrackEntry> seed;
    private final ConntrackHints hints;
    private final ConntrackEventHints events;
    private final java.util.Set<String> bridges;
    /** The bridge port each address was last received on, per bridge ({@code br0 10.0.0.3}), as {@link #learnPort} heard. */
    private final java.util.Map<String, String> learnedPorts = new java.util.HashMap<>();
    private final OwedAnswers owedAnswers = new OwedAnswers();
    /** Where a packet seen leaving came from ({@link Arrivals}). */
    private final Arrivals arrivals;
    /** What committing a run changes: counters, rule state, conntrack ({@link Commits}). */
    private final Commits commits;
    /** The evaluation state every run's table walks share in turn (a replay runs on one thread). */
    private final io.pktpath.core.netfilter.WalkPool walkPool = new io.pktpath.core.netfilter.WalkPool();
    private final List<String> seedNotes = new ArrayList<>();
    private final SteadyPaths steady;
    private final java.util.Map<Hook, HookStep> hookSteps4 = new java.util.EnumMap<>(Hook.class);
    private final java.util.Map<Hook, HookStep> hookSteps6 = new java.util.EnumMap<>(Hook.class);
    private final boolean knownIngress4;
    private final boolean knownIngress6;
    private boolean seeded;
    /**
     * The last conntrack lookup made, and the packet object and zone it was made for: the runs of one packet (its
     * {@link #knownIngress} try, then each branch) ask the same question of the same table, until the next commit.
     */
    private Packet lookedUpPacket;
    private int lookedUpZone;
    private CtLookup lookedUp;

    /** The node these inputs describe, with its rulesets compiled. */
    public KernelNodePath(NodeInputs in) {
        this.events = ConntrackEventHints.of(in.conntrackEvents());
        this.net = in.net();
        this.natives = NativeChains.of(in.nativeChains()).orElse(null);
        this.steady = new SteadyPaths(in.rules4(), in.rules6(), in.nativeChains(), in.reuseSteadyPaths(), in.legacy());
        this.v4 = in.rules4().map(CompiledRuleset::compile).orElse(null);
        this.v6 = in.rules6().map(CompiledRuleset::compile).orElse(null);
        this.legacy4 = in.legacy().rulesetV4().map(CompiledRuleset::compileLegacy).orElse(null);
        this.legacy6 = in.legacy().rulesetV6().map(CompiledRuleset::compileLegacy).orElse(null);
        this.legacyFirst = in.legacy().legacyFirst();
        this.ruleState = new RuleState(io.pktpath.core.netfilter.RecentLimits.of(in.rules4(), in.rules6()));
        this.nftBackend = in.rules4().or(in::rules6).flatMap(Ruleset::generator).map(g -> g.contains("nf_tables"))
                .orElse(true);
        this.originalRules4 = in.rules4();
        this.originalRules6 = in.rules6();
        this.conntrack = new ConntrackTable(in.timeouts());
        this.conntrackOn = ConntrackPolicy.isEnabled(in.rules4().orElse(Ruleset.empty(IpFamily.V4)),
                in.rules6().orElse(Ruleset.empty(IpFamily.V6))) || natives != null && natives.needsConntrack()
                || ConntrackPolicy.isEnabled(in.legacy().rulesetV4().orElse(Ruleset.empty(IpFamily.V4)),
                in.legacy().rulesetV6().orElse(Ruleset.empty(IpFamily.V6)));
        this.seed = in.conntrackBefore();
        this.hints = ConntrackHints.of(in.conntrackHints());
        this.bridges = in.bridges();
        this.knownIngress4 = knownIngressPossible(IpFamily.V4);
        this.knownIngress6 = knownIngressPossible(IpFamily.V6);
        this.commits = new Commits(conntrack, conntrackOn, hits, ruleState, owedAnswers);
        this.arrivals = new Arrivals(net, conntrack, conntrackOn, hints, owedAnswers, ruleState, v4, v6, legacy4,
                legacy6, legacyFirst);
    }

    /**
     * Whether {@link #knownIngress} can apply to this family at all: conntrack on, remembered paths allowed, and no raw
     * PREROUTING chain, native ingress chain nor native chain before conntrack (whose walk comes before the lookup and
     * would have to run first).
     */
    private boolean knownIngressPossible(IpFamily family) {
        CompiledRuleset rules = rules(family);
        CompiledRuleset legacy = legacy(family);
        return conntrackOn && steady.enabled(family) && (rules == null || !rules.hasChain(Hook.PREROUTING, "raw"))
                && (natives == null || natives.at(family, Hook.INGRESS).length == 0
                        && natives.bridgeAt(family, Hook.PREROUTING).length == 0)
                && (legacy == null || !legacy.hasChain(Hook.PREROUTING, "raw"))
                && (natives == null || !natives.beforeConntrack(family, Hook.PREROUTING));
    }

    public RuleHits hits() {
        return hits;
    }

    public ConntrackTable conntrack() {
        return conntrack;
    }

    public boolean conntrackEnabled() {
        return conntrackOn;
    }

    /**
     * nf_defrag runs exactly when conntrack does: its hooks are registered with conntrack's, which the ruleset loads
     * when any rule needs it ({@link io.pktpath.core.conntrack.ConntrackPolicy}: NAT, conntrack/state matches, NOTRACK
     * and CT included, TPROXY too); a ruleset that needs no conntrack leaves forwarded fragments alone. The socket
     * match, which loads nf_defrag without conntrack, is not counted: such a node is replayed fragment by fragment.
     */
    @Override
    public boolean defragments(IpFamily family) {
        return conntrackOn;
    }

    @Override
    public Setting<Long> fragmentTimeout(IpFamily family) {
        return net.sysctls().get(family == IpFamily.V4 ? "net.ipv4.ipfrag_time" : "net.netfilter.nf_conntrack_frag6_timeout");
    }

    @Override
    public List<Arrival> arrivalsOf(Packet leaving) {
        return arrivals.arrivalsOf(leaving);
    }

    @Override
    public Optional<Arrival> errorArrivalOf(Packet leaving) {
        return arrivals.errorArrivalOf(leaving);
    }

    @Override
    public boolean sentByNode(Packet leaving) {
        return arrivals.sentByNode(leaving);
    }

    @Override
    public boolean sentByTproxiedSocket(Packet leaving) {
        return arrivals.sentByTproxiedSocket(leaving);
    }

    @Override
    public Optional<Arrival> forwardedArrivalOf(Packet leaving) {
        return arrivals.forwardedArrivalOf(leaving);
    }

    @Override
    public Optional<String> openedBeforeCapture(Packet received) {
        return arrivals.openedBeforeCapture(received);
    }

    @Override
    public Optional<Tuple> dumpedLeavingOf(Packet arriving) {
        return hints.leftAs(arriving.tuple());
    }

    @Override
    public Optional<ConntrackEventHints.Logged> loggedLeavingOf(Packet arriving) {
        return events.leftAs(arriving);
    }

    @Override
    public Optional<String> deviceOf(Packet captured, boolean inbound) {
        return arrivals.deviceOf(captured, inbound);
    }

    @Override
    public boolean lacksConnection(Packet packet) {
        return conntrackOn && !(conntrack.lookup(packet, 0, packet.timeNanos()) instanceof CtLookup.Existing);
    }

    /** Race evidence met while committing (same-tuple UDP pairs, SNAT port collisions), in capture order. */
    public List<RaceEvidence> races() {
        return commits.races();
    }

    public List<String> seedNotes() {
        return List.copyOf(seedNotes);
    }

    /** How many packets of established flows reused the path an earlier packet of their flow took ({@link SteadyPaths}). */
    public long reusedPaths() {
        return steady.reused();
    }

    public boolean nftBackend() {
        return nftBackend;
    }

    @Override
    public boolean isLocal(IpAddress address) {
        return net.isLocal(address);
    }

    private CompiledRuleset rules(IpFamily family) {
        return family == IpFamily.V4 ? v4 : v6;
    }

    private CompiledRuleset legacy(IpFamily family) {
        return family == IpFamily.V4 ? legacy4 : legacy6;
    }

    // ---------------------------------------------------------------- ingress

    @Override
    public PathRun ingress(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
        return received(new RunState(packet, oracle, collectMisses));
    }

    @Override
    public boolean walksIngress(Packet packet) {
        return natives != null && !natives.ingressAt(packet.family(), packet.inIface(), packet.physIn()).isEmpty();
    }

    @Override
    public PathRun fragmentIngress(Packet fragment, ChoiceOracle oracle, boolean collectMisses) {
        RunState s = new RunState(fragment, oracle, collectMisses);
        seedOnce(fragment.timeNanos());
        if (ingress(s)) {
            s.end(Disposition.HELD_FOR_REASSEMBLY, "let through by the ingress chains, then held by nf_defrag (before"
                    + " raw PREROUTING) for reassembly");
        }
        return finish(s);
    }

    @Override
    public PathRun reassembledIngress(Packet whole, Packet fragment, ChoiceOracle oracle, boolean collectMisses) {
        RunState s = new RunState(whole, oracle, collectMisses);
        s.ingressAs = fragment;
        return received(s);
    }

    @Override
    public PathRun looped(Packet packet, PathRun sent, ChoiceOracle oracle, boolean collectMisses) {
        RunState s = new RunState(packet, oracle, collectMisses);
        Commit c = (Commit) sent.commitToken();
        s.sentWith = c.ct().map(CtInfo::state).orElse(null);
        s.kept = kept(c, packet);
        // it carries that ct (or its untracked mark) into PREROUTING: the chains before conntrack's lookup read it
        if (s.kept != null) {
            s.ct = Optional.of(s.kept.info());
        } else if (s.sentWith == io.pktpath.core.trace.CtState.UNTRACKED) {
            s.ct = Optional.of(untrackedCt(packet));
        }
        return received(s);
    }

    /**
     * The ct a packet looped over lo carries in, as its sending run (already committed) left it: the ct that run found,
     * or the one its commit confirmed, found by the tuple it was created with; null without one (the input pass then
     * looks up afresh).
     */
    private CtLookup.Kept kept(Commit sent, Packet looped) {
        if (!conntrackOn || sent.ct().isEmpty() || sent.ct().get().state() == io.pktpath.core.trace.CtState.UNTRACKED) {
            return null;
        }
        CtInfo info = sent.ct().get();
        if (sent.lookup() instanceof CtLookup.Existing e) {
            return new CtLookup.Kept(e.ct(), e.direction(), info, keptDetail(e.ct().id(), e.direction()));
        }
        if (sent.lookup() instanceof CtLookup.Related r) {
            return new CtLookup.Kept(r.ct(), r.direction(), info, keptDetail(r.ct().id(), r.direction()));
        }
        if (sent.lookup() instanceof CtLookup.Created created) {
            CtCandidate c = created.candidate();
            return conntrack.kept(looped.withTuple(c.original()), c.zone(), looped.timeNanos(), info,
                    keptDetail(c.id(), CtDirection.ORIGINAL)).orElse(null);
        }
        return null;
    }

    private static String keptDetail(long flow, CtDirection direction) {
        return "flow #" + flow + " " + direction + ", kept since it was sent: a packet looped over lo keeps its conntrack"
                + " entry and state (no lookup, no TCP step, no nat rules)";
    }

    private PathRun received(RunState s) {
        seedOnce(s.packet.timeNanos());
        if (!ingress(s) || !bridgeChains(s, Hook.PREROUTING)) {
            return finish(s);
        }
        hook(s, Hook.PREROUTING, PRE_TABLES);
        if (beforeConntrack(s, Hook.PREROUTING)) {
            track(s, Hook.PREROUTING);
            CtLookup.Existing established = steady.eligible(s);
            SteadyEntry known = established == null ? null : steady.get(established, s);
            if (known != null) {
                return reuse(known, established, s);
            }
            SteadyPaths.Key key = established == null ? null : steady.keyOf(s);
            int stepMark = s.steps.size();
            int tableMark = s.tables.size();
            int noteMark = s.notes.size();
            if (natives(s, Hook.PREROUTING, NativeChains.CONNTRACK, NativeChains.MANGLE)
                    && walk(s, Hook.PREROUTING, "mangle")
                    && natives(s, Hook.PREROUTING, NativeChains.MANGLE, NativeChains.DSTNAT)
                    && nat(s, Hook.PREROUTING, NatManip.DST, Optional.empty())
                    && natives(s, Hook.PREROUTING, NativeChains.DSTNAT, NativeChains.LAST)
                    && bridgeInput(s)) {
                route(s);
            }
            if (key != null) {
                steady.remember(established, key, s, stepMark, tableMark, noteMark,
                        s.forwardedWithMtu > 0 ? net.deviceMtu(s.packet.inIface()) : 0);
            }
        }
        return finish(s);
    }

    /**
     * The native ingress chains bound to the packet's input device (a bridge port's frame: also those of its port), in
     * priority order, before PREROUTING: no conntrack entry is looked up yet, a drop ends the packet there; false then.
     */
    private boolean ingress(RunState s) {
        if (natives == null) {
            return true;
        }
        Packet p = s.packet;
        List<NativeChains.Slot> slots = natives.ingressAt(p.family(), p.inIface(), p.physIn());
        if (slots.isEmpty()) {
            return true;
        }
        List<String> tables = new ArrayList<>();
        slots.stream().map(NativeChains.Slot::table).filter(t -> !tables.contains(t)).forEach(tables::add);
        s.steps.add(new HookStep(Hook.INGRESS, tables));
        // a reassembled datagram: the fragment that completed it walked the chains, before nf_defrag
        Packet whole = s.ingressAs == null ? null : s.packet;
        if (whole != null) {
            s.packet = s.ingressAs;
        }
        boolean passed = true;
        for (NativeChains.Slot slot : slots) {
            io.pktpath.core.netfilter.WalkContext ctx = s.walkContext(net, conntrack, ruleState, walkPool);
            TableResult r = natives.rules(p.family()).walkChain(Hook.INGRESS, slot.table(), slot.chain(), s.packet,
                    s.ct, ctx);
            if (r.chainPresent() && !applied(s, Hook.INGRESS, r) || s.ended()) {
                passed = false;
                break;
            }
        }
        if (whole != null) {
            s.packet = s.packet.mark() == whole.mark() ? whole : whole.withMark(s.packet.mark());
        }
        return passed;
    }

    /**
     * The bridge table chains at the bridge's own hook {@code hook} (prerouting, forward, input) for a frame received on
     * a bridge port, in priority order, before br_netfilter's IP hook there (after IP PREROUTING for input): the
     * frame's input and output interfaces are its ports there (nft's bridge family {@code iifname}/{@code oifname}),
     * a mark they set stays for the IP hooks; a drop ends the frame (false then). Recorded in
     * {@code samples/bundles/brf-bridge-filter}.
     */
    private boolean bridgeChains(RunState s, Hook hook) {
        if (natives == null || s.packet.physIn().isEmpty()) {
            return true;
        }
        NativeChains.Slot[] slots = natives.bridgeAt(s.packet.family(), hook);
        if (slots.length == 0) {
            return true;
        }
        Packet ip = s.packet;
        // the bridge's postrouting hook has no input device (br_forward_finish), its other hooks the ingress port
        s.packet = ip.withInIface(hook == Hook.POSTROUTING ? "" : ip.physIn()).withOutIface(ip.physOut());
        boolean passed = walkBridge(s, hook, slots);
        s.packet = s.packet.withInIface(ip.inIface()).withOutIface(ip.outIface());
        return passed;
    }

    /**
     * The bridge table chains at the bridge's input hook for a frame received on a port, after IP PREROUTING: none for
     * br_netfilter's bridged DNAT, which br_nf_pre_routing_finish hands back to the bridge's forwarding (its forward
     * and postrouting chains run then, {@link #forward}), never up to the bridge's input hook (recorded in {@code
     * samples/bundles/brg-bridge-v6}). The route is looked up here only when the node has such chains.
     */
    private boolean bridgeInput(RunState s) {
        if (natives == null || s.packet.physIn().isEmpty()
                || natives.bridgeAt(s.packet.family(), Hook.INPUT).length == 0) {
            return true;
        }
        return bridgedDnat(s, net.inputRoute(s.packet)) || bridgeChains(s, Hook.INPUT);
    }

    /**
     * The bridge table chains a packet the node sends (or routes) out of bridge {@code dev} meets in br_dev_xmit, after
     * IP POSTROUTING: the bridge's output hook, then its postrouting hook, with no input device and the port it leaves
     * by as the output device ({@code physOut}, from the capture's copy, else the port {@code nextHop} was last received
     * on); true when it passes (or no port is known: then noted, the chains not walked).
     */
    private boolean bridgeSends(RunState s, String dev, IpAddress nextHop) {
        if (natives == null || !bridges.contains(dev)) {
            return true;
        }
        IpFamily family = s.packet.family();
        NativeChains.Slot[] output = natives.bridgeAt(family, Hook.OUTPUT);
        NativeChains.Slot[] post = natives.bridgeAt(family, Hook.POSTROUTING);
        if (output.length == 0 && post.length == 0) {
            return true;
        }
        Packet ip = s.packet;
        String port = ip.physOut();
        String learned = learnedPorts.get(dev + " " + nextHop);
        if (port.isEmpty() && learned != null) {
            port = learned;
            s.notes.add("the bridge sends it out of port " + learned + " of " + dev + ", where " + nextHop + " was last"
                    + " received");
        }
        if (port.isEmpty()) {
            s.notes.add("the port of " + dev + " it left by is not known (no copy on a port in the capture, its"
                    + " destination never received on one): the bridge's output and postrouting chains are not walked");
            return true;
        }
        s.packet = ip.withInIface("").withOutIface(port);
        boolean passed = walkBridge(s, Hook.OUTPUT, output) && walkBridge(s, Hook.POSTROUTING, post);
        s.packet = s.packet.withInIface(ip.inIface()).withOutIface(ip.outIface());
        return passed;
    }

    @Override
    public void learnPort(String bridge, IpAddress address, String port) {
        learnedPorts.put(bridge + " " + address, port);
    }

    /** Walks {@code slots}, bridge chains at {@code hook}, in order; false when one ended the packet. */
    private boolean walkBridge(RunState s, Hook hook, NativeChains.Slot[] slots) {
        for (NativeChains.Slot slot : slots) {
            io.pktpath.core.netfilter.WalkContext ctx = s.walkContext(net, conntrack, ruleState, walkPool);
            TableResult r = natives.rules(s.packet.family()).walkChain(hook, slot.table(), slot.chain(), s.packet, s.ct,
                    ctx);
            if (r.chainPresent() && !applied(s, hook, r) || s.ended()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PathRun knownIngress(Packet packet, boolean collectMisses) {
        if (collectMisses || !(packet.family() == IpFamily.V4 ? knownIngress4 : knownIngress6)) {
            return null;
        }
        seedOnce(packet.timeNanos());
        CtLookup lookup = lookup(packet, 0);
        if (!(lookup instanceof CtLookup.Existing existing) || conntrack.mayRace(existing, packet)) {
            return null;
        }
        Optional<CtInfo> ct = lookup.ctInfo();
        SteadyEntry known = steady.get(existing, packet, ct.get());
        if (known == null) {
            return null;
        }
        List<io.pktpath.core.trace.TraceStep> steps = known.stepsAfter(
                knownHookStep(packet.family(), Hook.PREROUTING, PRE_TABLES), lookup.toStep(Hook.PREROUTING));
        return reuse(known, existing, packet, ct, steps, List.of(), List.of());
    }

    @Override
    public long warm(Packet[] received, int count) {
        return conntrackOn ? conntrack.warm(received, count, 0, KernelNodePath::warmSteady) : 0;
    }

    /** Reads what a reuse of a remembered suffix and its egress copy read of it (egress, NAT), for {@link #warm}. */
    private static long warmSteady(Object slot) {
        if (!(slot instanceof SteadyEntry e)) {
            return 0;
        }
        long sum = e.ctMark() + e.tables().size() + e.disposition().ordinal();
        if (e.egress().isPresent()) {
            sum += e.egress().get().tuple().dport();
        }
        if (e.nat().isPresent()) {
            io.pktpath.core.trace.NatChange n = e.nat().get();
            sum += n.before().dport() + n.after().dport() + n.after().dst().lo();
        }
        return sum;
    }

    private void route(RunState s) {
        RouteResult rr = net.inputRoute(s.packet);
        s.steps.add(rr.toStep(null, "input"));
        List<CheckStep> checks = rr.checks();
        for (int i = 0; i < checks.size(); i++) { // not addAll: that copies the list into an array first
            s.steps.add(checks.get(i));
        }
        s.route = Optional.of(rr.decision());
        if (!rr.notes().isEmpty()) {
            s.notes.addAll(rr.notes());
        }
        Optional<Disposition> failed = rr.disposition();
        if (failed.isPresent()) {
            s.end(failed.get(), routeFailure(rr, failed.get()));
            return;
        }
        switch (rr.kind()) {
            case LOCAL -> input(s, true);
            case BROADCAST, MULTICAST -> input(s, false);
            case FORWARD, SEND -> {
                if (!bridgedBackToItsPort(s, rr)) {
                    forward(s, rr, bridgedDnat(s, rr));
                }
            }
            default -> s.end(Disposition.NOT_REPLAYABLE, "route lookup gave " + rr.kind());
        }
    }

    /**
     * br_netfilter's bridged DNAT (br_nf_pre_routing_finish): a packet that came in on a port of a bridge, whose
     * PREROUTING (run by the bridge) rewrote its destination to one routed out of the same bridge, is bridged to the new
     * destination's port instead of routed. When that destination's MAC (the neighbour entry) is the packet's own source
     * MAC, the port is the one it came in on, and the bridge does not send a frame back out its ingress port without
     * hairpin mode (br_forward's should_deliver): the packet is freed there, before FORWARD, and its connection is never
     * confirmed, so a retransmission is a new connection again. True when the run ended so; false, the run going on to
     * FORWARD, when the port's hairpin mode (ip -d link) is on. Unknown hairpin mode is taken as off.
     */
    private boolean bridgedBackToItsPort(RunState s, RouteResult rr) {
        Packet p = s.packet;
        if (!bridgedDnat(s, rr) || p.macSource().isEmpty()) {
            return false;
        }
        IpAddress nextHop = rr.nextHop().orElse(p.dst());
        Optional<String> mac = net.neighbor(nextHop, p.inIface()).lladdr();
        if (mac.isEmpty() || !mac.get().equalsIgnoreCase(p.macSource().get())) {
            return false;
        }
        Optional<Boolean> hairpin = net.interfaceByName(p.physIn()).flatMap(NetInterface::hairpin);
        String toPort = "br_netfilter: the DNAT to " + p.dst() + " keeps the packet on " + p.inIface() + ", so the bridge"
                + " forwards it to " + p.dst() + "'s port (" + mac.get() + " in the neighbour table), the port "
                + p.physIn() + " it came in on";
        if (hairpin.orElse(false)) {
            s.notes.add(toPort + "; the bundle's ip -d link shows hairpin on for " + p.physIn() + ", so the bridge sends"
                    + " it back out of that port (FORWARD and POSTROUTING run with the bridge as both interfaces,"
                    + " POSTROUTING with no input device)");
            return false;
        }
        s.notes.add(toPort + (hairpin.isPresent() ? "; the bundle's ip -d link shows hairpin off for " + p.physIn()
                + ", so the bridge does not send it back" : "; the bundle does not say whether " + p.physIn()
                + " has hairpin mode (ip -d link would: bridge_slave ... hairpin on|off): assumed off, as netavark"
                + " leaves it, so the bridge does not send it back"));
        s.end(Disposition.BRIDGE_HAIRPIN_OFF, "bridged back to its ingress port " + p.physIn() + " of " + p.inIface()
                + " after the DNAT to " + p.dst() + ": the bridge drops it (hairpin mode "
                + (hairpin.isPresent() ? "off" : "assumed off") + "), before FORWARD; its connection is never confirmed");
        return true;
    }

    /**
     * True for br_netfilter's bridged DNAT: the packet came in on a port of a bridge (not bridged already), PREROUTING
     * rewrote its destination, and the route to the new one leaves by the same bridge, so the bridge forwards it to the
     * destination's port and br_netfilter runs FORWARD and POSTROUTING as for a bridged frame (POSTROUTING with no input
     * device: br_nf_post_routing).
     */
    private boolean bridgedDnat(RunState s, RouteResult rr) {
        Packet p = s.packet;
        return !p.physIn().isEmpty() && !p.bridged() && !p.dst().equals(s.before.dst())
                && rr.outDev().filter(p.inIface()::equals).isPresent() && bridgeNetfilter(p.family());
    }

    @Override
    public Optional<io.pktpath.core.routing.ArpDecision> arpRequest(String iface, IpAddress sender, IpAddress target) {
        return Optional.of(net.arpRequest(iface, sender, target));
    }

    @Override
    public Optional<String> neighborEntry(IpAddress address, String dev) {
        NeighborResult n = net.neighbor(address, dev);
        return n.state().equals("none") || n.state().equals("NOARP") ? Optional.empty() : Optional.of(n.state());
    }

    @Override
    public Optional<String> neighborState(IpAddress address, String dev) {
        NeighborResult n = net.neighbor(address, dev);
        return n.lladdr().isPresent() ? Optional.of(n.state()) : Optional.empty();
    }

    /** The INPUT hook; {@code unicast}: delivered to a local address, where a closed port refuses the packet. */
    private void input(RunState s, boolean unicast) {
        hook(s, Hook.INPUT, nftBackend ? INPUT_TABLES_NFT : INPUT_TABLES_LEGACY);
        if (!natives(s, Hook.INPUT, NativeChains.FIRST, NativeChains.MANGLE) || !walk(s, Hook.INPUT, "mangle")
                || !natives(s, Hook.INPUT, NativeChains.MANGLE, NativeChains.FILTER) || !walk(s, Hook.INPUT, "filter")) {
            return;
        }
        boolean ok = nftBackend
                ? natives(s, Hook.INPUT, NativeChains.FILTER, NativeChains.SECURITY_LEGACY)
                        && walkLegacy(s, Hook.INPUT, "security")
                        && natives(s, Hook.INPUT, NativeChains.SECURITY_LEGACY, NativeChains.SRCNAT)
                        && nat(s, Hook.INPUT, NatManip.SRC, Optional.empty())
                        && natives(s, Hook.INPUT, NativeChains.SRCNAT, NativeChains.SECURITY_NFT)
                        && walkMain(s, Hook.INPUT, "security")
                        && natives(s, Hook.INPUT, NativeChains.SECURITY_NFT, NativeChains.LAST)
                : natives(s, Hook.INPUT, NativeChains.FILTER, NativeChains.SECURITY_LEGACY)
                        && walk(s, Hook.INPUT, "security")
                        && natives(s, Hook.INPUT, NativeChains.SECURITY_LEGACY, NativeChains.SRCNAT)
                        && nat(s, Hook.INPUT, NatManip.SRC, Optional.empty())
                        && natives(s, Hook.INPUT, NativeChains.SRCNAT, NativeChains.LAST);
        if (ok) {
            s.confirm = true;
            boolean tproxied = tproxied(s);
            String to = tproxied ? "delivered to the socket TPROXY chose, for " + s.packet.dst()
                    : "delivered to the node's own address " + s.packet.dst();
            if (tproxied) {
                s.steps.add(new CheckStep(Hook.INPUT, ClosedPort.SOCKET_CHECK, true, "the socket TPROXY chose"));
            } else if (unicast) {
                ClosedPort.of(net.sockets(), s.packet).ifPresent(c -> {
                    s.notes.add(c.note());
                    s.steps.add(c.step());
                });
            }
            s.end(Disposition.DELIVERED_LOCALLY, to + (s.packet.hasPorts() ? " port " + s.packet.dport() : "") + natSuffix(s));
        }
    }

    /** True when TPROXY gave the packet's connection a socket, in this run or before. */
    private boolean tproxied(RunState s) {
        for (TableResult t : s.tables) {
            for (StateUpdate u : t.stateUpdates()) {
                if (u instanceof StateUpdate.SocketAssigned) {
                    return true;
                }
            }
        }
        return s.ct.filter(c -> ruleState.tproxied(c.zone(), c.original())).isPresent();
    }

    /** {@code bridgedDnat}: br_netfilter's bridged DNAT ({@link #bridgedDnat}), POSTROUTING seeing no input device. */
    private void forward(RunState s, RouteResult rr, boolean bridgedDnat) {
        String dev = rr.outDev().orElse("");
        s.packet = s.packet.withOutIface(dev);
        if (bridgedDnat) {
            String kept = "br_netfilter: the DNAT to " + s.packet.dst() + " keeps the packet on " + dev;
            if (s.notes.stream().noneMatch(n -> n.startsWith(kept))) {
                // (a packet bridged back to its own hairpin-mode port has its note already)
                s.notes.add(kept + ", so the bridge forwards it to " + s.packet.dst() + "'s port (bridged DNAT): FORWARD"
                        + " and POSTROUTING run with " + dev + " as the devices, POSTROUTING with no input device");
            }
        }
        // ip_forward (ip6_forward) checks the TTL (hop limit), then the MTU, before the FORWARD hook; a bridged DNAT
        // never meets ip_forward: its TTL is not checked nor decremented (samples/recorder/checks/bridged-dnat-ttl.sh)
        if (!bridgedDnat && ForwardChecks.ttlExpires(s.packet)) {
            s.end(Disposition.TTL_EXCEEDED, (s.packet.family() == IpFamily.V4 ? "TTL " : "hop limit ") + s.packet.ttl()
                    + " on arrival: the kernel does not forward it (no FORWARD hook) and answers with ICMP time"
                    + " exceeded");
            return;
        }
        int mtu = rr.forwardMtu();
        if (s.packet.length() > mtu && mtu > 0
                && ForwardChecks.tooBig(s.packet, mtu, net.deviceMtu(s.packet.inIface()))) {
            dropTooBig(s, dev, mtu);
            return;
        }
        s.forwardedWithMtu = mtu;
        if (!bridgedDnat && dev.equals(s.packet.inIface()) && s.packet.family() == IpFamily.V4) {
            redirect(s, rr, dev);
        }
        // a bridged DNAT is a bridged frame again: the bridge's forward chains before FORWARD, its postrouting chains
        // before POSTROUTING, both seeing the translated destination (samples/bundles/brg-bridge-v6)
        if (bridgedDnat && !bridgeChains(s, Hook.FORWARD)) {
            return;
        }
        hook(s, Hook.FORWARD, FORWARD_TABLES);
        if (forwardTables(s) && (!bridgedDnat || bridgeChains(s, Hook.POSTROUTING))) {
            postrouting(s, rr, Disposition.FORWARDED, bridgedDnat);
        }
    }

    /**
     * ip_forward's ICMP redirect for a packet leaving on {@code dev}, the device it came in on (before the FORWARD hook):
     * whether the route marked it ({@link IcmpRedirects#eligible}), the rate limit's decision, and the redirect's own
     * walk ({@link #redirectWalk}), noted on the packet's path as a check step when the route marked it (the packet
     * goes on either way).
     */
    private void redirect(RunState s, RouteResult rr, String dev) {
        Packet p = s.packet;
        io.pktpath.parser.sysctl.Sysctls sysctls = net.sysctls();
        Setting<Long> send = sysctls.sendRedirects(dev);
        Setting<Long> shared = sysctls.sharedMedia(dev);
        RouteResult back = net.outputRoute(Packet.synthetic(IpFamily.V4, Packet.ICMP, UNSPECIFIED_V4, 0, p.src(), 0, "",
                true));
        boolean direct = back.disposition().isEmpty() && back.outDev().filter(dev::equals).isPresent()
                && back.nextHop().map(h -> h.equals(p.src())).orElse(true);
        IpAddress gateway = rr.nextHop().orElse(p.dst());
        boolean onLink = net.primaryAddresses(dev, IpFamily.V4).stream().anyMatch(a -> a.cidr().contains(p.src())
                && (gateway.equals(p.dst()) || a.cidr().contains(gateway)));
        IcmpRedirects.Eligibility e = IcmpRedirects.eligible(true, send.value() != 0, settingText("send_redirects", send),
                direct, shared.value() != 0, settingText("shared_media", shared), onLink);
        if (!e.marked()) {
            // most such packets (a gateway's source, send_redirects off): nothing happened, nothing is said
            return;
        }
        // from here the run depends on the rate limit's state, which earlier packets changed
        s.redirectChecked = true;
        IcmpRedirects.Decision d = redirects.decide(p.src(), p.timeNanos());
        s.redirectDecision = d;
        if (!d.send()) {
            s.steps.add(new CheckStep(null, REDIRECT_CHECK, true, "no ICMP redirect sent to " + p.src() + ": "
                    + e.detail() + ", but " + d.detail()));
            return;
        }
        IpAddress source = back.source().orElse(UNSPECIFIED_V4);
        io.pktpath.core.trace.IcmpRedirect sent = redirectWalk(s, source, gateway, dev);
        s.steps.add(new CheckStep(null, REDIRECT_CHECK, true, "the kernel sent " + p.src() + " an ICMP redirect (host)"
                + " for " + p.dst() + " to gateway " + gateway + " (" + e.detail() + "; " + d.detail() + "); "
                + sent.outcome()));
        s.redirect = Optional.of(sent);
    }

    private static final String REDIRECT_CHECK = "icmp redirect";
    private static final IpAddress UNSPECIFIED_V4 = IpAddress.v4(0);

    private static String settingText(String leaf, Setting<Long> v) {
        return leaf + "=" + v.value() + " (" + v.sources() + (v.assumedDefault() ? "; not in the bundle, kernel default"
                : "") + ")";
    }

    /**
     * The redirect the kernel sends from {@code source} to the forwarded packet's source, quoting the packet as it is
     * now (after PREROUTING's NAT and the TTL decrement, up to 548 bytes), out {@code dev}: it carries the packet's ct,
     * RELATED (nf_ct_attach), walks OUTPUT's chains before the nat core, and there nf_nat drops it when that ct's NAT is
     * not done (a new connection's source NAT comes at POSTROUTING) or not null (nf_nat_icmp_reply_translation);
     * otherwise, the nat chains not run for a RELATED ICMP error, it walks the rest of OUTPUT and POSTROUTING and leaves.
     * The table results of one nf_nat dropped are added to the packet's run, so that they are counted when the run is
     * committed (no frame of it exists); one that left is counted by the replay of its frame, which ties it to this
     * packet.
     */
    private io.pktpath.core.trace.IcmpRedirect redirectWalk(RunState s, IpAddress source, IpAddress gateway,
                                                           String dev) {
        Packet p = s.packet;
        int length = 28 + Math.min(p.length(), 548);
        Packet icmp = new Packet(p.frame(), p.timeNanos(), IpFamily.V4, Packet.ICMP, source, p.src(), 0, 0, 0, 0, 0,
                length - 20, 0, length, 64, 5, 1, 0, Optional.of(p.tuple()), false, true, false,
                io.pktpath.core.engine.LinkClass.UNICAST, Optional.empty(), "", dev, "", "", false, 0, true, 0);
        RunState r = new RunState(icmp, s.oracle, false);
        hook(r, Hook.OUTPUT, OUTPUT_TABLES);
        String outcome;
        boolean dropped = false;
        if (beforeConntrack(r, Hook.OUTPUT)) {
            Optional<CtInfo> ct = s.ct.filter(c -> c.state() != io.pktpath.core.trace.CtState.UNTRACKED
                    && c.state() != io.pktpath.core.trace.CtState.INVALID);
            String natDone = redirectNatDrop(s);
            if (conntrackOn && ct.isPresent()) {
                CtInfo info = new CtInfo(io.pktpath.core.trace.CtState.RELATED, !ct.get().replyDirection(), ct.get().ctMark(),
                        java.util.Set.of(), ct.get().original(), ct.get().reply(), ct.get().zone(), 0, s.lookup == null
                        ? 0 : flowIdOf(s.lookup));
                carried(r, Hook.OUTPUT, new CtLookup.Attached(Optional.empty(), info, p.frame(), "RELATED: the ICMP"
                        + " redirect for frame " + p.frame() + " carries that packet's entry (nf_ct_attach)"));
            }
            if (natives(r, Hook.OUTPUT, NativeChains.CONNTRACK, NativeChains.MANGLE) && walk(r, Hook.OUTPUT, "mangle")
                    && natives(r, Hook.OUTPUT, NativeChains.MANGLE, NativeChains.DSTNAT)) {
                if (natCoreAt(Hook.OUTPUT) && ct.isPresent() && conntrackOn && natDone != null) {
                    r.steps.add(new CheckStep(Hook.OUTPUT, REDIRECT_CHECK, false, "nf_nat drops an ICMP redirect"
                            + " RELATED to a connection whose " + natDone + " (nf_nat_icmp_reply_translation)"));
                    dropped = true;
                } else {
                    int security = nftBackend ? NativeChains.SECURITY_NFT : NativeChains.SECURITY_LEGACY;
                    if (natives(r, Hook.OUTPUT, NativeChains.DSTNAT, NativeChains.FILTER)
                            && walk(r, Hook.OUTPUT, "filter")
                            && natives(r, Hook.OUTPUT, NativeChains.FILTER, NativeChains.SECURITY_LEGACY)
                            && walkLegacy(r, Hook.OUTPUT, "security")
                            && natives(r, Hook.OUTPUT, NativeChains.SECURITY_LEGACY, security)
                            && walkMain(r, Hook.OUTPUT, "security")
                            && natives(r, Hook.OUTPUT, security, NativeChains.LAST)) {
                        hook(r, Hook.POSTROUTING, POST_TABLES);
                        if (natives(r, Hook.POSTROUTING, NativeChains.FIRST, NativeChains.MANGLE)
                                && walk(r, Hook.POSTROUTING, "mangle")
                                && natives(r, Hook.POSTROUTING, NativeChains.MANGLE, NativeChains.SRCNAT)
                                && natives(r, Hook.POSTROUTING, NativeChains.SRCNAT, NativeChains.LAST)) {
                            r.end(Disposition.SENT, "sent out " + dev);
                        }
                    }
                }
            }
        }
        if (!r.ended() && !dropped) {
            r.end(Disposition.NOT_REPLAYABLE, "the replay stopped without a verdict");
        }
        if (!dropped && r.disposition == Disposition.SENT) {
            outcome = "it left on " + dev + " (" + length + " bytes)";
        } else if (dropped) {
            outcome = "it walked OUTPUT up to the nat core, where nf_nat dropped it: " + natDropText(s)
                    + "; no frame of it exists";
        } else {
            dropped = true;
            outcome = "it did not leave: " + r.reason;
        }
        if (dropped) {
            // no frame of it exists: its hits are this run's to count; one that left is counted by its own frame's
            // replay from OUTPUT when the capture holds it
            s.tables.addAll(r.tables);
        }
        return new io.pktpath.core.trace.IcmpRedirect(source, p.src(), gateway, dev, length, r.steps, dropped, outcome);
    }

    /** Why nf_nat drops a redirect RELATED to the forwarded packet's ct, or null when it lets it through. */
    private static String redirectNatDrop(RunState s) {
        if (s.lookup instanceof CtLookup.Created) {
            return "NAT is not done (a new connection, unconfirmed: its source NAT comes at POSTROUTING)";
        }
        io.pktpath.core.conntrack.Connection c = s.lookup instanceof CtLookup.Existing e ? e.ct()
                : s.lookup instanceof CtLookup.Related rel ? rel.ct() : null;
        if (c != null && !c.reply().equals(c.original().inverse())) {
            return "NAT is not null (the connection is NATed)";
        }
        return null;
    }

    private static String natDropText(RunState s) {
        String why = redirectNatDrop(s);
        return why == null ? "" : "the connection's " + why;
    }

    private static long flowIdOf(CtLookup l) {
        return l instanceof CtLookup.Existing e ? e.ct().id() : l instanceof CtLookup.Created c ? c.candidate().id()
                : l instanceof CtLookup.Related r ? r.ct().id() : l instanceof CtLookup.Kept k ? k.ct().id() : 0;
    }

    /** Whether nf_nat has a hook at {@code hook} (IPv4): a nat chain there, iptables' or native. */
    private boolean natCoreAt(Hook hook) {
        return v4 != null && v4.hasChain(hook, "nat") || legacy4 != null && legacy4.hasChain(hook, "nat")
                || natives != null && natives.natAt(IpFamily.V4, hook).length > 0;
    }

    /**
     * Ends the run of a packet ip_forward drops as too big for {@code mtu} on {@code dev}, with the failed check in its
     * path and the ICMP error the node answers (frag needed, IPv6 packet too big) in its reason.
     */
    private void dropTooBig(RunState s, String dev, int mtu) {
        boolean v4 = s.packet.family() == IpFamily.V4;
        String limit = mtu == net.deviceMtu(dev) ? dev + "'s MTU " + mtu
                : v4 ? "the MTU " + mtu + " of the route out " + dev : "the IPv6 MTU " + mtu + " out " + dev;
        String answer = v4 ? "ICMP frag needed (mtu " + mtu + ")" : "ICMPv6 packet too big (mtu " + mtu + ")";
        String reassembled = !v4 && s.packet.fragMaxSize() > 0 ? ", reassembled from fragments of up to "
                + s.packet.fragMaxSize() + " bytes, also longer than it (frag_max_size)" : "";
        s.steps.add(new CheckStep(null, ForwardChecks.MTU, false, "longer than " + limit
                + (v4 ? " with DF set" : "") + reassembled + ": " + answer));
        s.end(Disposition.MTU_EXCEEDED, s.packet.length() + " bytes" + (v4 ? " with DF set" : "") + " exceed " + limit
                + reassembled + ": the kernel does not forward it (no FORWARD hook) and answers " + answer);
    }

    private void postrouting(RunState s, RouteResult rr, Disposition success) {
        postrouting(s, rr, success, false);
    }

    /** {@code noInputDevice}: the hook runs without the packet's input device (br_netfilter's POSTROUTING). */
    private void postrouting(RunState s, RouteResult rr, Disposition success, boolean noInputDevice) {
        String dev = rr.outDev().orElse("");
        hook(s, Hook.POSTROUTING, POST_TABLES);
        String in = s.packet.inIface();
        if (noInputDevice) {
            s.packet = s.packet.withInIface("");
        }
        boolean posted = postroutingTables(s, Optional.of(rr));
        if (noInputDevice) {
            s.packet = s.packet.withInIface(in);
        }
        if (!posted) {
            return;
        }
        s.confirm = true;
        if (rr.nextHop().isPresent() && !dev.isEmpty() && !dev.equals("lo")) {
            io.pktpath.core.routing.NeighborAnswer answer = net.neighborAnswer(rr.nextHop().get(), dev);
            NeighborResult n = answer.result();
            s.steps.add(answer.step());
            if (n.deliverability() != Deliverability.DELIVERABLE) { // the state is read only then
                boolean noEntry = n.state().equalsIgnoreCase("none");
                if (n.deliverability() == Deliverability.NOT_DELIVERABLE && !noEntry) {
                    s.end(Disposition.NEIGHBOR_UNREACHABLE, "the next hop " + rr.nextHop().get() + " on " + dev
                            + " does not answer ARP/NDP (" + n.detail() + ")");
                    return;
                }
                s.notes.add(noEntry ? "no ip neigh entry for " + rr.nextHop().get() + " on " + dev
                        + ": assumed to resolve (the kernel sends ARP/NDP)" : n.detail());
            }
        }
        if (!noInputDevice && !bridgeSends(s, dev, rr.nextHop().orElse(s.packet.dst()))) {
            return;
        }
        Tuple after = s.packet.tuple();
        s.egress = Optional.of(new Egress(dev, after));
        IpAddress via = rr.nextHop().isPresent() && !rr.nextHop().get().equals(s.packet.dst()) ? rr.nextHop().get() : null;
        s.end(success, new LeavingSentence(success == Disposition.FORWARDED, dev, via, s.packet,
                s.before.equals(after) ? null : s.before));
    }

    // ---------------------------------------------------------------- bridged frames

    @Override
    public PathRun bridged(Packet packet, ChoiceOracle oracle, boolean collectMisses) {
        seedOnce(packet.timeNanos());
        RunState s = new RunState(packet, oracle, collectMisses);
        s.notes.add("bridged on " + packet.inIface() + " from port " + packet.physIn()
                + (packet.physOut().isEmpty() ? "" : " to port " + packet.physOut())
                + ": br_netfilter runs PREROUTING, FORWARD and POSTROUTING with the bridge as both interfaces");
        if (!bridgeChains(s, Hook.PREROUTING)) {
            return finish(s);
        }
        hook(s, Hook.PREROUTING, PRE_TABLES);
        if (beforeConntrack(s, Hook.PREROUTING)) {
            track(s, Hook.PREROUTING);
            if (natives(s, Hook.PREROUTING, NativeChains.CONNTRACK, NativeChains.MANGLE)
                    && walk(s, Hook.PREROUTING, "mangle")
                    && natives(s, Hook.PREROUTING, NativeChains.MANGLE, NativeChains.DSTNAT)
                    && nat(s, Hook.PREROUTING, NatManip.DST, Optional.empty())
                    && natives(s, Hook.PREROUTING, NativeChains.DSTNAT, NativeChains.LAST)) {
                s.packet = s.packet.withOutIface(packet.inIface());
                s.route = Optional.of(new io.pktpath.core.trace.RouteDecision(-1, "", "", "bridged", packet.inIface(), "",
                        "", "bridge forwarding decision on " + packet.inIface() + " (no route lookup)"));
                if (bridgeChains(s, Hook.FORWARD)) {
                    hook(s, Hook.FORWARD, FORWARD_TABLES);
                }
                if (!s.ended() && forwardTables(s) && bridgeChains(s, Hook.POSTROUTING)) {
                    hook(s, Hook.POSTROUTING, POST_TABLES);
                    // br_nf_post_routing calls POSTROUTING with no input device (a routed packet's is the one it came in on)
                    s.packet = s.packet.withInIface("");
                    boolean posted = postroutingTables(s, Optional.empty());
                    s.packet = s.packet.withInIface(packet.inIface());
                    if (posted) {
                        s.confirm = true;
                        s.egress = Optional.of(new Egress("", s.packet.tuple()));
                        s.end(Disposition.FORWARDED, "bridged on " + packet.inIface() + " from " + packet.physIn()
                                + (packet.physOut().isEmpty() ? "" : " to " + packet.physOut()) + natSuffix(s));
                    }
                }
            }
        }
        return finish(s);
    }

    @Override
    public PathRun flooded(Packet packet, List<FloodCopy> seen, boolean local, ChoiceOracle oracle,
                           boolean collectMisses) {
        seedOnce(packet.timeNanos());
        RunState s = new RunState(packet, oracle, collectMisses);
        String bridge = packet.inIface();
        List<FloodCopy> copies = floodCopies(packet, seen, s.notes);
        StringBuilder ports = new StringBuilder();
        for (FloodCopy c : copies) {
            ports.append(ports.length() == 0 ? "" : ", ").append(c.port());
        }
        String check = " (samples/recorder/checks/bridge-multicast-flood.sh)";
        if (copies.isEmpty()) {
            s.notes.add("received on bridge port " + packet.physIn() + ", which floods it to no port (no other port up in"
                    + " the bundle's ip link, no hairpin mode)" + (local ? " and hands it to " + bridge + "'s own IP"
                    + " stack: br_netfilter runs PREROUTING on the port, then the route lookup and INPUT with no second"
                    + " PREROUTING" : "") + check);
        } else {
            s.notes.add("flooded on " + bridge + " from port " + packet.physIn() + " to port"
                    + (copies.size() > 1 ? "s " : " ") + ports + (local ? " and to " + bridge + "'s own IP stack" : "")
                    + ": br_netfilter runs PREROUTING once on the port, FORWARD and POSTROUTING for each flooded copy"
                    + " with the bridge as both interfaces" + (local ? ", then the route lookup and INPUT for the"
                    + " bridge's own copy with no second PREROUTING" : "") + check);
        }
        if (!ingress(s) || !bridgeChains(s, Hook.PREROUTING)) {
            return finish(s);
        }
        hook(s, Hook.PREROUTING, PRE_TABLES);
        if (!beforeConntrack(s, Hook.PREROUTING)) {
            return finish(s);
        }
        track(s, Hook.PREROUTING);
        if (!(natives(s, Hook.PREROUTING, NativeChains.CONNTRACK, NativeChains.MANGLE)
                && walk(s, Hook.PREROUTING, "mangle")
                && natives(s, Hook.PREROUTING, NativeChains.MANGLE, NativeChains.DSTNAT)
                && nat(s, Hook.PREROUTING, NatManip.DST, Optional.empty())
                && natives(s, Hook.PREROUTING, NativeChains.DSTNAT, NativeChains.LAST))) {
            return finish(s);
        }
        Packet received = s.packet;
        RunState.Ending dropped = null;
        int forwarded = 0;
        for (FloodCopy copy : copies) {
            s.steps.add(new RouteStep(null, "bridge flood", new RouteDecision(-1, "", "", "flood", copy.port(), "", "",
                    "bridge " + bridge + " floods a copy to port " + copy.port()
                            + (copy.port().equals(packet.physIn()) ? " (the port it came in on: hairpin mode on)" : "")
                            + (copy.frame() > 0 ? ", frame " + copy.frame() : ", not in the capture"))));
            s.packet = received.withOutIface(bridge).withBridgePorts(packet.physIn(), copy.port(), true);
            if (bridgeChains(s, Hook.FORWARD)) {
                hook(s, Hook.FORWARD, FORWARD_TABLES);
            }
            if (!s.ended() && forwardTables(s) && bridgeChains(s, Hook.POSTROUTING)) {
                hook(s, Hook.POSTROUTING, POST_TABLES);
                // br_nf_post_routing calls POSTROUTING with no input device
                s.packet = s.packet.withInIface("");
                boolean posted = postroutingTables(s, Optional.empty());
                s.packet = s.packet.withInIface(bridge);
                if (posted) {
                    s.confirm = true;
                    forwarded++;
                    continue;
                }
            }
            // this clone ended (dropped); the bridge's other clones go on
            RunState.Ending ended = s.takeEnd();
            if (ended.disposition() == null) {
                return finish(s);
            }
            dropped = ended;
            s.notes.add("the copy flooded to port " + copy.port() + " ended: " + ended.disposition() + ", "
                    + ended.reason());
        }
        s.packet = received.withBridgePorts(packet.physIn(), "", false);
        if (local) {
            if (bridgeChains(s, Hook.INPUT)) {
                route(s);
            }
        } else if (forwarded > 0) {
            s.route = Optional.of(new RouteDecision(-1, "", "", "bridged", bridge, "", "",
                    "bridge forwarding decision on " + bridge + " (flood, no route lookup)"));
            s.egress = Optional.of(new Egress("", received.tuple()));
            s.end(Disposition.FORWARDED, "flooded on " + bridge + " from " + packet.physIn() + " to " + ports
                    + natSuffix(s));
        } else if (dropped != null) {
            s.end(dropped.disposition(), dropped.reason());
        } else {
            s.end(Disposition.NOT_REPLAYABLE, "flooded on " + bridge + " from " + packet.physIn() + ", which has no"
                    + " other port up in the bundle's ip link and no hairpin mode");
        }
        return finish(s);
    }

    /**
     * The copies a bridge floods {@code packet} (received on its port {@code physIn}) to: first those the capture shows
     * ({@code seen}, in its order), then every other port the bundle's {@code ip link} shows up, in the bridge's port
     * order ({@link io.pktpath.core.routing.NodeNetwork#floodPorts}), the ingress port only in hairpin mode
     * (should_deliver), noted when the capture does not show the order.
     */
    private List<FloodCopy> floodCopies(Packet packet, List<FloodCopy> seen, List<String> notes) {
        List<FloodCopy> copies = new ArrayList<>(seen);
        List<String> unseen = new ArrayList<>();
        for (NetInterface port : net.floodPorts(packet.inIface())) {
            String name = port.name();
            boolean hairpin = port.hairpin().orElse(false);
            if (seen.stream().noneMatch(c -> c.port().equals(name)) && (!name.equals(packet.physIn()) || hairpin)) {
                copies.add(new FloodCopy(name, 0));
                unseen.add(name);
            }
        }
        if (!unseen.isEmpty()) {
            notes.add("the capture shows no copy leaving " + String.join(", ", unseen) + ", which the bundle's ip link"
                    + " shows up on " + packet.inIface() + (seen.isEmpty() ? "" : ", taken after those it shows")
                    + (unseen.size() > 1 ? ", newest port (highest ifindex) first" : ""));
        }
        return copies;
    }

    /**
     * How close two new connections must be for one to lose a conntrack insert race to the other (§8); the replay loop
     * uses the same window when the capture shows the winner.
     */
    static final long RACE_WINDOW_NANOS = 5_000_000L;

    @Override
    public PathRun neverLeft(PathRun run) {
        Commit c = (Commit) run.commitToken();
        Optional<NatBinding.Collision> dodged = c.candidate().flatMap(k -> k.srcBinding()).flatMap(NatBinding::collision);
        if (dodged.isPresent() && c.packet().timeNanos() - dodged.get().createdNanos() <= RACE_WINDOW_NANOS) {
            return lostRace(run, dodged.get().firstFrame());
        }
        for (io.pktpath.core.trace.TraceStep step : run.steps()) {
            if (step instanceof io.pktpath.core.trace.NeighborStep n && !n.deliverable()) {
                return new PathRun(run.steps(), Disposition.NEIGHBOR_UNREACHABLE, "the next hop " + n.address() + " on "
                        + n.dev() + " did not resolve (" + n.state() + "): the packet never left on " + n.dev()
                        + " in the capture", run.nat(), run.route(), Optional.empty(), run.misses(), run.notes(),
                        run.flowId(), run.commitToken(), run.mark()).withRedirect(run.redirect());
            }
        }
        return run;
    }

    @Override
    public PathRun lostRace(PathRun run, long winner) {
        Commit c = (Commit) run.commitToken();
        if (c.candidate().isEmpty()) {
            return run;
        }
        Commit dropped = new Commit(c.tables(), c.lookup(), c.candidate(), false, c.ct(), c.packet(),
                c.countedBytes(), c.redirect(), c.form());
        String tuple = run.egress().map(e -> e.tuple().toString()).orElse("its NAT tuple");
        return new PathRun(run.steps(), Disposition.CONNTRACK_RACE, "lost the conntrack insert race: frame " + winner
                + ", another connection set up at the same moment, left as " + tuple + " and was confirmed first;"
                + " the kernel drops the loser (insert_failed and drop in conntrack -S)", run.nat(), run.route(),
                Optional.empty(), run.misses(), run.notes(), run.flowId(), dropped, run.mark())
                .withRedirect(run.redirect());
    }

    @Override
    public Optional<String> interfaceWithMac(long mac) {
        return PacketConverter.mac(mac).map(net::interfacesByMac).filter(owners -> owners.size() == 1)
                .map(owners -> owners.get(0).name());
    }

    @Override
    public boolean isBridge(String iface) {
        return bridges.contains(iface);
    }

    @Override
    public Optional<String> bridgeOf(String iface) {
        return net.bridgeOf(iface);
    }

    @Override
    public boolean staysOnBridge(Packet packet, String bridge) {
        IpAddress dst = packet.dst();
        // a broadcast or multicast frame is bridged to the other ports whatever the IP stack also does with it
        return net.floodsBridges(dst) || !net.isLocal(dst) && net.outputRoute(packet.withOutIface("")).outDev()
                .filter(bridge::equals).isPresent();
    }

    @Override
    public boolean bridgeNetfilter(IpFamily family) {
        return net.bridgeNfCall(family).value() != 0;
    }

    // ---------------------------------------------------------------- local output

    @Override
    public PathRun localOut(Packet wire, ChoiceOracle oracle, boolean collectMisses) {
        seedOnce(wire.timeNanos());
        List<String> notes = new ArrayList<>();
        Packet socket = socketPacket(wire, notes);
        RunState s = new RunState(socket, oracle, collectMisses);
        s.notes.addAll(notes);
        RouteResult first = net.outputRoute(s.packet);
        s.steps.add(first.toStep(null, "output"));
        s.route = Optional.of(first.decision());
        s.notes.addAll(first.notes());
        Optional<Disposition> failed = first.disposition();
        if (failed.isPresent()) {
            s.end(failed.get(), routeFailure(first, failed.get()));
            return finish(s);
        }
        s.packet = s.packet.withOutIface(first.outDev().orElse(""));
        hook(s, Hook.OUTPUT, OUTPUT_TABLES);
        if (!beforeConntrack(s, Hook.OUTPUT)) {
            return finish(s);
        }
        track(s, Hook.OUTPUT);
        Packet beforeMangle = s.packet;
        if (!natives(s, Hook.OUTPUT, NativeChains.CONNTRACK, NativeChains.MANGLE) || !walk(s, Hook.OUTPUT, "mangle")
                || !natives(s, Hook.OUTPUT, NativeChains.MANGLE, NativeChains.DSTNAT)
                || !nat(s, Hook.OUTPUT, NatManip.DST, Optional.empty())) {
            return finish(s);
        }
        RouteResult rr = first;
        if (s.packet.mark() != beforeMangle.mark() || !s.packet.dst().equals(beforeMangle.dst())) {
            rr = net.reroute(s.packet, first);
            s.steps.add(rr.toStep(Hook.OUTPUT, "reroute"));
            s.route = Optional.of(rr.decision());
            Optional<Disposition> rerouteFailed = rr.disposition();
            if (rerouteFailed.isPresent()) {
                s.end(rerouteFailed.get(), routeFailure(rr, rerouteFailed.get()));
                return finish(s);
            }
        }
        int security = nftBackend ? NativeChains.SECURITY_NFT : NativeChains.SECURITY_LEGACY;
        if (natives(s, Hook.OUTPUT, NativeChains.DSTNAT, NativeChains.FILTER) && walk(s, Hook.OUTPUT, "filter")
                && natives(s, Hook.OUTPUT, NativeChains.FILTER, NativeChains.SECURITY_LEGACY)
                && walkLegacy(s, Hook.OUTPUT, "security")
                && natives(s, Hook.OUTPUT, NativeChains.SECURITY_LEGACY, security) && walkMain(s, Hook.OUTPUT, "security")
                && natives(s, Hook.OUTPUT, security, NativeChains.LAST)) {
            s.packet = s.packet.withOutIface(rr.outDev().orElse(""));
            postrouting(s, rr, Disposition.SENT);
        }
        return finish(s);
    }

    /**
     * The DNAT paths of a family's nat table, made when a locally sent packet first needs them (most captures have none;
     * on a 30,000-service ruleset making them took about a tenth of a second), or null without a ruleset.
     */
    private OutputOriginals originals(IpFamily family) {
        if (family == IpFamily.V4) {
            if (originals4 == null && originalRules4.isPresent()) {
                originals4 = new OutputOriginals(originalRules4.get());
            }
            return originals4;
        }
        if (originals6 == null && originalRules6.isPresent()) {
            originals6 = new OutputOriginals(originalRules6.get());
        }
        return originals6;
    }

    /** The packet as the local socket sent it: undo this node's NAT using the ct, or the DNAT rules for a first packet. */
    private Packet socketPacket(Packet wire, List<String> notes) {
        if (!conntrackOn) {
            return wire;
        }
        Optional<Tuple> known = conntrack.arrivalOf(wire, 0, wire.timeNanos());
        if (known.isPresent()) {
            return wire.withTuple(known.get());
        }
        Optional<Tuple> hinted = hints.socketTuple(wire.tuple());
        if (hinted.isPresent()) {
            if (hinted.get().equals(wire.tuple())) {
                // the dump's entry of this connection has it as its original tuple: nat OUTPUT changed nothing, though a
                // DNAT rule could have produced it (a node's own connection to a service endpoint, or to a pod behind
                // a NodePort of a local address)
                return wire;
            }
            notes.add("the socket sent " + hinted.get() + " (from the bundle's conntrack -L); this node's NAT made it "
                    + wire.tuple() + " before the capture saw it");
            return wire.withTuple(hinted.get());
        }
        OutputOriginals originals = originals(wire.family());
        if (originals == null) {
            return wire;
        }
        List<Tuple> candidates = originals.candidates(wire.tuple(), net.localAddresses());
        for (Tuple candidate : candidates) {
            if (candidate.equals(wire.tuple())) {
                break;
            }
            Packet p = wire.withTuple(candidate);
            PathRun run = BranchEnumerator.enumerate(o -> localOutUnchecked(p, o), 64).branches().stream()
                    .map(BranchEnumerator.Branch::result)
                    .filter(r -> r.egress().map(eg -> eg.tuple().dst().equals(wire.dst())
                            && eg.tuple().dport() == wire.dport()).orElse(false))
                    .findFirst().orElse(null);
            if (run != null) {
                notes.add(LeavingSentence.appendEndpoint(LeavingSentence.appendEndpoint(
                        new StringBuilder("the socket sent this first packet to "), p)
                        .append("; nat OUTPUT rewrote it to "), wire).append(" before the capture saw it").toString());
                return p;
            }
        }
        return wire;
    }

    private PathRun localOutUnchecked(Packet socket, ChoiceOracle oracle) {
        RunState s = new RunState(socket, oracle, false);
        RouteResult first = net.outputRoute(s.packet);
        if (first.disposition().isPresent()) {
            s.end(first.disposition().get(), "");
            return finish(s);
        }
        s.packet = s.packet.withOutIface(first.outDev().orElse(""));
        if (beforeConntrack(s, Hook.OUTPUT)) {
            track(s, Hook.OUTPUT);
            if (walk(s, Hook.OUTPUT, "mangle") && nat(s, Hook.OUTPUT, NatManip.DST, Optional.empty())) {
                s.egress = Optional.of(new Egress("", s.packet.tuple()));
                s.end(Disposition.SENT, "");
            }
        }
        return finish(s);
    }

    // ---------------------------------------------------------------- pieces

    private void hook(RunState s, Hook hook, List<String> order) {
        s.steps.add(knownHookStep(s.packet.family(), hook, order));
    }

    /** The hook step of {@code hook}, made once per family and hook. */
    private HookStep knownHookStep(IpFamily family, Hook hook, List<String> order) {
        java.util.Map<Hook, HookStep> known = family == IpFamily.V4 ? hookSteps4 : hookSteps6;
        HookStep step = known.get(hook);
        if (step == null) {
            step = hookStep(family, hook, order);
            known.put(hook, step);
        }
        return step;
    }

    /** The hook step of {@code hook}: the tables that have a chain there, in {@code order} (the same at every call). */
    private HookStep hookStep(IpFamily family, Hook hook, List<String> order) {
        CompiledRuleset rules = rules(family);
        CompiledRuleset legacy = legacy(family);
        List<String> present = new ArrayList<>();
        for (String table : order) {
            if (!legacyFirst && rules != null && rules.hasChain(hook, table)) {
                present.add(table);
            }
            if (legacy != null && legacy.hasChain(hook, table)) {
                present.add(io.pktpath.core.netfilter.LegacyTables.PREFIX + table);
            }
            if (legacyFirst && rules != null && rules.hasChain(hook, table)) {
                present.add(table);
            }
        }
        if (natives != null || legacy != null) {
            withNatives(family, hook, present);
        }
        return new HookStep(hook, present);
    }

    /**
     * Inserts the native tables that have a chain at {@code hook} among iptables' in the order they run: filter chains
     * by their priority, nat chains at the nat core's (dstnat or srcnat) and by their own priority among the nat
     * chains; iptables' first at a tie (an iptables-legacy table before iptables-nft's). Also orders the legacy tables
     * by their priorities among iptables-nft's (the legacy security table at 50, iptables-nft's at 150).
     */
    private void withNatives(IpFamily family, Hook hook, List<String> present) {
        record Entry(String table, int core, int own) {
        }
        int natCore = NativeChains.iptablesPriority(hook, "nat", nftBackend);
        List<Entry> entries = new ArrayList<>();
        for (String t : present) {
            boolean legacy = io.pktpath.core.netfilter.LegacyTables.isLegacy(t);
            int p = NativeChains.iptablesPriority(hook, io.pktpath.core.netfilter.LegacyTables.kernelTable(t),
                    nftBackend && !legacy);
            entries.add(new Entry(t, p, p));
        }
        for (NativeChains.Slot slot : natives == null ? new NativeChains.Slot[0] : natives.at(family, hook)) {
            entries.add(new Entry(slot.table(), slot.priority(), slot.priority()));
        }
        for (NativeChains.Slot slot : natives == null ? new NativeChains.Slot[0] : natives.natAt(family, hook)) {
            entries.add(new Entry(slot.table(), natCore, slot.priority()));
        }
        entries.sort(java.util.Comparator.comparingInt(Entry::core).thenComparingInt(Entry::own));
        present.clear();
        for (Entry e : entries) {
            if (!present.contains(e.table())) {
                present.add(e.table());
            }
        }
    }

    /**
     * What runs at PREROUTING or OUTPUT before conntrack's lookup, in priority order: native chains below iptables'
     * raw table (-300), raw, native chains from -300 up to conntrack's -200 (at -300 after raw); false when the packet's
     * journey ended there.
     */
    private boolean beforeConntrack(RunState s, Hook hook) {
        return natives(s, hook, NativeChains.FIRST, NativeChains.RAW) && walk(s, hook, "raw")
                && natives(s, hook, NativeChains.RAW, NativeChains.CONNTRACK);
    }

    /**
     * Walks one table: with an iptables-legacy table of that name, both, the legacy one first unless iptables-nft's
     * chains were registered later (an ACCEPT ends only its own table; in the nat table a mapping ends the nat walk, as
     * the kernel's nat core stops at the first); false when the packet's journey ended there (drop, reject, queue).
     */
    private boolean walk(RunState s, Hook hook, String table) {
        CompiledRuleset legacy = legacy(s.packet.family());
        if (legacy == null) {
            return walk(s, hook, table, rules(s.packet.family()));
        }
        CompiledRuleset first = legacyFirst ? legacy : rules(s.packet.family());
        int before = s.tables.size();
        if (!walk(s, hook, table, first)) {
            return false;
        }
        if (s.tables.size() > before && s.tables.get(s.tables.size() - 1).nat().isPresent()) {
            return true;
        }
        return walk(s, hook, table, legacyFirst ? rules(s.packet.family()) : legacy);
    }

    /** Walks only the iptables-legacy table (the security table, whose priority differs between the backends). */
    private boolean walkLegacy(RunState s, Hook hook, String table) {
        return walk(s, hook, table, legacy(s.packet.family()));
    }

    /** Walks only the main ruleset's table. */
    private boolean walkMain(RunState s, Hook hook, String table) {
        return walk(s, hook, table, rules(s.packet.family()));
    }

    private boolean walk(RunState s, Hook hook, String table, CompiledRuleset rules) {
        if (s.ended()) {
            return false;
        }
        if (rules == null || !rules.hasChain(hook, table)) {
            return true;
        }
        io.pktpath.core.netfilter.WalkContext ctx = s.walkContext(net, conntrack, ruleState, walkPool);
        TableResult r = rules.walk(hook, table, s.packet, s.ct, ctx);
        if (!r.chainPresent()) {
            return true;
        }
        return applied(s, hook, r);
    }

    /** The FORWARD hook's tables, with native chains among them; false when the packet's journey ended there. */
    private boolean forwardTables(RunState s) {
        int security = nftBackend ? NativeChains.SECURITY_NFT : NativeChains.SECURITY_LEGACY;
        return natives(s, Hook.FORWARD, NativeChains.FIRST, NativeChains.MANGLE) && walk(s, Hook.FORWARD, "mangle")
                && natives(s, Hook.FORWARD, NativeChains.MANGLE, NativeChains.FILTER) && walk(s, Hook.FORWARD, "filter")
                && natives(s, Hook.FORWARD, NativeChains.FILTER, NativeChains.SECURITY_LEGACY)
                && walkLegacy(s, Hook.FORWARD, "security")
                && natives(s, Hook.FORWARD, NativeChains.SECURITY_LEGACY, security)
                && walkMain(s, Hook.FORWARD, "security")
                && natives(s, Hook.FORWARD, security, NativeChains.LAST);
    }

    /** The POSTROUTING hook's tables and source NAT, with native chains among them; false when the packet ended. */
    private boolean postroutingTables(RunState s, Optional<RouteResult> rr) {
        return natives(s, Hook.POSTROUTING, NativeChains.FIRST, NativeChains.MANGLE)
                && walk(s, Hook.POSTROUTING, "mangle")
                && natives(s, Hook.POSTROUTING, NativeChains.MANGLE, NativeChains.SRCNAT)
                && nat(s, Hook.POSTROUTING, NatManip.SRC, rr)
                && natives(s, Hook.POSTROUTING, NativeChains.SRCNAT, NativeChains.LAST);
    }

    /**
     * Walks the native chains of {@code hook} whose priority is at least {@code from} and below {@code to}, in priority
     * order; false when the packet's journey ended (there or before). Without native chains: only the end is checked.
     */
    private boolean natives(RunState s, Hook hook, int from, int to) {
        if (natives == null) {
            return !s.ended();
        }
        IpFamily family = s.packet.family();
        for (NativeChains.Slot slot : natives.at(family, hook)) {
            if (slot.priority() < from || slot.priority() >= to) {
                continue;
            }
            if (s.ended()) {
                return false;
            }
            io.pktpath.core.netfilter.WalkContext ctx = s.walkContext(net, conntrack, ruleState, walkPool);
            TableResult r = natives.rules(family).walkChain(hook, slot.table(), slot.chain(), s.packet, s.ct, ctx);
            if (r.chainPresent() && !applied(s, hook, r)) {
                return false;
            }
        }
        return !s.ended();
    }

    /** Takes a walked table's result into the run; false when its verdict ended the packet's journey. */
    private boolean applied(RunState s, Hook hook, TableResult r) {
        s.tables.add(r);
        s.packet = r.packet();
        if (!r.notes().isEmpty()) {
            // ArrayList.addAll copies its argument to an array even when it is empty: once per table walked
            s.notes.addAll(r.notes());
        }
        if (r.ct().isPresent() && s.ct.isPresent() && r.ct().get().ctMark() != s.ct.get().ctMark()) {
            s.ct = r.ct();
            if (s.candidate != null) {
                s.candidate = s.candidate.withMark(r.ct().get().ctMark());
            }
        }
        if (r.raw().notrack()) {
            s.notes.add("NOTRACK in " + r.table() + " " + hook + ": the packet gets no conntrack entry and no NAT");
            if (s.ct.isEmpty()) {
                // before the lookup: the chains after this one (raw, native ones below -200) read it untracked
                s.ct = Optional.of(untrackedCt(s.packet));
            }
        }
        switch (r.verdict()) {
            case ACCEPT -> {
                return true;
            }
            case DROP -> s.end(dropDisposition(s, r), dropReason(r));
            case REJECT -> s.end(Disposition.REJECTED, "rejected by " + where(r) + " with "
                    + r.rejectWith().map(Object::toString).orElse("icmp-port-unreachable") + ": " + ruleText(r));
            case QUEUE -> s.end(Disposition.QUEUED, "queued to user space by " + where(r)
                    + ": the verdict of the program reading the queue is unknown offline");
        }
        return false;
    }

    private static Disposition dropDisposition(RunState s, TableResult r) {
        if (r.policyApplied()) {
            return Disposition.DROPPED_BY_POLICY;
        }
        return s.lookup != null && s.lookup.state() == io.pktpath.core.trace.CtState.INVALID
                ? Disposition.INVALID_STATE : Disposition.DROPPED_BY_RULE;
    }

    private String dropReason(TableResult r) {
        if (r.policyApplied()) {
            return "dropped by the DROP policy of " + r.table() + " " + r.chain() + " (no rule accepted it)";
        }
        return "dropped by " + where(r) + ": " + ruleText(r);
    }

    private static String where(TableResult r) {
        return r.decidingRule().map(ref -> ref.table() + " " + ref.chain() + " rule " + ref.position()
                + " (" + ref.span() + ")").orElse(r.table() + " " + r.chain());
    }

    private static String ruleText(TableResult r) {
        return r.decidingRule().map(io.pktpath.core.trace.RuleRef::text).orElse("");
    }

    /**
     * The conntrack lookup after raw and the native chains before conntrack (PREROUTING/OUTPUT), unless conntrack is
     * off or one of them said NOTRACK.
     */
    private void track(RunState s, Hook hook) {
        if (s.ended()) {
            return;
        }
        if (!conntrackOn) {
            return;
        }
        if (hook == Hook.PREROUTING && s.sentWith == io.pktpath.core.trace.CtState.UNTRACKED) {
            untracked(s, hook, "untracked since it was sent: a packet looped over lo keeps its conntrack state, and"
                    + " conntrack and NOTRACK leave it so");
            return;
        }
        if (hook == Hook.PREROUTING && s.kept != null) {
            carried(s, hook, s.kept);
            return;
        }
        if (hook == Hook.OUTPUT) {
            Optional<CtLookup.Attached> attached = owedAnswers.carriedBy(s.packet);
            if (attached.isPresent()) {
                carried(s, hook, attached.get());
                return;
            }
        }
        boolean notrack = false;
        int zone = 0;
        boolean zoneSet = false;
        for (TableResult t : s.tables) {
            // raw and the native chains before conntrack are the tables walked at this hook so far
            if (t.hook() == hook) {
                notrack |= t.raw().notrack() && s.sentWith == null;
                if (!zoneSet && t.raw().zone().isPresent()) {
                    zone = t.raw().zone().getAsInt();
                    zoneSet = true;
                }
            }
        }
        if (notrack) {
            untracked(s, hook, "NOTRACK: no conntrack entry");
            return;
        }
        CtLookup lookup = lookup(s.packet, zone);
        if (lookup instanceof CtLookup.Existing e && conntrack.mayRace(e, s.packet)
                && s.oracle.choose(racePoint(s.packet.family(), hook, e)) == 1) {
            lookup = conntrack.racingNew(e, s.packet);
        }
        s.lookup = lookup;
        s.steps.add(lookup.toStep(hook));
        if (lookup instanceof CtLookup.Created c) {
            s.candidate = c.candidate();
        }
        s.ct = lookup.ctInfo().isPresent() ? lookup.ctInfo()
                : Optional.of(new CtInfo(lookup.state(), false, 0, java.util.Set.of(), s.packet.tuple(), Optional.empty(),
                zone, 0, 0));
    }

    /** The packet carries {@code lookup}'s ct instead of looking one up (a looped packet's, a dropped packet's answer). */
    private static void carried(RunState s, Hook hook, CtLookup lookup) {
        s.lookup = lookup;
        s.steps.add(lookup.toStep(hook));
        s.ct = lookup.ctInfo();
    }

    /** The ct an untracked packet carries: state UNTRACKED, nothing else. */
    private static CtInfo untrackedCt(Packet p) {
        return new CtInfo(io.pktpath.core.trace.CtState.UNTRACKED, false, 0, java.util.Set.of(), p.tuple(),
                Optional.empty(), 0, 0, 0);
    }

    private static void untracked(RunState s, Hook hook, String detail) {
        s.ct = Optional.of(untrackedCt(s.packet));
        s.steps.add(new io.pktpath.core.trace.ConntrackStep(hook, io.pktpath.core.trace.CtState.UNTRACKED, false,
                false, 0, detail));
    }

    /**
     * The choice a later datagram of an unanswered non-TCP ct meets within the race window (§8.1): the capture cannot
     * tell whether that ct was confirmed before this packet looked it up (it was, in capture order) or whether, sent at
     * the same moment from another CPU, the packet was NEW too and went through nat on its own. The egress copy decides.
     */
    private static ChoicePoint racePoint(IpFamily family, Hook hook, CtLookup.Existing e) {
        RuleRef where = new RuleRef(family.number(), "conntrack", hook.name(), 0,
                new io.pktpath.parser.diag.SourceSpan("conntrack", 0, 0), "the conntrack lookup");
        return new ChoicePoint(where, "flow #" + e.ct().id() + " (frame " + e.ct().firstFrame() + ") has the same tuple,"
                + " no reply yet, and began within the race window", RACE_OUTCOMES, RACE_PROBABILITIES);
    }

    private static final List<String> RACE_OUTCOMES = List.of("found the confirmed ct: ESTABLISHED",
            "the ct was not confirmed yet: NEW, races it");
    private static final List<Double> RACE_PROBABILITIES = List.of(Double.NaN, Double.NaN);

    /** The conntrack lookup of {@code p} in {@code zone} at its time (side-effect free, so made once per packet and commit). */
    private CtLookup lookup(Packet p, int zone) {
        if (p != lookedUpPacket || zone != lookedUpZone) {
            lookedUp = conntrack.lookup(p, zone, p.timeNanos());
            lookedUpPacket = p;
            lookedUpZone = zone;
        }
        return lookedUp;
    }

    /** NAT at a nat hook: the rules decide a new connection's binding once; later packets and replies use it. */
    private boolean nat(RunState s, Hook hook, NatManip manip, Optional<RouteResult> route) {
        if (s.ended()) {
            return false;
        }
        if (s.lookup instanceof CtLookup.Attached a) {
            return natOfAttached(s, hook, manip, a);
        }
        if (s.lookup instanceof CtLookup.Kept) {
            return true;
        }
        if (s.lookup instanceof CtLookup.Created && s.candidate != null && s.candidate.needsBinding(manip)) {
            int before = s.tables.size();
            if (!natChains(s, hook)) {
                return false;
            }
            Optional<NatRequest> request = s.tables.size() > before ? s.tables.get(s.tables.size() - 1).nat() : Optional.empty();
            NatBinding b = request.isPresent()
                    ? conntrack.bind(s.candidate, request.get().target(), request.get().rule(), manip, s.packet,
                    natEnv(s, hook, route, request.get().target()), s.packet.timeNanos())
                    : conntrack.bindNull(s.candidate, manip, s.packet.timeNanos());
            if (b.drops()) {
                request.ifPresent(r -> markDropped(s, r.rule()));
                s.end(Disposition.DROPPED_BY_RULE, b.detail());
                return false;
            }
            s.candidate = s.candidate.withBinding(b);
            if (!b.nullBinding()) {
                s.steps.add(b.toStep(hook));
                s.packet = b.rewrite(s.packet);
                if (b.kind() == NatKind.MASQUERADE || b.kind() == NatKind.SNAT) {
                    s.masquerade = true;
                }
            } else if (b.changed()) {
                s.steps.add(b.toStep(hook));
                s.packet = b.rewrite(s.packet);
            }
            if (b.valueUnknown()) {
                s.notes.add(b.detail());
            }
            long expires = conntrack.timeouts().firstPacket(s.packet.proto());
            s.ct = Optional.of(s.candidate.ctInfo(expires).withCtMark(s.ct.isPresent() ? s.ct.get().ctMark() : 0L));
            return true;
        }
        if (s.lookup instanceof CtLookup.Existing e) {
            applied(s, conntrack.applyNat(e.ct(), e.direction(), hook, s.packet, false));
        } else if (s.lookup instanceof CtLookup.Related r) {
            applied(s, conntrack.applyNat(r.ct(), r.direction(), hook, s.packet, true));
        }
        return true;
    }

    /** Takes the packet an established flow's NAT rewrote, and its step if it had one (no bound reference per packet). */
    private static void applied(RunState s, NatApplied a) {
        s.packet = a.packet();
        if (a.step().isPresent()) {
            s.steps.add(a.step().get());
        }
    }

    /**
     * The nat chains of a hook for a connection's first packet, as the kernel's nat core runs them (nf_nat_inet_fn):
     * iptables' nat table and the native nat chains in priority order (a native chain at iptables' priority after it),
     * until one gives the connection a mapping, which ends the walk: the later chains are not run (recorded on the
     * kernel: a chain at dstnat - 10 that DNATs leaves iptables' nat PREROUTING uncounted; one that only counts does
     * not). False when the packet's journey ended.
     */
    private boolean natChains(RunState s, Hook hook) {
        if (natives == null) {
            return walk(s, hook, "nat");
        }
        IpFamily family = s.packet.family();
        NativeChains.Slot[] slots = natives.natAt(family, hook);
        int iptables = NativeChains.iptablesPriority(hook, "nat", nftBackend);
        boolean iptablesDone = false;
        for (int i = 0; i <= slots.length; i++) {
            if (!iptablesDone && (i == slots.length || slots[i].priority() >= iptables)) {
                iptablesDone = true;
                int before = s.tables.size();
                if (!walk(s, hook, "nat")) {
                    return false;
                }
                if (s.tables.size() > before && s.tables.get(s.tables.size() - 1).nat().isPresent()) {
                    return true;
                }
            }
            if (i == slots.length) {
                break;
            }
            if (s.ended()) {
                return false;
            }
            NativeChains.Slot slot = slots[i];
            io.pktpath.core.netfilter.WalkContext ctx = s.walkContext(net, conntrack, ruleState, walkPool);
            TableResult r = natives.rules(family).walkNatChain(hook, slot.table(), slot.chain(), s.packet, s.ct, ctx);
            if (r.chainPresent()) {
                if (!applied(s, hook, r)) {
                    return false;
                }
                if (r.nat().isPresent()) {
                    return true;
                }
            }
        }
        return !s.ended();
    }

    /**
     * The step of the nat rule whose binding failed (REDIRECT or MASQUERADE on an interface without an address) gets
     * the verdict DROP, as the kernel's trace prints it: the target itself returned NF_DROP.
     */
    private static void markDropped(RunState s, RuleRef rule) {
        for (int i = s.steps.size() - 1; i >= 0; i--) {
            if (s.steps.get(i) instanceof io.pktpath.core.trace.RuleStep r && r.rule().equals(rule)) {
                s.steps.set(i, new io.pktpath.core.trace.RuleStep(r.hook(), r.rule(), io.pktpath.core.trace.Verdict.DROP, r.effects()));
                return;
            }
        }
    }

    /**
     * The nat chains a packet carrying another packet's entry runs (a REJECT's reset): only those of a binding that
     * packet did not reach (nf_nat_initialized), for the trace and the counters. The kernel would fix a binding a rule
     * gives there on an entry that is never confirmed, and the reset leaves as captured, so nothing is rewritten.
     */
    private boolean natOfAttached(RunState s, Hook hook, NatManip manip, CtLookup.Attached a) {
        // an ICMP error gets only its translation (nf_nat_icmp_reply_translation), which the captured frame shows
        if (s.packet.isIcmpError() || a.candidate().isEmpty() || !a.candidate().get().needsBinding(manip)) {
            return true;
        }
        int before = s.tables.size();
        if (!natChains(s, hook)) {
            return false;
        }
        if (s.tables.size() > before && s.tables.get(s.tables.size() - 1).nat().isPresent()) {
            s.notes.add("nat " + hook + " gives the reset a binding; the kernel fixes it on the rejected packet's entry,"
                    + " which is never confirmed, and the reset leaves as the capture shows");
        }
        return true;
    }

    /**
     * What the binding of {@code target} needs from routing and the interfaces: the MASQUERADE source only for
     * MASQUERADE and the REDIRECT address only for REDIRECT (the other targets read neither, so neither is looked up).
     */
    private NatEnv natEnv(RunState s, Hook hook, Optional<RouteResult> route,
                          io.pktpath.parser.iptables.target.Target target) {
        Optional<IpAddress> masquerade = target instanceof io.pktpath.parser.iptables.target.Masquerade
                ? masqueradeSource(s, route) : Optional.empty();
        Optional<IpAddress> redirect = target instanceof io.pktpath.parser.iptables.target.Redirect
                ? redirectAddress(s, hook) : Optional.empty();
        return new NatEnv(masquerade, redirect, s.packet.inIface(), s.packet.outIface());
    }

    private Optional<IpAddress> masqueradeSource(RunState s, Optional<RouteResult> route) {
        if (route.isEmpty()) {
            return Optional.empty();
        }
        IpAddress nextHop = route.get().nextHop().orElse(s.packet.dst());
        return net.masqueradeSource(route.get().outDev().orElse(s.packet.outIface()), nextHop);
    }

    private Optional<IpAddress> redirectAddress(RunState s, Hook hook) {
        if (hook == Hook.OUTPUT) {
            return Optional.of(s.packet.family() == IpFamily.V4 ? IpAddress.v4(0x7f000001) : IpAddress.v6(0, 1));
        }
        return net.redirectAddress(s.packet.inIface(), s.packet.family());
    }

    private PathRun finish(RunState s) {
        if (!s.ended()) {
            s.end(Disposition.NOT_REPLAYABLE, "the replay stopped without a verdict");
        }
        Tuple after = s.packet.tuple();
        Optional<NatChange> nat = s.before.equals(after) ? Optional.empty()
                : Optional.of(new NatChange(s.before, after, s.masquerade));
        long flowId = s.lookup instanceof CtLookup.Existing e ? e.ct().id()
                : s.lookup instanceof CtLookup.Created c ? c.candidate().id()
                : s.lookup instanceof CtLookup.Related r ? r.ct().id()
                : s.lookup instanceof CtLookup.Kept k ? k.ct().id() : 0;
        // the run takes the walk's steps and table results as they stand (the run state is not used again): no copy of
        // either per walk
        Commit commit = new Commit(FrozenList.of(s.tables), s.lookup, Optional.ofNullable(s.candidate), s.confirm, s.ct,
                s.packet, Commit.OWN_BYTES, Optional.ofNullable(s.redirectDecision));
        return new PathRun(FrozenList.of(s.steps), s.disposition, s.reason, nat, s.route, s.egress,
                FrozenList.of(s.misses), FrozenList.of(s.notes), flowId, commit,
                s.packet.mark(), s.redirect);
    }

    /**
     * The run of a packet of an established flow whose lookup found a remembered suffix: what the run did up to the
     * lookup, then the suffix, exactly as {@link #finish} would have built it after walking again.
     */
    private PathRun reuse(SteadyEntry entry, CtLookup.Existing lookup, RunState s) {
        return reuse(entry, lookup, s.packet, s.ct, entry.stepsAfter(s.steps), s.tables, s.notes);
    }

    /**
     * The run made of what a packet did up to its lookup ({@code tablesSoFar}, {@code notesSoFar}) and a remembered
     * suffix, whose steps are {@code steps}, the packet's own followed by the suffix's (a run that may reuse one
     * collects no misses).
     */
    private static PathRun reuse(SteadyEntry entry, CtLookup.Existing lookup, Packet atLookup,
                                 Optional<CtInfo> ctAtLookup, List<io.pktpath.core.trace.TraceStep> steps,
                                 List<TableResult> tablesSoFar, List<String> notesSoFar) {
        List<TableResult> tables = tablesSoFar.isEmpty() ? entry.tables() : concat(tablesSoFar, entry.tables());
        List<String> notes = notesSoFar.isEmpty() ? entry.notes() : concat(notesSoFar, entry.notes());
        Optional<CtInfo> ct = ctAtLookup.get().ctMark() == entry.ctMark() ? ctAtLookup
                : Optional.of(ctAtLookup.get().withCtMark(entry.ctMark()));
        // the commit of a run with no candidate reads only the packet's family and length, which NAT does not change:
        // the packet as it came to the lookup serves, and no rewritten copy is made
        Commit commit = new Commit(tables, lookup, Optional.empty(), entry.confirm(), ct, atLookup,
                atLookup.length(), Optional.empty(), tablesSoFar.isEmpty() ? entry.commitForm() : Commit.NO_FORM);
        return new PathRun(steps, entry.disposition(), entry.reason(), entry.nat(), entry.route(),
                entry.egress(), List.of(), notes, lookup.ct().id(), commit, entry.endMark());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------- observation

    @Override
    public PathRun observed(PathRun run, Tuple leftAs, String seenIn) {
        return ObservedPorts.apply(run, leftAs, seenIn);
    }

    // ---------------------------------------------------------------- commit

    @Override
    public CommitOutcome commit(PathRun run, Packet packet) {
        lookedUpPacket = null;
        lookedUp = null;
        Commit c = (Commit) run.commitToken();
        if (c.redirect().isPresent()) {
            // not ifPresent(redirects::commit): the bound reference would be made for every frame
            redirects.commit(c.redirect().get());
        }
        return commits.commit(c, run, packet);
    }

    private void seedOnce(long time) {
        if (!seeded) {
            seeded = true;
            if (conntrackOn && !seed.isEmpty()) {
                seedNotes.addAll(conntrack.seed(seed, time));
            }
        }
    }

    // ---------------------------------------------------------------- words

    private static String routeFailure(RouteResult rr, Disposition d) {
        String route = rr.decision().routeText().isEmpty() ? "" : " (" + rr.decision().routeText() + ")";
        return switch (d) {
            case NO_ROUTE -> "no route to the destination in "
                    + (rr.decision().table().isEmpty() ? "any table the ip rules select" : "table " + rr.decision().table())
                    + rr.icmpError().map(e -> "; the kernel answers " + e).orElse("");
            case UNREACHABLE_ROUTE -> "the route is of type unreachable" + route;
            case PROHIBIT_ROUTE -> "the route is of type prohibit" + route;
            case BLACKHOLE_ROUTE -> "the route is of type blackhole: silently dropped" + route;
            default -> rr.failedCheck().map(c -> c.check() + ": " + c.detail()).orElse(d.words());
        };
    }

    /** {@code " (NAT: BEFORE became AFTER)"} when the run changed the packet's tuple, else nothing. */
    private static String natSuffix(RunState s) {
        Tuple after = s.packet.tuple();
        return LeavingSentence.appendNat(new StringBuilder(), s.before.equals(after) ? null : s.before, after).toString();
    }
}
