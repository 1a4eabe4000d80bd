package io.pktpath.core.netfilter;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An iptables or ip6tables ruleset compiled for replay: chains by (table, name), every rule's conditions turned into
 * evaluators once, jump and goto targets resolved, long kube-proxy-style chains indexed. Immutable after compilation
 * and safe to share; {@link #walk} is side-effect free except for appending to the context's sinks.
 */
public final class CompiledRuleset {
    private final IpFamily family;
    private final Map<String, Map<String, CompiledChain>> tables;
    private final List<String> diagnostics;
    private final boolean needsConntrack;
    /** The built-in chains of the kernel's tables by hook and table ({@link #tableIndex}), null where absent. */
    private final CompiledChain[] builtins;
    private static final String[] KERNEL_TABLES = {"raw", "mangle", "nat", "filter", "security"};

    private CompiledRuleset(IpFamily family, Map<String, Map<String, CompiledChain>> tables, List<String> diagnostics,
                            boolean needsConntrack) {
        this.family = family;
        this.tables = tables;
        this.diagnostics = List.copyOf(diagnostics);
        this.needsConntrack = needsConntrack;
        this.builtins = new CompiledChain[Hook.values().length * KERNEL_TABLES.length];
        for (Hook hook : Hook.values()) {
            for (int t = 0; t < KERNEL_TABLES.length; t++) {
                Map<String, CompiledChain> chains = tables.get(KERNEL_TABLES[t]);
                builtins[hook.ordinal() * KERNEL_TABLES.length + t] = chains == null ? null : chains.get(hook.name());
            }
        }
    }

    /** The position of a kernel table in {@link #KERNEL_TABLES}, -1 for any other name. */
    private static int tableIndex(String table) {
        return switch (table) {
            case "raw" -> 0;
            case "mangle" -> 1;
            case "nat" -> 2;
            case "filter" -> 3;
            case "security" -> 4;
            default -> -1;
        };
    }

    /** The chain named after {@code hook} in {@code table} (its built-in chain), or null (found without hashing). */
    private CompiledChain builtin(Hook hook, String table) {
        int t = tableIndex(table);
        if (t >= 0) {
            return builtins[hook.ordinal() * KERNEL_TABLES.length + t];
        }
        Map<String, CompiledChain> chains = tables.get(table);
        return chains == null ? null : chains.get(hook.name());
    }

    /** True if the table has the built-in chain of {@code hook}: {@code hasChain(table, hook.name())}, faster. */
    public boolean hasChain(Hook hook, String table) {
        return builtin(hook, table) != null;
    }

    /** Compiles a ruleset with chain indexes. */
    public static CompiledRuleset compile(Ruleset ruleset) {
        return compile(ruleset, true);
    }

    /**
     * Compiles an iptables-legacy ruleset walked beside the main one: walked by the kernel tables' names, its steps, hits
     * and results name each table {@code legacy <table>} ({@link LegacyTables}).
     */
    public static CompiledRuleset compileLegacy(Ruleset ruleset) {
        return compile(ruleset, true, LegacyTables.PREFIX);
    }

    /** Compiles a ruleset; {@code indexed = false} gives plain linear scans (the reference for the index). */
    public static CompiledRuleset compile(Ruleset ruleset, boolean indexed) {
        return compile(ruleset, indexed, "");
    }

    private static CompiledRuleset compile(Ruleset ruleset, boolean indexed, String label) {
        Map<String, Map<String, CompiledChain>> tables = new LinkedHashMap<>();
        List<String> diagnostics = new ArrayList<>();
        boolean conntrack = false;
        RuleNumbering numbering = new RuleNumbering();
        for (Table table : ruleset.tables()) {
            conntrack |= compileTable(ruleset.family(), table, label, indexed, tables, diagnostics, numbering);
        }
        diagnostics.sort(String::compareTo);
        return new CompiledRuleset(ruleset.family(), tables, diagnostics, conntrack);
    }

    /**
     * Compiles one table in a single pass over its rules (jump targets are resolved by chain number, so the rules are
     * not visited twice); true if some rule needs conntrack.
     */
    private static boolean compileTable(IpFamily family, Table table, String label, boolean indexed,
                                        Map<String, Map<String, CompiledChain>> tables, List<String> diagnostics,
                                        RuleNumbering numbering) {
        List<Chain> declared = table.chains();
        Map<String, Integer> numbers = new HashMap<>(declared.size() * 2);
        for (int i = 0; i < declared.size(); i++) {
            numbers.put(declared.get(i).name(), i);
        }
        CompiledChain[] compiled = new CompiledChain[declared.size()];
        List<CompiledRule> jumps = new ArrayList<>();
        List<Integer> jumpTargets = new ArrayList<>();
        boolean conntrack = false;
        for (int c = 0; c < declared.size(); c++) {
            Chain chain = declared.get(c);
            List<CompiledRule> rules = new ArrayList<>(chain.rules().size());
            for (Rule rule : chain.rules()) {
                RuleRef ref = new RuleRef(family.number(), label + table.name(), chain.name(), rule.position(), rule.span(),
                        rule.text());
                CompiledRule compiledRule = new CompiledRule(ref, numbering.add(ref),
                        MatchCompiler.compile(rule.matches()), rule.target());
                rules.add(compiledRule);
                conntrack = conntrack || ConntrackUse.needs(rule);
                if (!compiledRule.jumpName.isEmpty()) {
                    Integer target = numbers.get(compiledRule.jumpName);
                    if (target == null) {
                        diagnostics.add(ref.span() + ": " + ref.label() + " jumps to chain " + compiledRule.jumpName
                                + ", which the table " + table.name() + " does not declare");
                    } else {
                        jumps.add(compiledRule);
                        jumpTargets.add(target);
                    }
                }
            }
            compiled[c] = new CompiledChain(label + table.name(), chain.name(), chain.builtin(), chain.policy(), rules, indexed,
                    numbering);
        }
        Map<String, CompiledChain> chains = new HashMap<>(declared.size() * 2);
        for (int c = 0; c < declared.size(); c++) {
            chains.put(declared.get(c).name(), compiled[c]);
        }
        for (int j = 0; j < jumps.size(); j++) {
            // numbers holds a name's last declaration, the one chains keeps too
            jumps.get(j).link(compiled[jumpTargets.get(j)]);
        }
        tables.put(table.name(), chains);
        return conntrack;
    }

    /** A destination a packet had before a DNAT rule rewrote it. */
    public record DnatOrigin(IpAddress dst, int dport) {
    }

    /** Built on first use: DNAT origins by target (address, protocol, port; protocol 0 for a rule naming none). */
    private volatile Map<IndexKeys.Key, List<DnatOrigin>> dnatOrigins;

    /**
     * The destinations a packet of protocol {@code proto} may have had before a DNAT rule of the nat table rewrote it to
     * {@code to}:{@code port}: for each DNAT rule to that one address and port, the exact destination and port that the
     * first rule on the way to it from a built-in chain keys ({@link IndexKeys}: kube-proxy's KUBE-SERVICES rule of a
     * service that endpoint serves), or that the DNAT rule keys itself. In rule order, without repeats; empty when none.
     */
    public List<DnatOrigin> dnatOriginsOf(int proto, IpAddress to, int port) {
        Map<IndexKeys.Key, List<DnatOrigin>> byTarget = dnatOrigins;
        if (byTarget == null) {
            byTarget = buildDnatOrigins();
            dnatOrigins = byTarget;
        }
        List<DnatOrigin> exact = byTarget.getOrDefault(IndexKeys.Key.exact(to, proto, port), List.of());
        return exact.isEmpty() ? byTarget.getOrDefault(IndexKeys.Key.exact(to, 0, port), List.of()) : exact;
    }

    /** Built on first use: the DNAT targets of the nat table ({@link #mayDnatTo}). */
    private volatile DnatTargets dnatTargets;

    /**
     * Whether a DNAT rule of the nat table may rewrite the destination of a packet of protocol {@code proto} to
     * {@code to}:{@code port} ({@code port} -1 for a packet without ports): its range holds that address (or keeps the
     * address) and that port (or keeps the port).
     */
    public boolean mayDnatTo(int proto, IpAddress to, int port) {
        DnatTargets targets = dnatTargets;
        if (targets == null) {
            targets = DnatTargets.of(tables.getOrDefault("nat", Map.of()).values(), CompiledRuleset::protocolOf);
            dnatTargets = targets;
        }
        return targets.include(proto, to, port);
    }

    private Map<IndexKeys.Key, List<DnatOrigin>> buildDnatOrigins() {
        Map<CompiledChain, List<CompiledRule>> callers = new java.util.IdentityHashMap<>();
        Map<CompiledRule, CompiledChain> chainOf = new java.util.IdentityHashMap<>();
        List<CompiledRule> inOrder = new ArrayList<>();
        for (CompiledChain c : tables.getOrDefault("nat", Map.of()).values()) {
            for (CompiledRule r : c.rules) {
                chainOf.put(r, c);
                inOrder.add(r);
            }
        }
        // the dump's order, whatever the order of the chains' map
        inOrder.sort(java.util.Comparator.comparingInt(r -> r.number));
        for (CompiledRule r : inOrder) {
            if (r.jumpTo != null) {
                callers.computeIfAbsent(r.jumpTo, k -> new ArrayList<>()).add(r);
            }
        }
        Map<IndexKeys.Key, List<DnatOrigin>> out = new HashMap<>();
        for (CompiledRule r : inOrder) {
            if (!(r.target instanceof io.pktpath.parser.iptables.target.Dnat d)) {
                continue;
            }
            io.pktpath.parser.iptables.target.NatRange range = d.range();
            if (!DnatTargets.oneAddressAndPort(range)) {
                continue;
            }
            int proto = protocolOf(r);
            List<DnatOrigin> origins = out.computeIfAbsent(IndexKeys.Key.exact(range.from().get(), proto,
                    range.ports().get().from()), k -> new ArrayList<>());
            collectOrigins(r, proto, chainOf, callers, origins, new java.util.HashSet<>(), 0);
        }
        return out;
    }

    /** Adds the exact keys of {@code rule}, or else those of the rules that lead to its chain, to {@code into}. */
    private static void collectOrigins(CompiledRule rule, int proto, Map<CompiledRule, CompiledChain> chainOf,
                                       Map<CompiledChain, List<CompiledRule>> callers, List<DnatOrigin> into,
                                       java.util.Set<CompiledChain> seen, int depth) {
        List<IndexKeys.Key> keys = IndexKeys.of(rule);
        if (!keys.isEmpty() && !keys.get(0).anyDst() && !keys.get(0).destinationOnly()) {
            for (IndexKeys.Key k : keys) {
                if (proto == 0 || k.proto() == proto) {
                    DnatOrigin o = new DnatOrigin(new IpAddress(rule.ref.family() == 6 ? IpFamily.V6 : IpFamily.V4, k.hi(),
                            k.lo()), k.port());
                    if (!into.contains(o)) {
                        into.add(o);
                    }
                }
            }
            return;
        }
        CompiledChain chain = chainOf.get(rule);
        if (chain == null || depth >= Walker.MAX_DEPTH || !seen.add(chain)) {
            return;
        }
        for (CompiledRule caller : callers.getOrDefault(chain, List.of())) {
            collectOrigins(caller, proto, chainOf, callers, into, seen, depth + 1);
        }
    }

    /** The protocol a rule's non-negated {@code -p} names, 0 when it names none. */
    private static int protocolOf(CompiledRule rule) {
        for (MatchEvaluator m : rule.matches) {
            if (m instanceof ProtocolEvaluator p && p.number() > 0) {
                return p.number();
            }
        }
        return 0;
    }

    public IpFamily family() {
        return family;
    }

    /** Problems found while compiling (jumps to chains the dump lacks), sorted. */
    public List<String> diagnostics() {
        return diagnostics;
    }

    /**
     * True if some rule makes the kernel load conntrack (a NAT target, CONNMARK, CT/NOTRACK, or a conntrack, state or
     * connmark match); without one, conntrack stays off and the nat chains are never entered (semantics §2.1).
     */
    public boolean needsConntrack() {
        return needsConntrack;
    }

    /** True if the table has a chain of that name. */
    public boolean hasChain(String table, String chain) {
        Map<String, CompiledChain> chains = tables.get(table);
        return chains != null && chains.containsKey(chain);
    }

    /** A compiled chain (for tests and diagnostics inside the package). */
    Optional<CompiledChain> chain(String table, String name) {
        Map<String, CompiledChain> chains = tables.get(table);
        return chains == null ? Optional.empty() : Optional.ofNullable(chains.get(name));
    }

    /** The tables of the dump, in file order. */
    public List<String> tableNames() {
        return List.copyOf(tables.keySet());
    }

    /**
     * Walks {@code table}'s built-in chain for {@code hook} with this packet and ct: steps and misses go to the context's
     * sinks, everything else (verdict, changed packet and ct, NAT request, state updates, hits) into the result. A table
     * without that chain changes nothing and accepts.
     */
    public TableResult walk(Hook hook, String table, Packet packet, Optional<CtInfo> ct, WalkContext ctx) {
        CompiledChain chain = builtin(hook, table);
        if (chain == null) {
            return TableResult.absent(hook, table, packet, ct);
        }
        return Walker.walk(chain, hook, packet, ct, ctx, true);
    }

    /**
     * Walks a named chain of a table as if a built-in chain of {@code hook} had jumped to it (for dumps that hold only
     * kube-proxy's own chains); falling off it accepts, with no policy step.
     */
    public TableResult walkChain(Hook hook, String table, String chainName, Packet packet, Optional<CtInfo> ct,
                                 WalkContext ctx) {
        return walkNamed(hook, table, chainName, packet, ct, ctx, false);
    }

    /**
     * Walks a native nftables chain of type nat (a built-in chain of a table named after the nft table): as
     * {@link #walkChain}, and its NAT targets ask for a binding as iptables' nat table's do.
     */
    public TableResult walkNatChain(Hook hook, String table, String chainName, Packet packet, Optional<CtInfo> ct,
                                    WalkContext ctx) {
        return walkNamed(hook, table, chainName, packet, ct, ctx, true);
    }

    private TableResult walkNamed(Hook hook, String table, String chainName, Packet packet, Optional<CtInfo> ct,
                                  WalkContext ctx, boolean natChain) {
        Map<String, CompiledChain> chains = tables.get(table);
        CompiledChain chain = chains == null ? null : chains.get(chainName);
        if (chain == null) {
            return TableResult.absent(hook, table, packet, ct);
        }
        return Walker.walk(chain, hook, packet, ct, ctx, chain.builtin, natChain);
    }
}
