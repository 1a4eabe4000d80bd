package io.pktpath.parser.nft;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.IptablesRuleReader;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.iptables.match.RpfilterMatch;
import io.pktpath.parser.iptables.target.Ct;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.Notrack;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which native nftables base chains pktpath replays and how: a chain of type {@code filter} on an IP hook (at
 * prerouting and output also below conntrack's priority -200: it runs before the lookup, like iptables' raw table, and
 * may hold {@code notrack}), or of type {@code nat} on prerouting, output, postrouting or input, of a table of family
 * ip, ip6 or inet, or a chain of type {@code filter} on hook {@code ingress} of a netdev or inet table with its device
 * or devices (it sees the IP packets arriving on them, before PREROUTING, without conntrack), whose every rule (and every rule of the chains it jumps or goes to) {@link NftRuleTranslator}
 * translates, becomes a built-in chain of a table named after the nft table ({@code inet pkp_fw}) in a per-family
 * iptables ruleset; any other native base chain keeps the reason it is not replayed.
 */
public final class NftNativeReplay {
    private static final Set<String> HOOKS = Set.of("prerouting", "input", "forward", "output", "postrouting");
    /** The hooks a nat chain can have (the kernel refuses forward). */
    private static final Set<String> NAT_HOOKS = Set.of("prerouting", "input", "output", "postrouting");
    /** Conntrack's priority at prerouting and output: a chain below it runs before the lookup. */
    private static final int CONNTRACK_PRIORITY = -200;
    /** Why an ingress chain whose device the listing does not name is not replayed (nft 1.0.6's JSON omits it). */
    private static final String NO_DEVICE = "hook ingress without a device is not replayed: the listing does not say"
            + " which device's packets the chain sees (nft -j of nft 1.0.6 omits it; nft list ruleset prints it)";
    /** br_netfilter's priority at the bridge prerouting hook, where it runs IP PREROUTING (NF_BR_PRI_BRNF). */
    private static final int BRIDGE_NF_PREROUTING = 0;
    /** br_netfilter's priority at the bridge forward hook, where it runs IP FORWARD (NF_BR_PRI_BRNF - 1). */
    private static final int BRIDGE_NF_FORWARD = -1;
    /** The hook of the chains that see a packet as it arrives on a device, before prerouting. */
    private static final String INGRESS = "ingress";

    /**
     * A replayed base chain: its nft chain, hook (lower case), priority, and the table name its steps carry; a chain of
     * type nat runs, like iptables' nat table, only for a connection's first packet, inside conntrack's NAT step.
     */
    public record ReplayedChain(NftHookedChain chain, String hook, int priority, String table, Set<IpFamily> families) {
        public ReplayedChain {
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(hook, "hook");
            Objects.requireNonNull(table, "table");
            families = Set.copyOf(families);
        }

        public String name() {
            return chain.chain().name();
        }

        /** True for a chain of type nat. */
        public boolean nat() {
            return chain.base().type().equals("nat");
        }

        /** True for a chain on hook ingress (netdev or inet), bound to {@link #devices()}. */
        public boolean ingress() {
            return hook.equals(INGRESS);
        }

        /**
         * True for a chain of a bridge table: it sees the IP frames that cross the bridge at the bridge's own hooks
         * (prerouting before br_netfilter's IP PREROUTING, forward before IP FORWARD, input after IP PREROUTING), its
         * {@code iifname}/{@code oifname} naming bridge ports.
         */
        public boolean bridge() {
            return chain.table().family() == NftFamily.BRIDGE;
        }

        /** The devices an ingress chain is bound to ({@code device "eth0"}, {@code devices = { eth0, lo }}); else none. */
        public Set<String> devices() {
            return chain.base().device().map(d -> Set.of(d.split(","))).orElse(Set.of());
        }
    }

    private final List<ReplayedChain> replayed;
    private final Map<String, String> refused;
    private final Ruleset v4;
    private final Ruleset v6;
    private final List<io.pktpath.parser.ipset.IpSet> ipsets;
    private final List<NftHookedChain> considered;
    private final Set<IpFamily> iptablesFromListing;

    private NftNativeReplay(List<ReplayedChain> replayed, Map<String, String> refused, Ruleset v4, Ruleset v6,
                            List<io.pktpath.parser.ipset.IpSet> ipsets, List<NftHookedChain> considered,
                            Set<IpFamily> iptablesFromListing) {
        this.replayed = List.copyOf(replayed);
        this.refused = Map.copyOf(refused);
        this.v4 = v4;
        this.v6 = v6;
        this.ipsets = List.copyOf(ipsets);
        this.considered = List.copyOf(considered);
        this.iptablesFromListing = Set.copyOf(iptablesFromListing);
    }

    /**
     * The dynamic sets of the tables whose chains are replayed (sets rules change: {@code add|update|delete @name}), as
     * the empty ipsets ({@code inet:pkp_ks:knocked}) their translated rules match and change.
     */
    public List<io.pktpath.parser.ipset.IpSet> ipsets() {
        return ipsets;
    }

    /** Nothing replayed (no nft ruleset). */
    public static NftNativeReplay none() {
        return new NftNativeReplay(List.of(), Map.of(), Ruleset.empty(IpFamily.V4), Ruleset.empty(IpFamily.V6),
                List.of(), List.of(), Set.of());
    }

    /**
     * Decides, for every native base chain of {@code ruleset}, whether it is replayed, and translates those that are.
     * Translating thousands of rules takes a fraction of a second: a bundle decides once, when it is assembled
     * ({@code Bundle.nftReplay()}), and every consumer of an analysis (replay, findings, notes, summary, verify) takes
     * that one.
     */
    public static NftNativeReplay of(NftRuleset ruleset) {
        return of(ruleset, Set.of());
    }

    /**
     * As {@link #of(NftRuleset)}, and for each family of {@code iptablesFromListing} (one the bundle has no
     * iptables-save or ip6tables-save for) also iptables-nft's own base chains of that family ({@code ip filter INPUT},
     * {@code ip6 nat PREROUTING}), replayed from the listing like native chains: nft prints most of iptables-nft's rules
     * in its own syntax, and a chain with a rule it could not express ({@code xt match "NAME"}) is refused, naming the
     * rule. An empty chain of type route (iptables-nft's mangle OUTPUT with no rules) changes nothing and is left out.
     */
    public static NftNativeReplay of(NftRuleset ruleset, Set<IpFamily> iptablesFromListing) {
        List<NftHookedChain> considered = ruleset.baseChains().stream()
                .filter(h -> !IptablesNftTables.isIptablesOwn(h.table(), h.chain())
                        || fromListing(h, iptablesFromListing)).toList();
        List<ReplayedChain> replayed = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        Map<IpFamily, Map<String, Map<String, Chain>>> tables = Map.of(IpFamily.V4, new LinkedHashMap<>(),
                IpFamily.V6, new LinkedHashMap<>());
        Map<IpFamily, Map<NftChain, TranslatedChain>> done = Map.of(IpFamily.V4, new IdentityHashMap<>(),
                IpFamily.V6, new IdentityHashMap<>());
        for (NftHookedChain hooked : considered) {
            Set<IpFamily> families = families(hooked.table().family(), hooked.base().hook());
            Optional<String> why = eligibility(hooked, families);
            Map<IpFamily, List<Chain>> translated = new LinkedHashMap<>();
            for (IpFamily f : families) {
                if (why.isPresent()) {
                    break;
                }
                List<Chain> chains = new ArrayList<>();
                why = translate(ruleset.file(), hooked, f, chains, done.get(f));
                translated.put(f, chains);
                if (why.isEmpty()) {
                    why = placement(ruleset.file(), hooked, chains);
                }
            }
            if (why.isPresent()) {
                refused.put(hooked.qualifiedName(), why.get());
                continue;
            }
            String table = hooked.table().qualifiedName();
            for (Map.Entry<IpFamily, List<Chain>> e : translated.entrySet()) {
                Map<String, Chain> chains = tables.get(e.getKey()).computeIfAbsent(table, k -> new LinkedHashMap<>());
                e.getValue().forEach(c -> chains.putIfAbsent(c.name(), c));
            }
            replayed.add(new ReplayedChain(hooked, hooked.base().hook(), hooked.base().priority().getAsInt(), table,
                    families));
        }
        List<io.pktpath.parser.ipset.IpSet> ipsets = new ArrayList<>();
        Set<NftTable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (ReplayedChain c : replayed) {
            NftTable t = c.chain().table();
            if (!seen.add(t)) {
                continue;
            }
            for (String name : t.updatedSets()) {
                t.set(name).filter(s -> s.kind().equals("set"))
                        .map(s -> NftSetStatement.model(t, s, ruleset.file()))
                        .filter(m -> m instanceof NftSetStatement.Modelled)
                        .ifPresent(m -> ipsets.add(((NftSetStatement.Modelled) m).set()));
            }
        }
        return new NftNativeReplay(replayed, refused, ruleset(IpFamily.V4, tables.get(IpFamily.V4), ruleset.file()),
                ruleset(IpFamily.V6, tables.get(IpFamily.V6), ruleset.file()), ipsets, considered,
                iptablesFromListing);
    }

    /**
     * True for iptables-nft's own base chain of a family in {@code families}, unless it is an empty route chain
     * (mangle OUTPUT without rules: nothing to replay).
     */
    private static boolean fromListing(NftHookedChain h, Set<IpFamily> families) {
        IpFamily family = h.table().family() == NftFamily.IP ? IpFamily.V4 : IpFamily.V6;
        if (!families.contains(family)) {
            return false;
        }
        return !(h.base().type().equals("route") && h.chain().rules().isEmpty()
                && h.base().policy().equals("accept"));
    }

    private static Ruleset ruleset(IpFamily family, Map<String, Map<String, Chain>> tables, String file) {
        List<Table> out = new ArrayList<>();
        tables.forEach((name, chains) -> out.add(new Table(name, List.copyOf(chains.values()), SourceSpan.line(file, 0))));
        return new Ruleset(family, out, false, List.of(), Optional.empty());
    }

    /** The IP families a chain sees: a netdev table's only at hook ingress (where its IP packets are replayed). */
    private static Set<IpFamily> families(NftFamily family, String hook) {
        return switch (family) {
            case IP -> Set.of(IpFamily.V4);
            case IP6 -> Set.of(IpFamily.V6);
            case INET -> new LinkedHashSet<>(List.of(IpFamily.V4, IpFamily.V6));
            case NETDEV -> hook.equals(INGRESS) ? new LinkedHashSet<>(List.of(IpFamily.V4, IpFamily.V6)) : Set.of();
            case BRIDGE -> new LinkedHashSet<>(List.of(IpFamily.V4, IpFamily.V6));
            default -> Set.of();
        };
    }

    /** Why the chain cannot be replayed whatever its rules, if so. */
    private static Optional<String> eligibility(NftHookedChain hooked, Set<IpFamily> families) {
        NftBaseChain base = hooked.base();
        if (families.isEmpty()) {
            return Optional.of("family " + hooked.table().family().keyword() + (hooked.table().family()
                    == NftFamily.NETDEV ? " at hook " + base.hook() : "") + " is not replayed (ip, ip6, inet are;"
                    + " netdev at hook ingress; bridge at prerouting, forward, input)");
        }
        if (hooked.table().family() == NftFamily.BRIDGE) {
            return bridgeEligibility(base);
        }
        if (!base.type().equals("filter") && !base.type().equals("nat")) {
            return Optional.of("type " + base.type() + " is not replayed (types filter and nat are)");
        }
        if (base.hook().equals(INGRESS)) {
            if (!base.type().equals("filter")) {
                return Optional.of("a " + base.type() + " chain on hook ingress is not replayed (type filter is)");
            }
            NftFamily family = hooked.table().family();
            if (family != NftFamily.NETDEV && family != NftFamily.INET) {
                return Optional.of("hook ingress in a table of family " + family.keyword() + " is not replayed (the"
                        + " kernel has it for netdev and inet)");
            }
        } else if (!HOOKS.contains(base.hook()) || base.device().isPresent()) {
            return Optional.of("hook " + base.hook() + " is not replayed (ingress, prerouting, input, forward, output,"
                    + " postrouting are)");
        }
        if (base.type().equals("nat") && !NAT_HOOKS.contains(base.hook())) {
            return Optional.of("a nat chain on hook " + base.hook() + " is not replayed (prerouting, input, output,"
                    + " postrouting are)");
        }
        if (base.priority().isEmpty()) {
            return Optional.of("priority '" + base.priorityText() + "' is not a known number");
        }
        int priority = base.priority().getAsInt();
        if (base.type().equals("nat") && priority <= CONNTRACK_PRIORITY) {
            return Optional.of("a nat chain at priority " + priority + ": the kernel refuses nat chains at or below"
                    + " conntrack's priority (-200)");
        }
        if (early(base) && priority == CONNTRACK_PRIORITY) {
            return Optional.of("priority -200 is conntrack's own at " + base.hook() + ": the kernel runs hooks of equal"
                    + " priority in the order they were registered, which the ruleset does not show (below -200 runs"
                    + " before the conntrack lookup, above it after; both are replayed)");
        }
        if (!base.policy().equals("accept") && !base.policy().equals("drop")) {
            return Optional.of("policy " + base.policy() + " is not accept or drop");
        }
        return Optional.empty();
    }

    /**
     * Why a bridge table's base chain cannot be replayed whatever its rules, if so: type filter at prerouting below
     * br_netfilter's IP PREROUTING (priority 0, br_nf_pre_routing), at forward below its IP FORWARD (-1,
     * br_nf_forward_ip), at input (after IP PREROUTING, before the IP stack's route lookup), at output (the frames the
     * bridge device sends, after IP POSTROUTING) or at postrouting (before br_netfilter's IP POSTROUTING, at the last
     * priority).
     */
    private static Optional<String> bridgeEligibility(NftBaseChain base) {
        if (!base.type().equals("filter")) {
            return Optional.of("type " + base.type() + " in a bridge table is not replayed (type filter is)");
        }
        if (!HOOKS.contains(base.hook()) || base.device().isPresent()) {
            return Optional.of("hook " + base.hook() + " of a bridge table is not replayed (prerouting, forward, input,"
                    + " output and postrouting are)");
        }
        if (base.priority().isEmpty()) {
            return Optional.of("priority '" + base.priorityText() + "' is not a known number");
        }
        int priority = base.priority().getAsInt();
        if (base.hook().equals("prerouting") && priority >= BRIDGE_NF_PREROUTING) {
            return Optional.of("a bridge prerouting chain at priority " + priority + " runs at or after br_netfilter's"
                    + " IP PREROUTING (priority 0), which is not replayed (below 0 is)");
        }
        if (base.hook().equals("forward") && priority >= BRIDGE_NF_FORWARD) {
            return Optional.of("a bridge forward chain at priority " + priority + " runs at or after br_netfilter's"
                    + " IP FORWARD (priority -1), which is not replayed (below -1 is)");
        }
        if (!base.policy().equals("accept") && !base.policy().equals("drop")) {
            return Optional.of("policy " + base.policy() + " is not accept or drop");
        }
        return Optional.empty();
    }

    /** True for a chain at prerouting or output, where conntrack's lookup runs at priority -200. */
    private static boolean early(NftBaseChain base) {
        return base.hook().equals("prerouting") || base.hook().equals("output");
    }

    /** True for a chain that runs before conntrack's lookup: prerouting or output, priority below -200. */
    private static boolean beforeConntrack(NftBaseChain base) {
        return early(base) && base.priority().getAsInt() < CONNTRACK_PRIORITY;
    }

    /**
     * Why a translated rule cannot be replayed at this base chain's hook, if so (an ingress chain without a device
     * first; its rules are translated before, so that a rule outside the subset is named whichever listing it came
     * from): {@code notrack} only before
     * conntrack's lookup (after it a packet keeps the entry it has; nft_notrack changes only a packet without one), and
     * the reverse-path check {@code fib saddr ... oif} only at prerouting (the kernel's fib expression lets loopback
     * input pass only there, rpfilter everywhere).
     */
    private static Optional<String> placement(String file, NftHookedChain hooked, List<Chain> chains) {
        NftBaseChain base = hooked.base();
        if (base.hook().equals(INGRESS) && base.device().isEmpty()) {
            return Optional.of(NO_DEVICE);
        }
        for (Chain c : chains) {
            for (Rule r : c.rules()) {
                Optional<String> ingress = base.hook().equals(INGRESS) ? notAtIngress(r.text())
                        : hooked.table().family() == NftFamily.BRIDGE ? notInBridge(r, base.hook()) : Optional.empty();
                if (ingress.isPresent()) {
                    return Optional.of("rule at " + r.span() + " (`" + r.text() + "`) in chain " + c.name() + ": "
                            + ingress.get());
                }
                boolean notrack = r.target() instanceof Notrack || r.target() instanceof Ct ct && ct.notrack();
                if (notrack && !beforeConntrack(base)) {
                    return Optional.of("rule at " + r.span() + " (`" + r.text() + "`) in chain " + c.name()
                            + ": notrack at " + base.hook() + " priority " + base.priority().getAsInt()
                            + " runs after conntrack's lookup, where it changes only a packet without a conntrack entry;"
                            + " it is replayed only in chains at prerouting or output below priority -200");
                }
                if (!r.matches(RpfilterMatch.class).isEmpty() && !base.hook().equals("prerouting")) {
                    return Optional.of("rule at " + r.span() + " (`" + r.text() + "`) in chain " + c.name()
                            + ": the reverse-path check fib saddr ... oif is replayed only at prerouting (at "
                            + base.hook() + " the kernel's fib expression does not let loopback input pass)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Why a rule's nft text cannot run at hook ingress, if so: conntrack (ct expressions, notrack, NAT) and fib, which
     * the replay models only from prerouting on (a packet has no conntrack entry at ingress; a netdev table's ct
     * expressions the kernel refuses at load).
     */
    private static Optional<String> notAtIngress(String nftText) {
        for (String word : NftRuleTokens.split(nftText)) {
            switch (word) {
                case "ct", "notrack", "dnat", "snat", "masquerade", "redirect" -> {
                    return Optional.of("'" + word + "' at hook ingress is not replayed (no conntrack before"
                            + " prerouting)");
                }
                case "fib" -> {
                    return Optional.of("fib at hook ingress is not replayed");
                }
                default -> { }
            }
        }
        return Optional.empty();
    }

    /**
     * Why a translated rule cannot run in a bridge table at {@code hook}, if so: conntrack (ct expressions, notrack,
     * NAT; the kernel needs nf_conntrack_bridge for them, which the replay does not model), fib, and {@code ether saddr}
     * at output and postrouting.
     */
    private static Optional<String> notInBridge(Rule rule, String hook) {
        if ((hook.equals("output") || hook.equals("postrouting"))
                && !rule.matches(io.pktpath.parser.iptables.match.MacMatch.class).isEmpty()) {
            return Optional.of("'ether saddr' at hook " + hook + " of a bridge table is not replayed (the replay knows a"
                    + " frame's source MAC only as it arrived)");
        }
        for (String word : NftRuleTokens.split(rule.text())) {
            switch (word) {
                case "ct", "notrack", "dnat", "snat", "masquerade", "redirect" -> {
                    return Optional.of("'" + word + "' in a bridge table is not replayed (bridge conntrack,"
                            + " nf_conntrack_bridge, is not modelled)");
                }
                case "fib" -> {
                    return Optional.of("fib in a bridge table is not replayed");
                }
                default -> { }
            }
        }
        return Optional.empty();
    }

    /**
     * Why nft's print of a rule of iptables-nft's own tables does not say what the rule matches, if so: iptables-nft
     * stores {@code -m conntrack} as the xt match, which nft 1.0.6 prints through libxtables' translation, and that
     * prints {@code --ctstate DNAT}, {@code --ctstate NEW,DNAT} and {@code ! --ctstate RELATED,ESTABLISHED,DNAT}
     * (kube-proxy's KUBE-FIREWALL) alike as {@code ct status dnat} (SNAT as {@code ct status snat}), seen in a pkp-ntl
     * namespace.
     */
    static Optional<String> lossyPrint(String nftText) {
        List<String> w = NftRuleTokens.split(nftText);
        for (int i = 0; i + 1 < w.size(); i++) {
            if (w.get(i).equals("ct") && w.get(i + 1).equals("status")) {
                return Optional.of("'ct status' in iptables-nft's table is nft's print of iptables' conntrack match,"
                        + " which prints --ctstate DNAT, --ctstate NEW,DNAT and ! --ctstate RELATED,ESTABLISHED,DNAT"
                        + " alike as 'ct status dnat' (SNAT likewise): the listing does not say what the rule matches"
                        + " (iptables-save does)");
            }
        }
        return Optional.empty();
    }

    /** Queues the chain {@code name} of {@code table} unless it was queued before or the table has none of that name. */
    private static void queue(NftTable table, String name, Set<String> queued, Deque<NftChain> todo) {
        if (!queued.contains(name)) {
            table.chain(name).ifPresent(c -> {
                queued.add(name);
                todo.addLast(c);
            });
        }
    }

    /**
     * A regular chain as translated for one family, and the chains its rules name in the order they were queued: the
     * same whichever base chain reaches it (kube-proxy's nat prerouting and output chains both reach every service's).
     */
    private record TranslatedChain(Chain chain, List<String> targets) {
    }

    /**
     * Translates the chain and the chains it reaches for one family into {@code into}; the first refusal, if any.
     * Regular chains translated before, reached from another base chain, are taken from {@code done}.
     */
    private static Optional<String> translate(String file, NftHookedChain hooked, IpFamily family, List<Chain> into,
                                              Map<NftChain, TranslatedChain> done) {
        NftTable table = hooked.table();
        Deque<NftChain> todo = new ArrayDeque<>(List.of(hooked.chain()));
        // every chain once, in the order first reached (a chain is queued when first named, not each time)
        Set<String> queued = new HashSet<>(List.of(hooked.chain().name()));
        IptablesRuleReader reader = new IptablesRuleReader("nft", family);
        boolean iptablesOwn = IptablesNftTables.isIptablesOwn(table, hooked.chain());
        while (!todo.isEmpty()) {
            NftChain c = todo.removeFirst();
            if (c != hooked.chain() && c.isBase()) {
                return Optional.of("it jumps to the base chain " + c.name());
            }
            TranslatedChain before = done.get(c);
            if (before != null) {
                into.add(before.chain());
                before.targets().forEach(t -> queue(table, t, queued, todo));
                continue;
            }
            List<String> targets = new ArrayList<>();
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < c.rules().size(); i++) {
                NftRule r = c.rules().get(i);
                Optional<String> lossy = iptablesOwn ? lossyPrint(r.text()) : Optional.empty();
                if (lossy.isPresent()) {
                    return Optional.of("rule at " + r.at(file) + " (`" + r.text() + "`) in chain " + c.name()
                            + ": " + lossy.get());
                }
                NftRuleTranslator.Outcome o = NftRuleTranslator.translate(table, c.name(), i + 1, r, file, family, reader);
                if (o instanceof NftRuleTranslator.Refused refusedRule) {
                    return Optional.of("rule at " + r.at(file) + " (`" + r.text() + "`) in chain " + c.name()
                            + ": " + refusedRule.reason());
                }
                List<Rule> translated = ((NftRuleTranslator.Translated) o).rules();
                rules.addAll(translated);
                targets.addAll(r.jumpTargets());
                for (Rule t : translated) {
                    Target verdict = StatementVerdict.verdictOf(t.target());
                    if (verdict instanceof Jump j) {
                        targets.add(j.chain());
                    } else if (verdict instanceof Goto g) {
                        targets.add(g.chain());
                    }
                }
            }
            targets.forEach(t -> queue(table, t, queued, todo));
            boolean base = c == hooked.chain();
            Optional<Policy> policy = base ? Optional.of(hooked.base().policy().equals("drop") ? Policy.DROP
                    : Policy.ACCEPT) : Optional.empty();
            Chain chain = new Chain(c.name(), base, policy, Counters.ZERO, rules, new SourceSpan(file, c.line(), c.column()));
            into.add(chain);
            if (!c.isBase()) {
                done.put(c, new TranslatedChain(chain, List.copyOf(targets)));
            }
        }
        return Optional.empty();
    }

    /**
     * The base chains considered for the replay, in file order: the native ones, and iptables-nft's own of the families
     * replayed from the listing ({@link #iptablesFromListing()}).
     */
    public List<NftHookedChain> considered() {
        return considered;
    }

    /** The IP families whose iptables-nft tables are replayed from the nft listing (no iptables-save for them). */
    public Set<IpFamily> iptablesFromListing() {
        return iptablesFromListing;
    }

    /** The replayed base chains, in file order. */
    public List<ReplayedChain> chains() {
        return replayed;
    }

    public boolean isEmpty() {
        return replayed.isEmpty();
    }

    /** True when the base chain is replayed. */
    public boolean replays(NftHookedChain chain) {
        return replayed.stream().anyMatch(r -> r.chain().qualifiedName().equals(chain.qualifiedName()));
    }

    /**
     * True when {@code chain} of {@code rules} is an ebtables-nft chain replayed from the nft listing, where it is the
     * bridge table's chain of the same name ({@code bridge filter FORWARD}); false for arptables' chains.
     */
    public boolean replaysFromListing(io.pktpath.parser.linklayer.LinkLayerRules rules,
                                      io.pktpath.parser.linklayer.LinkLayerChain chain) {
        if (rules.tool() != io.pktpath.parser.linklayer.LinkLayerTool.EBTABLES) {
            return false;
        }
        String name = "bridge " + chain.table() + " " + chain.name();
        return replayed.stream().anyMatch(r -> r.bridge() && r.chain().qualifiedName().equals(name));
    }

    /** Why a native base chain ({@code inet pkp_fw input}) is not replayed; empty for replayed or unknown chains. */
    public Optional<String> refusal(String qualifiedChain) {
        return Optional.ofNullable(refused.get(qualifiedChain));
    }

    /** The translated tables for one IP family (no table when no replayed chain sees that family). */
    public Ruleset ruleset(IpFamily family) {
        return family == IpFamily.V4 ? v4 : v6;
    }
}
