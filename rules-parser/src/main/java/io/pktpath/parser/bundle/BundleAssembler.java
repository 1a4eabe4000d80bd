package io.pktpath.parser.bundle;

import io.pktpath.parser.conntrack.ConntrackEntry;
import io.pktpath.parser.conntrack.ConntrackEvent;
import io.pktpath.parser.conntrack.ConntrackEventParser;
import io.pktpath.parser.conntrack.ConntrackParser;
import io.pktpath.parser.conntrack.ConntrackStats;
import io.pktpath.parser.conntrack.ConntrackStatsParser;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iproute.IpAddrJsonParser;
import io.pktpath.parser.iproute.IpAddrParser;
import io.pktpath.parser.iproute.IpNeighJsonParser;
import io.pktpath.parser.iproute.IpNeighParser;
import io.pktpath.parser.iproute.IpMaddrJsonParser;
import io.pktpath.parser.iproute.IpMaddrParser;
import io.pktpath.parser.iproute.IpRouteJsonParser;
import io.pktpath.parser.iproute.IpRouteParser;
import io.pktpath.parser.iproute.IpRuleJsonParser;
import io.pktpath.parser.iproute.IpRuleParser;
import io.pktpath.parser.iproute.MulticastGroups;
import io.pktpath.parser.iproute.Neighbor;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.ipvs.IpvsMode;
import io.pktpath.parser.linklayer.LinkLayerRules;
import io.pktpath.parser.linklayer.LinkLayerRulesParser;
import io.pktpath.parser.linklayer.LinkLayerTool;
import io.pktpath.parser.ipvs.IpvsTable;
import io.pktpath.parser.ipvs.IpvsadmParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.nft.NftJsonRulesetParser;
import io.pktpath.parser.sockets.SocketTable;
import io.pktpath.parser.sockets.SsParser;
import io.pktpath.parser.sysctl.SysctlParser;
import io.pktpath.parser.sysctl.Sysctls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Parses recognized bundle files and chooses, per input, which file the {@link Bundle} uses. */
final class BundleAssembler {
    private final List<LoadedFile> files;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Selection selection = new Selection();
    private final Map<String, List<Route>> parsedRoutes = new TreeMap<>();

    BundleAssembler(List<LoadedFile> files) {
        this.files = List.copyOf(files);
    }

    Bundle assemble(List<BundleInventory.Ignored> ignored) {
        RulesetChooser rulesets = new RulesetChooser(files, selection, diagnostics);
        Optional<Ruleset> savedV4 = rulesets.ruleset(IpFamily.V4);
        Optional<Ruleset> savedV6 = rulesets.ruleset(IpFamily.V6);
        // a family without iptables-save (an sosreport): its tables from the iptables -nvL listings, if any
        ListingChooser listings = new ListingChooser(files, selection, diagnostics);
        Optional<Ruleset> listedV4 = listings.ruleset(IpFamily.V4, savedV4);
        Optional<Ruleset> listedV6 = listings.ruleset(IpFamily.V6, savedV6);
        Optional<Ruleset> v4 = savedV4.or(() -> listedV4);
        Optional<Ruleset> v6 = savedV6.or(() -> listedV6);
        CounterSnapshots countersV4 = listedV4.map(r -> new CounterSnapshots(Optional.empty(), Optional.of(r)))
                .orElseGet(() -> rulesets.counters(IpFamily.V4));
        CounterSnapshots countersV6 = listedV6.map(r -> new CounterSnapshots(Optional.empty(), Optional.of(r)))
                .orElseGet(() -> rulesets.counters(IpFamily.V6));
        LegacyIptables legacy = new LegacyIptables(rulesets.legacyRuleset(IpFamily.V4),
                rulesets.legacyRuleset(IpFamily.V6), rulesets.legacyCounters(IpFamily.V4),
                rulesets.legacyCounters(IpFamily.V6), true);
        List<NetInterface> interfaces = interfaces();
        List<Route> routesV4 = routes(IpFamily.V4);
        List<Route> routesV6 = routes(IpFamily.V6);
        noteUnusedRouteFiles();
        List<PolicyRule> rulesV4 = policyRules(IpFamily.V4);
        List<PolicyRule> rulesV6 = policyRules(IpFamily.V6);
        List<Neighbor> neighbors = neighbors();
        Sysctls sysctls = sysctls();
        IpSets dumped = ipsets();
        List<ConntrackEntry> ctBefore = moment(InputKind.CONNTRACK_LIST, true, f -> parse(ConntrackParser.parse(f.name(),
                f.text())), List::size).orElse(List.of());
        List<ConntrackEntry> ct = moment(InputKind.CONNTRACK_LIST, false, f -> parse(ConntrackParser.parse(f.name(),
                f.text())), List::size).orElse(List.of());
        Optional<ConntrackStats> statsBefore = moment(InputKind.CONNTRACK_STATS, true,
                f -> parse(ConntrackStatsParser.parse(f.name(), f.text())), s -> s.cpus().size());
        Optional<ConntrackStats> stats = moment(InputKind.CONNTRACK_STATS, false,
                f -> parse(ConntrackStatsParser.parse(f.name(), f.text())), s -> s.cpus().size());
        List<ConntrackEvent> events = new ArrayList<>();
        for (LoadedFile f : ofKind(InputKind.CONNTRACK_EVENTS)) {
            events.addAll(parse(ConntrackEventParser.parse(f.name(), f.text())));
        }
        Optional<SocketTable> sockets = sockets();
        List<MulticastGroups> multicast = multicastGroups();
        Optional<KernelVersion> kernel = selection.pick(candidates(InputKind.KERNEL_VERSION,
                f -> parse(KernelVersionParser.parse(f.name(), f.text())), v -> v.isPresent() ? 1 : 0), "")
                .flatMap(v -> v);
        List<Path> captures = paths(InputKind.CAPTURE);
        List<Path> traces = paths(InputKind.TRACE_LOG);
        Optional<NftRuleset> nft = nftRuleset();
        // a family without iptables-save or -nvL listings (an sosreport of a RHEL 8/9 node): iptables-nft's tables from
        // the nft listing
        java.util.Set<IpFamily> fromListing = java.util.EnumSet.noneOf(IpFamily.class);
        if (v4.isEmpty()) {
            fromListing.add(IpFamily.V4);
        }
        if (v6.isEmpty()) {
            fromListing.add(IpFamily.V6);
        }
        NftNativeReplay nftReplay = nft.map(r -> NftNativeReplay.of(r, fromListing)).orElse(NftNativeReplay.none());
        nft.ifPresent(r -> unreplayedIptablesNft(r, v4, v6, legacy));
        IpSets ipsets = withNftSets(dumped, nftReplay);
        IpvsMode ipvs = IpvsMode.detect(ipvsTable(), interfaces, java.util.stream.Stream.of(v4, v6,
                legacy.rulesetV4(), legacy.rulesetV6()).flatMap(Optional::stream).toList());
        List<LinkLayerRules> linkLayer = new ArrayList<>();
        linkLayerRules(LinkLayerTool.EBTABLES, InputKind.EBTABLES).ifPresent(linkLayer::add);
        linkLayerRules(LinkLayerTool.ARPTABLES, InputKind.ARPTABLES).ifPresent(linkLayer::add);
        List<BundleInventory.Found> found = new ArrayList<>();
        for (LoadedFile f : files) {
            found.add(new BundleInventory.Found(f.name(), f.kind(), selection.noteFor(f)));
        }
        BundleInventory partial = new BundleInventory(found, ignored, List.of());
        Bundle draft = new Bundle(v4, v6, countersV4, countersV6, interfaces, routesV4, routesV6, rulesV4,
                rulesV6, neighbors, sysctls, ipsets, ctBefore, ct, statsBefore, stats, events, sockets, multicast, kernel, captures, traces,
                nft, nftReplay, ipvs, legacy, linkLayer, diagnostics, partial);
        BundleInventory inventory = new BundleInventory(found, ignored, MissingInputs.describe(draft,
                rulesets.referencesSets() || listings.referencesSets(IpFamily.V4) || listings.referencesSets(IpFamily.V6)));
        return new Bundle(v4, v6, countersV4, countersV6, interfaces,
                routesV4, routesV6, rulesV4, rulesV6, neighbors, sysctls, ipsets, ctBefore, ct, statsBefore, stats, events, sockets, multicast, kernel,
                captures, traces, nft, nftReplay, ipvs, legacy, linkLayer, diagnostics, inventory);
    }

    private <T> T parse(Parsed<T> parsed) {
        diagnostics.addAll(parsed.diagnostics());
        return parsed.value();
    }

    private List<LoadedFile> ofKind(InputKind kind) {
        return files.stream().filter(f -> f.kind() == kind).toList();
    }

    private <T> List<Candidate<T>> candidates(InputKind kind, java.util.function.Function<LoadedFile, T> parser,
                                              java.util.function.ToLongFunction<T> size) {
        List<Candidate<T>> out = new ArrayList<>();
        for (LoadedFile f : ofKind(kind)) {
            T value = parser.apply(f);
            out.add(new Candidate<>(f, value, size.applyAsLong(value)));
        }
        return out;
    }

    /** The "before" file (name word before) or the other ("after") files of a kind, largest first. */
    private <T> Optional<T> moment(InputKind kind, boolean before, java.util.function.Function<LoadedFile, T> parser,
                                   java.util.function.ToLongFunction<T> size) {
        List<Candidate<T>> list = new ArrayList<>();
        for (LoadedFile f : ofKind(kind)) {
            if (f.nameHas("before") == before) {
                T value = parser.apply(f);
                list.add(new Candidate<>(f, value, size.applyAsLong(value)));
            }
        }
        return selection.pick(list, before ? "before" : "");
    }

    private List<NetInterface> interfaces() {
        List<InputKind> order = List.of(InputKind.IP_ADDR, InputKind.IP_ADDR_JSON, InputKind.IP_ADDR_ONELINE,
                InputKind.IP_LINK);
        for (InputKind kind : order) {
            List<Candidate<List<NetInterface>>> c = candidates(kind, f -> parse(interfaceParse(f)),
                    l -> l.stream().mapToLong(i -> 1 + i.addresses().size()).sum());
            Optional<List<NetInterface>> best = selection.pick(c, "");
            if (best.isPresent()) {
                // the later kinds' listings, read once: for an ip -o addr's link details and for hairpin modes
                List<Candidate<List<NetInterface>>> later = new ArrayList<>();
                for (InputKind k : order.subList(order.indexOf(kind) + 1, order.size())) {
                    later.addAll(candidates(k, f -> parse(interfaceParse(f)), List::size));
                }
                List<NetInterface> chosen = kind == InputKind.IP_ADDR_ONELINE ? withLinkDetails(best.get(), later)
                        : best.get();
                markUnused(order, kind);
                List<Candidate<List<NetInterface>>> others = new ArrayList<>(c);
                others.addAll(later);
                return withHairpinModes(chosen, others);
            }
        }
        return List.of();
    }

    /**
     * An {@code ip -o addr} listing's interfaces, which lack the link's flags, MTU, state and MAC, with those taken
     * from the bundle's {@code ip link} listing when it has one (its interfaces with the one-line listing's addresses);
     * that file is then noted as used for them.
     */
    private List<NetInterface> withLinkDetails(List<NetInterface> oneLine, List<Candidate<List<NetInterface>>> later) {
        Optional<Candidate<List<NetInterface>>> link = Candidate.largest(later.stream()
                .filter(x -> x.file().kind() == InputKind.IP_LINK).toList());
        if (link.isEmpty()) {
            return oneLine;
        }
        java.util.Map<String, NetInterface> byName = new java.util.HashMap<>();
        link.get().value().forEach(i -> byName.putIfAbsent(i.name(), i));
        List<NetInterface> out = new ArrayList<>();
        boolean used = false;
        for (NetInterface i : oneLine) {
            NetInterface l = byName.get(i.name());
            used |= l != null;
            out.add(l == null ? i : l.withAddresses(i.addresses()));
        }
        if (used) {
            selection.use(link.get().file(), "used for the link details (flags, MTU, state, MAC) of "
                    + InputKind.IP_ADDR_ONELINE.label());
        }
        return out;
    }

    private static Parsed<List<NetInterface>> interfaceParse(LoadedFile f) {
        return f.kind() == InputKind.IP_ADDR_JSON ? IpAddrJsonParser.parse(f.name(), f.text())
                : IpAddrParser.parse(f.name(), f.text());
    }

    /**
     * The chosen interface list with each bridge port's hairpin mode filled in from the other listings (an
     * {@code ip -d link} or {@code ip -j -d link} beside a plain {@code ip addr}); such a file is noted as used for it.
     */
    private List<NetInterface> withHairpinModes(List<NetInterface> chosen, List<Candidate<List<NetInterface>>> others) {
        java.util.Map<String, Boolean> modes = new java.util.TreeMap<>();
        for (Candidate<List<NetInterface>> c : others) {
            boolean gave = false;
            for (NetInterface i : c.value()) {
                if (i.hairpin().isPresent() && !modes.containsKey(i.name())) {
                    modes.put(i.name(), i.hairpin().get());
                    gave |= chosen.stream().anyMatch(n -> n.name().equals(i.name()) && n.hairpin().isEmpty());
                }
            }
            if (gave) {
                selection.use(c.file(), "used for the bridge ports' hairpin mode");
            }
        }
        return chosen.stream().map(n -> n.hairpin().isEmpty() && modes.containsKey(n.name())
                ? n.withHairpin(modes.get(n.name())) : n).toList();
    }

    /**
     * The neighbor table: the largest {@code ip neigh} listing, with the entries only another listing has added (an
     * sosreport's {@code ip neigh show nud noarp} holds the NOARP entries that {@code ip -s -s neigh show} leaves out);
     * else {@code ip -j neigh}.
     */
    private List<Neighbor> neighbors() {
        List<Candidate<List<Neighbor>>> text = candidates(InputKind.IP_NEIGH,
                f -> parse(IpNeighParser.parse(f.name(), f.text())), List::size);
        Optional<Candidate<List<Neighbor>>> best = Candidate.largest(text);
        if (best.isEmpty()) {
            return selection.pick(candidates(InputKind.IP_NEIGH_JSON,
                    f -> parse(IpNeighJsonParser.parse(f.name(), f.text())), List::size), "").orElse(List.of());
        }
        List<Neighbor> chosen = selection.pick(text, "").orElseThrow();
        markUnused(List.of(InputKind.IP_NEIGH, InputKind.IP_NEIGH_JSON), InputKind.IP_NEIGH);
        Set<String> seen = new java.util.HashSet<>();
        chosen.forEach(n -> seen.add(n.address() + " " + n.dev()));
        List<Neighbor> all = new ArrayList<>(chosen);
        for (Candidate<List<Neighbor>> c : text) {
            if (c == best.get()) {
                continue;
            }
            int added = 0;
            for (Neighbor n : c.value()) {
                if (seen.add(n.address() + " " + n.dev())) {
                    all.add(n);
                    added++;
                }
            }
            if (added > 0) {
                selection.use(c.file(), "used for " + added + (added == 1 ? " entry " : " entries ")
                        + best.get().file().name() + " lacks");
            }
        }
        return List.copyOf(all);
    }

    /** The multicast memberships of {@code ip maddr}, else of {@code ip -j maddr}. */
    private List<MulticastGroups> multicastGroups() {
        return textElseJson(InputKind.IP_MADDR, f -> parse(IpMaddrParser.parse(f.name(), f.text())),
                InputKind.IP_MADDR_JSON, f -> parse(IpMaddrJsonParser.parse(f.name(), f.text())),
                l -> l.stream().mapToLong(m -> 1 + m.groups().size()).sum()).orElse(List.of());
    }

    /**
     * The largest file of the {@code text} kind, else of its {@code json} form; when a text file is taken, the JSON
     * files are marked not used (the text preferred).
     */
    private <T> Optional<T> textElseJson(InputKind text, java.util.function.Function<LoadedFile, T> textParser,
                                         InputKind json, java.util.function.Function<LoadedFile, T> jsonParser,
                                         java.util.function.ToLongFunction<T> size) {
        Optional<T> fromText = selection.pick(candidates(text, textParser, size), "");
        if (fromText.isPresent()) {
            markUnused(List.of(text, json), text);
            return fromText;
        }
        return selection.pick(candidates(json, jsonParser, size), "");
    }

    private void markUnused(List<InputKind> order, InputKind used) {
        for (InputKind k : order.subList(order.indexOf(used) + 1, order.size())) {
            for (LoadedFile f : ofKind(k)) {
                if (selection.noteFor(f).isEmpty()) {
                    selection.use(f, "not used: " + used.label() + " preferred");
                }
            }
        }
    }

    private List<Route> routes(IpFamily family) {
        for (InputKind kind : List.of(InputKind.IP_ROUTE, InputKind.IP_ROUTE_JSON)) {
            List<Candidate<List<Route>>> c = new ArrayList<>();
            for (LoadedFile f : ofKind(kind)) {
                List<Route> mine = routesOf(f).stream().filter(r -> r.family() == family).toList();
                if (!mine.isEmpty()) {
                    c.add(new Candidate<>(f, mine, mine.size()));
                }
            }
            if (!c.isEmpty()) {
                return selection.pick(c, family == IpFamily.V4 ? "IPv4" : "IPv6").orElseThrow();
            }
        }
        return List.of();
    }

    private void noteUnusedRouteFiles() {
        for (InputKind kind : List.of(InputKind.IP_ROUTE, InputKind.IP_ROUTE_JSON)) {
            for (LoadedFile f : ofKind(kind)) {
                if (selection.noteFor(f).isEmpty()) {
                    routesOf(f);
                    selection.use(f, kind == InputKind.IP_ROUTE_JSON ? "not used: ip route text preferred"
                            : "not used: no routes");
                }
            }
        }
    }

    /** Every route of a file, parsed once (its diagnostics are kept once). */
    private List<Route> routesOf(LoadedFile f) {
        return parsedRoutes.computeIfAbsent(f.name(), n -> parse(f.kind() == InputKind.IP_ROUTE
                ? IpRouteParser.parse(f.name(), f.text()) : IpRouteJsonParser.parse(f.name(), f.text())));
    }

    /** The family's policy rules from {@code ip rule} text, else from {@code ip -j rule}. */
    private List<PolicyRule> policyRules(IpFamily family) {
        String note = family == IpFamily.V4 ? "IPv4" : "IPv6";
        Optional<List<PolicyRule>> text = selection.pick(ruleCandidates(InputKind.IP_RULE, family), note);
        List<LoadedFile> json = ofKind(InputKind.IP_RULE_JSON).stream().filter(f -> RuleFamily.of(f) == family).toList();
        if (text.isPresent()) {
            json.forEach(f -> selection.use(f, "not used: ip rule text preferred"));
            return text.get();
        }
        return selection.pick(ruleCandidates(InputKind.IP_RULE_JSON, family), note).orElse(List.of());
    }

    private List<Candidate<List<PolicyRule>>> ruleCandidates(InputKind kind, IpFamily family) {
        List<Candidate<List<PolicyRule>>> c = new ArrayList<>();
        for (LoadedFile f : ofKind(kind)) {
            if (RuleFamily.of(f) == family) {
                List<PolicyRule> rules = parse(kind == InputKind.IP_RULE ? IpRuleParser.parse(f.name(), f.text(), family)
                        : IpRuleJsonParser.parse(f.name(), f.text(), family));
                c.add(new Candidate<>(f, rules, rules.size()));
            }
        }
        return c;
    }

    private Sysctls sysctls() {
        Sysctls merged = Sysctls.empty();
        for (LoadedFile f : ofKind(InputKind.SYSCTL)) {
            merged = merged.merge(parse(SysctlParser.parse(f.name(), f.text())));
        }
        return merged;
    }

    /** Every ss file's sockets together (ss -tlnp and ss -ulnp of one sosreport complete each other). */
    private Optional<SocketTable> sockets() {
        Optional<SocketTable> merged = Optional.empty();
        for (LoadedFile f : ofKind(InputKind.SOCKETS)) {
            SocketTable table = parse(SsParser.parse(f.name(), f.text()));
            merged = Optional.of(merged.map(m -> m.merge(table)).orElse(table));
        }
        return merged;
    }

    /**
     * The sets of every {@code ipset save} file; a set in a "before" file (name word before, e.g.
     * ipset-save-before.txt) is taken from it: rules with {@code -j SET} change sets during the capture, and a
     * replay starts from their state before it.
     */
    /**
     * The dumped ipsets and, beside them, the dynamic nft sets of the replayed native chains (empty at the start, named
     * {@code family:table:set}), which their translated set statements and look-ups change and match.
     */
    private static IpSets withNftSets(IpSets dumped, NftNativeReplay nftReplay) {
        if (nftReplay.ipsets().isEmpty()) {
            return dumped;
        }
        Map<String, IpSet> sets = new TreeMap<>(dumped.sets());
        nftReplay.ipsets().forEach(s -> sets.putIfAbsent(s.name(), s));
        return new IpSets(sets);
    }

    private IpSets ipsets() {
        Map<String, IpSet> sets = new TreeMap<>();
        for (boolean before : new boolean[] {false, true}) {
            for (LoadedFile f : ofKind(InputKind.IPSET_SAVE)) {
                if (f.nameHas("before") == before) {
                    sets.putAll(parse(IpsetSaveParser.parse(f.name(), f.text())).sets());
                }
            }
        }
        return new IpSets(sets);
    }

    /**
     * The nft ruleset, a listing or its {@code nft -j} JSON read into the same model: a listing is preferred to a
     * configuration file (an sosreport also copies {@code /etc/nftables.conf}, which starts with {@code flush ruleset}
     * or uses {@code include}/{@code define} and may not be what is loaded), then the one with most tables and rules,
     * then the text.
     */
    private Optional<NftRuleset> nftRuleset() {
        List<Candidate<NftRuleset>> c = new ArrayList<>();
        for (LoadedFile f : ofKind(InputKind.NFT_RULESET)) {
            NftRuleset r = parse(NftJsonRulesetParser.parseEither(f.name(), f.text()));
            boolean config = ContentSniffer.significantLines(f.text()).stream().map(String::strip)
                    .anyMatch(l -> l.equals("flush ruleset") || l.startsWith("include ") || l.startsWith("define "));
            long score = (config ? 0 : 1L << 40) + r.tables().size() * 1000L + r.ruleCount();
            // of a listing and its JSON, equal in tables and rules, the text
            c.add(new Candidate<>(f, r, score * 2 + (NftJsonRulesetParser.isJson(f.text()) ? 0 : 1)));
        }
        return selection.pick(c, "");
    }

    /** Every file of one link-layer tool, each table taken from the file with most rules for it. */
    private Optional<LinkLayerRules> linkLayerRules(LinkLayerTool tool, InputKind kind) {
        List<LinkLayerRules> parts = new ArrayList<>();
        for (LoadedFile f : ofKind(kind)) {
            parts.add(parse(LinkLayerRulesParser.parse(tool, f.name(), f.text())));
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(LinkLayerRules.merge(tool, parts));
    }

    /**
     * A warning for each of iptables-nft's tables with rules in the nft listing when the family's only dump is
     * iptables-legacy's: both backends' rules are live in the kernel, but only the dump is replayed (iptables-nft's tables
     * come from the listing only for a family without any iptables-save).
     */
    private void unreplayedIptablesNft(NftRuleset r, Optional<Ruleset> v4, Optional<Ruleset> v6, LegacyIptables legacy) {
        for (IpFamily family : IpFamily.values()) {
            Optional<Ruleset> main = family == IpFamily.V4 ? v4 : v6;
            if (main.isEmpty() || legacy.ruleset(family).isPresent()
                    || io.pktpath.parser.iptables.model.IptablesBackend.of(main.get())
                    != io.pktpath.parser.iptables.model.IptablesBackend.LEGACY) {
                continue;
            }
            io.pktpath.parser.nft.NftFamily nftFamily = family == IpFamily.V4 ? io.pktpath.parser.nft.NftFamily.IP
                    : io.pktpath.parser.nft.NftFamily.IP6;
            for (io.pktpath.parser.nft.NftTable t : r.tables()) {
                int rules = t.chains().stream().mapToInt(c -> c.rules().size()).sum();
                if (t.family() == nftFamily && rules > 0
                        && io.pktpath.parser.nft.IptablesNftTables.isIptablesTableName(t.family(), t.name())) {
                    diagnostics.add(Diagnostic.warning("NFT_IPTABLES_NOT_REPLAYED", "table " + t.qualifiedName()
                            + " holds " + rules + " iptables-nft rule" + (rules == 1 ? "" : "s") + ", live beside the "
                            + "iptables-legacy dump (" + main.get().generator().orElse("iptables-save") + "), the only "
                            + "rules replayed for " + family, "an iptables-nft-save dump of the same node beside the legacy one (both are then "
                            + "replayed, as the kernel runs them)", io.pktpath.parser.diag.SourceSpan.line(r.file(),
                            t.line()), "table " + t.qualifiedName()));
                }
            }
        }
    }

    /** The ipvsadm file with the most virtual services and real servers. */
    private Optional<IpvsTable> ipvsTable() {
        return selection.pick(candidates(InputKind.IPVSADM, f -> parse(IpvsadmParser.parse(f.name(), f.text())),
                t -> t.services().size() * 1000L + t.realServerCount()), "");
    }

    private List<Path> paths(InputKind kind) {
        return ofKind(kind).stream().map(LoadedFile::path).toList();
    }
}
