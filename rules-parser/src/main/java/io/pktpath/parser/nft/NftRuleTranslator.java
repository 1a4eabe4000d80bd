package io.pktpath.parser.nft;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.RejectWith;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates one rule of a native nftables filter chain into the iptables rule model, for one IP family, when it uses
 * only the replayed subset: {@code ip|ip6 saddr|daddr}, {@code tcp|udp sport|dport}, {@code meta l4proto},
 * {@code ip protocol}, {@code ip6 nexthdr}, {@code meta nfproto}, {@code iifname|oifname|iif|oif}, {@code ct state},
 * {@code ct status dnat|snat}, {@code meta mark} (also masked: {@code meta mark & 0x4000 == 0}), {@code icmp|icmpv6
 * type}, {@code th dport} after a protocol, {@code fib daddr|saddr type} (each with {@code !=} and anonymous or named
 * sets), verdict maps ({@code vmap { key : verdict }} and {@code vmap @map}, concatenated keys, {@code numgen random
 * mod N}: one rule per element), {@code counter}, {@code log}, {@code comment}, the statements {@code meta mark set}
 * ({@code MARK}), {@code dnat}, {@code snat}, {@code masquerade}, {@code redirect} ({@link NftNatStatement}), and the
 * verdicts accept, drop, reject, jump, goto and return. The
 * conditions are written as an iptables-save rule and read by {@link IptablesSaveParser}, so the compiler sees the
 * matches it knows; an anonymous set iptables cannot list in one rule becomes one rule per element, which only a rule
 * ending in a verdict allows.
 */
public final class NftRuleTranslator {
    private static final Set<String> LOG_OPTIONS = Set.of("prefix", "level", "flags", "group", "snaplen",
            "queue-threshold");
    private static final Set<String> CT_STATES = Set.of("new", "established", "related", "invalid", "untracked");
    /** The ct status bits that xt_conntrack's virtual states express exactly. */
    private static final Set<String> CT_NAT_STATUS = Set.of("dnat", "snat");
    private static final Map<String, String> ICMPV6_NAMES = Map.of("nd-neighbor-solicit", "neighbour-solicitation",
            "nd-neighbor-advert", "neighbour-advertisement", "nd-router-solicit", "router-solicitation",
            "nd-router-advert", "router-advertisement", "nd-redirect", "redirect");
    private static final Map<String, String> ICMPX_V4 = Map.of("port-unreachable", "icmp-port-unreachable",
            "admin-prohibited", "icmp-admin-prohibited", "host-unreachable", "icmp-host-unreachable",
            "no-route", "icmp-net-unreachable");
    private static final Map<String, String> ICMPX_V6 = Map.of("port-unreachable", "icmp6-port-unreachable",
            "admin-prohibited", "icmp6-adm-prohibited", "host-unreachable", "icmp6-addr-unreachable",
            "no-route", "icmp6-no-route");
    private static final int MULTIPORT_MAX = 15;

    /** What became of a rule: iptables rules (none when it can never match this family), or why it was refused. */
    public sealed interface Outcome permits Translated, Refused {
    }

    /** The rule as iptables rules, in order: one, several (one per element of a set), or none. */
    public record Translated(List<Rule> rules) implements Outcome {
        public Translated {
            rules = List.copyOf(rules);
        }
    }

    /** The rule uses something outside the replayed subset: {@code reason} says what. */
    public record Refused(String reason) implements Outcome {
    }

    private final NftTable table;
    private final IpFamily family;
    private final List<String> fixed = new ArrayList<>();
    private final List<String> tail = new ArrayList<>();
    private List<String> alternatives;
    private String protocol;
    /** The protocol is one of several ({@code meta l4proto { icmp, ipv6-icmp }}), held as the alternatives. */
    private boolean protocolAlternatives;
    private boolean never;
    private Target target = new NoTarget();
    /** A statement's iptables target ({@code -j DNAT --to-destination ...}, {@code -j MARK --or-mark ...}), if any. */
    private String targetArgs;
    /** Why the word read last is refused, when more can be said than "not in the replayed subset". */
    private String why;

    private NftRuleTranslator(NftTable table, IpFamily family) {
        this.table = table;
        this.family = family;
    }

    /**
     * Translates {@code rule}, the {@code position}-th (1-based) of chain {@code chain} of {@code table}, for
     * {@code family}; the rules it gives are named after the table's qualified name ({@code inet pkp_fw}) and carry the
     * rule's nft text and its line in {@code file}.
     */
    public static Outcome translate(NftTable table, String chain, int position, NftRule rule, String file,
                                    IpFamily family) {
        List<String> words = NftRuleTokens.split(rule.text());
        int vmap = words.indexOf("vmap");
        if (vmap >= 0) {
            return verdictMap(table, chain, position, rule, file, family, words, vmap);
        }
        return translateWords(table, chain, position, rule, file, family, words, null);
    }

    /**
     * A verdict map {@code selector vmap { key : verdict, ... }} (or {@code vmap @map}): one rule per element, the
     * selector matching the element's key and ending in its verdict (the keys are disjoint, so their order does not
     * matter; no key matched continues with the next rule, as the kernel does); {@code continue} elements add no rule.
     * A concatenated key ({@code ip daddr . meta l4proto . th dport}) matches each part with its selector
     * ({@link NftConcatenation}); a {@code numgen random mod N} key is a random draw ({@link NftNumgen}); a named map
     * printed without elements in a listing that prints other sets' elements is empty.
     */
    private static Outcome verdictMap(NftTable table, String chain, int position, NftRule rule, String file,
                                      IpFamily family, List<String> words, int vmap) {
        if (vmap + 1 >= words.size()) {
            return new Refused("'vmap' lacks its map");
        }
        String map = words.get(vmap + 1);
        List<String> elements;
        if (map.startsWith("@")) {
            Optional<NftSet> named = table.sets().stream()
                    .filter(s -> s.kind().equals("map") && s.name().equals(map.substring(1))).findFirst();
            if (named.isEmpty()) {
                return new Refused("the verdict map " + map + " is not in table " + table.qualifiedName());
            }
            if (named.get().values().isEmpty()) {
                // nft list ruleset prints every element; a listing that shows other sets' elements is not terse (-t),
                // so a map printed without elements is empty and no key matches
                if (table.sets().stream().anyMatch(s -> !s.values().isEmpty())) {
                    return new Translated(List.of());
                }
                return new Refused("the verdict map " + map + " lists no elements in table " + table.qualifiedName());
            }
            elements = named.get().values();
        } else if (NftRuleTokens.isSet(map)) {
            elements = NftRuleTokens.elements(map);
        } else {
            return new Refused("'vmap " + map + "' is neither { key : verdict, ... } nor @map");
        }
        if (vmap >= 4 && words.get(vmap - 4).equals("numgen")) {
            return NftNumgen.translate(words, vmap, elements, (one, statistic) -> translateWords(table, chain, position,
                    rule, file, family, one, statistic));
        }
        List<List<String>> keys = NftConcatenation.selectors(words, vmap);
        int selectorStart = vmap - keys.stream().mapToInt(List::size).sum() - (keys.size() - 1);
        List<Rule> out = new ArrayList<>();
        for (String element : elements) {
            int colon = element.lastIndexOf(" : ");
            if (colon < 0) {
                return new Refused("the verdict map element '" + element + "' is not 'key : verdict'");
            }
            List<String> verdict = List.of(element.substring(colon + 3).strip().split("\\s+"));
            if (verdict.equals(List.of("continue"))) {
                continue;
            }
            List<String> key = NftConcatenation.parts(element.substring(0, colon));
            if (key.size() != keys.size()) {
                return new Refused("the verdict map element '" + element + "' has " + key.size() + " parts for "
                        + keys.size() + " selectors");
            }
            List<String> one = new ArrayList<>(words.subList(0, selectorStart));
            for (int k = 0; k < keys.size(); k++) {
                one.addAll(keys.get(k));
                one.add(key.get(k));
            }
            one.addAll(verdict);
            one.addAll(words.subList(vmap + 2, words.size()));
            Outcome o = translateWords(table, chain, position, rule, file, family, one, null);
            if (o instanceof Refused r) {
                return new Refused("the verdict map element '" + element + "': " + r.reason());
            }
            out.addAll(((Translated) o).rules());
        }
        return new Translated(out);
    }

    /**
     * The words with each named set {@code @name} replaced by its elements as an anonymous set; empty with the reason
     * when a named set is missing, lists no elements, or holds concatenations.
     */
    private static Optional<String> resolveSets(NftTable table, List<String> words, List<String> into) {
        for (String w : words) {
            if (!w.startsWith("@")) {
                into.add(w);
                continue;
            }
            Optional<NftSet> named = table.sets().stream()
                    .filter(s -> s.kind().equals("set") && s.name().equals(w.substring(1))).findFirst();
            if (named.isEmpty()) {
                return Optional.of("the named set " + w + " is not in table " + table.qualifiedName());
            }
            List<String> values = named.get().values();
            if (values.isEmpty()) {
                return Optional.of("the named set " + w + " lists no elements");
            }
            if (values.stream().anyMatch(v -> v.contains(" . "))) {
                return Optional.of("the named set " + w + " holds concatenations");
            }
            if (values.stream().anyMatch(v -> v.matches(".*\\s(timeout|expires)\\s.*"))) {
                return Optional.of("the named set " + w + " is dynamic (its elements time out: the listing is a"
                        + " snapshot, not what the packets met)");
            }
            into.add("{ " + String.join(", ", values) + " }");
        }
        return Optional.empty();
    }

    /**
     * Translates the words of a rule ({@code statistic}: an iptables statistic match the rule gets too, for one
     * element of a {@code numgen random} map, or null).
     */
    private static Outcome translateWords(NftTable table, String chain, int position, NftRule rule, String file,
                                          IpFamily family, List<String> raw, String statistic) {
        List<String> words = new ArrayList<>(raw.size());
        Optional<String> unresolved = resolveSets(table, raw, words);
        if (unresolved.isPresent()) {
            return new Refused(unresolved.get());
        }
        NftRuleTranslator t = new NftRuleTranslator(table, family);
        if (statistic != null) {
            t.tail.add(statistic);
        }
        Optional<String> refused = t.read(words);
        if (refused.isPresent()) {
            return new Refused(refused.get());
        }
        if (t.never) {
            return new Translated(List.of());
        }
        boolean natTarget = t.targetArgs != null && !t.targetArgs.startsWith("-j MARK");
        if (t.alternatives != null && !natTarget && !(t.target instanceof Accept || t.target instanceof Drop
                || t.target instanceof Reject || t.target instanceof Return || t.target instanceof Goto)) {
            return new Refused("a set iptables cannot list in one rule needs a verdict (accept, drop, reject,"
                    + " return, goto) or a NAT statement after it");
        }
        List<String> variants = t.alternatives == null ? List.of("") : t.alternatives;
        List<Rule> out = new ArrayList<>(variants.size());
        for (String variant : variants) {
            Optional<Rule> parsed = t.parsed(variant);
            if (parsed.isEmpty()) {
                return new Refused("its conditions are not valid as iptables matches ("
                        + String.join(" ", t.args(variant)) + ")");
            }
            Target made = t.targetArgs != null ? parsed.get().target() : t.target;
            out.add(new Rule(table.qualifiedName(), chain, position, SourceSpan.line(file, rule.line()), rule.text(),
                    parsed.get().matches(), made, Optional.empty(), Optional.empty(), Optional.empty()));
        }
        return new Translated(out);
    }

    private List<String> args(String variant) {
        List<String> all = new ArrayList<>();
        if (protocol != null) {
            all.add("-p " + protocol);
        }
        all.addAll(fixed);
        if (!variant.isEmpty()) {
            all.add(variant);
        }
        all.addAll(tail);
        return all;
    }

    /** The variant's conditions (and the statement's target, if any) as iptables-save reads them. */
    private Optional<Rule> parsed(String variant) {
        String tableName = targetArgs != null && !targetArgs.startsWith("-j MARK") ? "nat" : "filter";
        String text = "*" + tableName + "\n:PKP - [0:0]\n-A PKP " + String.join(" ", args(variant))
                + (targetArgs == null ? "" : " " + targetArgs) + "\nCOMMIT\n";
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("nft", text, family);
        if (parsed.diagnostics().stream().anyMatch(Diagnostic::isError)) {
            return Optional.empty();
        }
        List<Rule> rules = parsed.value().table(tableName).flatMap(tb -> tb.chain("PKP")).map(Chain::rules)
                .orElse(List.of());
        return rules.size() == 1 ? Optional.of(rules.get(0)) : Optional.empty();
    }

    /** Reads the words; empty when every one is understood, else what is not. */
    private Optional<String> read(List<String> w) {
        int i = 0;
        while (i < w.size()) {
            String word = w.get(i);
            int before = i;
            i = switch (word) {
                case "ip", "ip6" -> ipHeader(w, i);
                case "tcp", "udp" -> ports(w, i);
                case "meta" -> meta(w, i + 1);
                case "iifname", "oifname", "iif", "oif" -> iface(w, i);
                case "ct" -> ct(w, i);
                case "mark" -> mark(w, i + 1);
                case "icmp", "icmpv6" -> icmp(w, i);
                case "counter" -> counter(w, i + 1);
                case "log" -> log(w, i + 1);
                case "comment" -> i + 2;
                case "dnat", "snat", "masquerade", "redirect" -> natStatement(w, i);
                case "th" -> transportHeader(w, i);
                case "fib" -> fib(w, i);
                default -> verdict(w, i);
            };
            if (i < 0) {
                return Optional.of(why != null ? why : "'" + String.join(" ", w.subList(before, Math.min(w.size(),
                        before + 3))) + "' is not in the replayed subset");
            }
            if (i > w.size()) {
                return Optional.of("'" + word + "' lacks its value");
            }
        }
        return Optional.empty();
    }

    /** The operator after a selector: {@code !=} (true), {@code ==} or none (false); null for any other. */
    private static Boolean negation(List<String> w, int at) {
        if (at >= w.size()) {
            return null;
        }
        return switch (w.get(at)) {
            case "!=" -> true;
            case "==" -> false;
            case "<", ">", "<=", ">=", "&", "|", "set" -> null;
            default -> false;
        };
    }

    /**
     * Where the value after a selector's words stands (past an {@code ==} or {@code !=} at {@code at}): -1 for an
     * operator outside the subset, {@code w.size() + 1} when the rule ends before a value.
     */
    private static int operand(List<String> w, int at) {
        if (negation(w, at) == null) {
            return -1;
        }
        int v = valueAt(w, at);
        return v >= w.size() ? w.size() + 1 : v;
    }

    private static int valueAt(List<String> w, int at) {
        return at < w.size() && (w.get(at).equals("!=") || w.get(at).equals("==")) ? at + 1 : at;
    }

    private boolean onlyFamily(IpFamily f) {
        if (family != f) {
            never = true;
        }
        return true;
    }

    private int ipHeader(List<String> w, int i) {
        if (i + 2 >= w.size()) {
            return -1;
        }
        IpFamily f = w.get(i).equals("ip") ? IpFamily.V4 : IpFamily.V6;
        String field = w.get(i + 1);
        int v = operand(w, i + 2);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        onlyFamily(f);
        String value = w.get(v);
        switch (field) {
            case "saddr", "daddr" -> {
                if (!condition("", field.equals("saddr") ? "-s " : "-d ", neg, NftRuleTokens.elements(value), false)) {
                    return -1;
                }
            }
            case "protocol", "nexthdr" -> {
                if (!protocol(neg, value)) {
                    return -1;
                }
            }
            default -> {
                return -1;
            }
        }
        return v + 1;
    }

    /**
     * Adds {@code module option value} for one element (negated: {@code module ! option value}); several elements become
     * alternatives (refused when negated or when there already are alternatives).
     */
    private boolean condition(String module, String option, boolean neg, List<String> elements, boolean toTail) {
        if (elements.isEmpty() || elements.stream().anyMatch(e -> e.startsWith("@") || e.startsWith("$"))) {
            return false;
        }
        String prefix = module + (neg ? "! " : "") + option;
        if (elements.size() == 1) {
            (toTail ? tail : fixed).add(prefix + elements.get(0));
            return true;
        }
        if (neg || alternatives != null) {
            return false;
        }
        alternatives = elements.stream().map(e -> prefix + e).toList();
        return true;
    }

    private boolean protocol(boolean neg, String value) {
        List<String> elements = NftRuleTokens.elements(value);
        if (elements.size() > 1 && !neg && protocol == null && alternatives == null) {
            alternatives = elements.stream().map(e -> "-p " + (e.equals("icmpv6") ? "ipv6-icmp" : e)).toList();
            protocolAlternatives = true;
            return true;
        }
        if (elements.size() != 1 || elements.get(0).startsWith("@") || protocolAlternatives) {
            return false;
        }
        String name = elements.get(0).equals("icmpv6") ? "ipv6-icmp" : elements.get(0);
        if (neg) {
            fixed.add("! -p " + name);
            return true;
        }
        if (protocol != null && !protocol.equals(name)) {
            never = true;
        }
        protocol = name;
        return true;
    }

    private int ports(List<String> w, int i) {
        return ports(w, i, w.get(i));
    }

    /**
     * {@code th dport N} (transport header, any protocol with ports): the rule's protocol ({@code meta l4proto tcp}
     * before it) says which; without one it is refused, as iptables' port matches need {@code -p}.
     */
    private int transportHeader(List<String> w, int i) {
        if (protocol == null || protocolAlternatives || !Set.of("tcp", "udp", "sctp", "dccp").contains(protocol)) {
            why = "'th " + (i + 1 < w.size() ? w.get(i + 1) : "") + "' needs one protocol with ports before it"
                    + " (meta l4proto tcp)";
            return -1;
        }
        return ports(w, i, protocol);
    }

    private int ports(List<String> w, int i, String proto) {
        if (i + 2 >= w.size()) {
            return -1;
        }
        String field = w.get(i + 1);
        if (protocolAlternatives || !field.equals("dport") && !field.equals("sport")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        if (protocol != null && !protocol.equals(proto)) {
            never = true;
        }
        protocol = proto;
        List<String> elements = NftRuleTokens.elements(w.get(v)).stream().map(e -> e.replace('-', ':')).toList();
        if (elements.isEmpty() || elements.stream().anyMatch(e -> !e.matches("\\d+(:\\d+)?"))) {
            return -1;
        }
        int slots = elements.stream().mapToInt(e -> e.contains(":") ? 2 : 1).sum();
        boolean ok;
        if (elements.size() > 1 && slots <= MULTIPORT_MAX) {
            ok = condition("-m multiport ", "--" + field + "s ", neg, List.of(String.join(",", elements)), true);
        } else {
            ok = condition("-m " + proto + " ", "--" + field + " ", neg, elements, true);
        }
        return ok ? v + 1 : -1;
    }

    private int meta(List<String> w, int i) {
        if (i + 1 >= w.size()) {
            return -1;
        }
        String key = w.get(i);
        if (key.equals("mark")) {
            return mark(w, i + 1);
        }
        int v = operand(w, i + 1);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        String value = w.get(v);
        switch (key) {
            case "l4proto" -> {
                if (!protocol(neg, value)) {
                    return -1;
                }
            }
            case "nfproto" -> {
                List<String> e = NftRuleTokens.elements(value);
                if (e.size() != 1 || !(e.get(0).equals("ipv4") || e.get(0).equals("ipv6"))) {
                    return -1;
                }
                boolean isV4 = e.get(0).equals("ipv4");
                if ((family == IpFamily.V4) == isV4 == neg) {
                    never = true;
                }
            }
            case "mark" -> {
                return mark(w, i + 1);
            }
            case "iifname", "oifname", "iif", "oif" -> {
                return iface(w, i);
            }
            default -> {
                return -1;
            }
        }
        return v + 1;
    }

    private int iface(List<String> w, int i) {
        boolean in = w.get(i).startsWith("i");
        int v = operand(w, i + 1);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        List<String> names = new ArrayList<>();
        for (String e : NftRuleTokens.elements(w.get(v))) {
            String name = e.replace("\"", "");
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1) + "+";
            }
            if (name.isEmpty() || name.contains("*") || name.contains("\\") || !name.matches("[\\w.@:+-]+")) {
                return -1;
            }
            names.add(name);
        }
        return condition("", in ? "-i " : "-o ", neg, names, false) ? v + 1 : -1;
    }

    private int ct(List<String> w, int i) {
        if (i + 2 < w.size() && w.get(i + 1).equals("status")) {
            return ctStatus(w, i);
        }
        if (i + 2 >= w.size() || !w.get(i + 1).equals("state")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        List<String> states = NftRuleTokens.elements(w.get(v));
        if (states.isEmpty() || !CT_STATES.containsAll(states)) {
            return -1;
        }
        String list = String.join(",", states.stream().map(s -> s.toUpperCase(java.util.Locale.ROOT)).toList());
        tail.add("-m conntrack " + (neg ? "! " : "") + "--ctstate " + list);
        return v + 1;
    }

    /**
     * {@code ct status dnat} (or {@code snat}, or both as a list): the ct's IPS_DST_NAT / IPS_SRC_NAT bit, which is
     * what xt_conntrack's DNAT and SNAT states test, so {@code -m conntrack --ctstate DNAT}. Without a ct neither
     * matches (nft's expression breaks, xt_conntrack has only INVALID or UNTRACKED). Other status bits, and
     * {@code !=} (which nft's break makes false without a ct, where iptables' negation is true), stay outside the
     * subset.
     */
    private int ctStatus(List<String> w, int i) {
        if (w.get(i + 2).equals("!=")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (v < 0 || v > w.size()) {
            return v;
        }
        List<String> bits = NftRuleTokens.elements(w.get(v));
        if (bits.isEmpty() || !CT_NAT_STATUS.containsAll(bits)) {
            return -1;
        }
        tail.add("-m conntrack --ctstate " + String.join(",",
                bits.stream().distinct().map(b -> b.toUpperCase(java.util.Locale.ROOT)).toList()));
        return v + 1;
    }

    private int mark(List<String> w, int i) {
        if (i < w.size() && w.get(i).equals("set")) {
            return markSet(w, i + 1);
        }
        if (i < w.size() && (w.get(i).equals("&") || w.get(i).equals("and"))) {
            return maskedMark(w, i + 1);
        }
        int v = operand(w, i);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i).equals("!=");
        String value = w.get(v);
        if (!value.matches("0x[0-9a-fA-F]{1,8}|\\d{1,10}")) {
            return -1;
        }
        tail.add("-m mark " + (neg ? "! " : "") + "--mark " + value);
        return v + 1;
    }

    private static final String MARK_VALUE = "0x[0-9a-fA-F]{1,8}|\\d{1,10}";

    /**
     * {@code meta mark set VALUE}, or {@code meta mark set meta mark | V} ({@code or}, {@code ^}/{@code xor},
     * {@code &}/{@code and}; {@code mark set mark or V} as written): the MARK target, which does not end the rule.
     */
    private int markSet(List<String> w, int i) {
        if (!(target instanceof NoTarget) || targetArgs != null) {
            return -1;
        }
        if (i < w.size() && w.get(i).matches(MARK_VALUE)) {
            targetArgs = "-j MARK --set-xmark " + w.get(i) + "/0xffffffff";
            return i + 1;
        }
        int at = i < w.size() && w.get(i).equals("meta") ? i + 1 : i;
        if (at + 2 >= w.size() || !w.get(at).equals("mark") || !w.get(at + 2).matches(MARK_VALUE)) {
            return -1;
        }
        String op = switch (w.get(at + 1)) {
            case "|", "or" -> "--or-mark ";
            case "^", "xor" -> "--xor-mark ";
            case "&", "and" -> "--and-mark ";
            default -> null;
        };
        if (op == null) {
            return -1;
        }
        targetArgs = "-j MARK " + op + w.get(at + 2);
        return at + 3;
    }

    /** {@code meta mark & MASK == VALUE} (or {@code !=}, or {@code mark and MASK == VALUE}): {@code -m mark --mark V/M}. */
    private int maskedMark(List<String> w, int i) {
        if (i >= w.size() || !w.get(i).matches(MARK_VALUE)) {
            return -1;
        }
        String mask = w.get(i);
        int v = operand(w, i + 1);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        if (!w.get(v).matches(MARK_VALUE)) {
            return -1;
        }
        tail.add("-m mark " + (neg ? "! " : "") + "--mark " + w.get(v) + "/" + mask);
        return v + 1;
    }

    /** A NAT statement ({@link NftNatStatement}); the rule's only statement or verdict. */
    private int natStatement(List<String> w, int i) {
        if (!(target instanceof NoTarget) || targetArgs != null) {
            return -1;
        }
        NftNatStatement.Outcome o = NftNatStatement.read(w, i, protocol);
        if (o instanceof NftNatStatement.Refusal r) {
            why = r.reason();
            return -1;
        }
        NftNatStatement.Read read = (NftNatStatement.Read) o;
        read.family().ifPresent(this::onlyFamily);
        targetArgs = read.target();
        return read.next();
    }

    /**
     * {@code fib daddr type local} (or {@code saddr}, {@code !=}, another address type): the routing lookup of the
     * address's type, which is what {@code -m addrtype --dst-type LOCAL} asks; other fib lookups are refused.
     */
    private int fib(List<String> w, int i) {
        if (i + 3 >= w.size() || !(w.get(i + 1).equals("daddr") || w.get(i + 1).equals("saddr"))
                || !w.get(i + 2).equals("type")) {
            return -1;
        }
        int v = operand(w, i + 3);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 3).equals("!=");
        List<String> types = NftRuleTokens.elements(w.get(v));
        if (types.isEmpty() || !ADDRESS_TYPES.containsAll(types)) {
            return -1;
        }
        fixed.add("-m addrtype " + (neg ? "! " : "") + (w.get(i + 1).equals("daddr") ? "--dst-type " : "--src-type ")
                + String.join(",", types.stream().map(t -> t.toUpperCase(java.util.Locale.ROOT)).toList()));
        return v + 1;
    }

    private static final Set<String> ADDRESS_TYPES = Set.of("unspec", "unicast", "local", "broadcast", "anycast",
            "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve");

    private int icmp(List<String> w, int i) {
        boolean v6 = w.get(i).equals("icmpv6");
        if (i + 2 >= w.size() || !w.get(i + 1).equals("type")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (v < 0 || v > w.size()) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        if (protocolAlternatives) {
            return -1;
        }
        onlyFamily(v6 ? IpFamily.V6 : IpFamily.V4);
        String proto = v6 ? "ipv6-icmp" : "icmp";
        if (protocol != null && !protocol.equals(proto)) {
            never = true;
        }
        protocol = proto;
        List<String> types = NftRuleTokens.elements(w.get(v)).stream()
                .map(t -> v6 ? ICMPV6_NAMES.getOrDefault(t, t) : t).toList();
        boolean ok = condition(v6 ? "-m icmp6 " : "-m icmp ", v6 ? "--icmpv6-type " : "--icmp-type ", neg, types, true);
        return ok ? v + 1 : -1;
    }

    private static int counter(List<String> w, int i) {
        if (i + 3 < w.size() && w.get(i).equals("packets") && w.get(i + 2).equals("bytes")) {
            return i + 4;
        }
        return i;
    }

    private static int log(List<String> w, int i) {
        int at = i;
        while (at + 1 < w.size() && LOG_OPTIONS.contains(w.get(at))) {
            at += 2;
        }
        return at;
    }

    private int verdict(List<String> w, int i) {
        if (!(target instanceof NoTarget) || targetArgs != null) {
            return -1;
        }
        String word = w.get(i);
        switch (word) {
            case "accept" -> target = new Accept();
            case "drop" -> target = new Drop();
            case "return" -> target = new Return();
            case "jump", "goto" -> {
                if (i + 1 >= w.size()) {
                    return w.size() + 1;
                }
                String chain = w.get(i + 1).replace("\"", "");
                if (table.chain(chain).isEmpty()) {
                    return -1;
                }
                target = word.equals("jump") ? new Jump(chain) : new Goto(chain);
                return i + 2;
            }
            case "reject" -> {
                return reject(w, i + 1);
            }
            default -> {
                return -1;
            }
        }
        return i + 1;
    }

    private int reject(List<String> w, int i) {
        if (i >= w.size() || !w.get(i).equals("with")) {
            target = new Reject(RejectWith.defaultFor(family), false);
            return i;
        }
        if (i + 2 < w.size() && w.get(i + 1).equals("tcp") && w.get(i + 2).equals("reset")) {
            target = new Reject(RejectWith.TCP_RESET, true);
            if (protocol == null || !protocol.equals("tcp")) {
                return -1;
            }
            return i + 3;
        }
        // nft 1.0 prints "reject with icmpx admin-prohibited", older releases "reject with icmpx type admin-prohibited"
        boolean typed = i + 2 < w.size() && w.get(i + 2).equals("type");
        int typeAt = typed ? i + 3 : i + 2;
        if (typeAt >= w.size()) {
            return -1;
        }
        String kind = w.get(i + 1);
        String type = w.get(typeAt);
        String printed = switch (kind) {
            case "icmpx" -> (family == IpFamily.V4 ? ICMPX_V4 : ICMPX_V6).get(type);
            case "icmp" -> "icmp-" + (type.equals("prot-unreachable") ? "proto-unreachable" : type);
            case "icmpv6" -> "icmp6-" + (type.equals("admin-prohibited") ? "adm-prohibited" : type);
            default -> null;
        };
        if (kind.equals("icmp") || kind.equals("icmpv6")) {
            onlyFamily(kind.equals("icmp") ? IpFamily.V4 : IpFamily.V6);
        }
        Optional<RejectWith> with = printed == null ? Optional.empty() : parseReject(printed);
        if (with.isEmpty()) {
            return -1;
        }
        target = new Reject(with.get(), true);
        return typeAt + 1;
    }

    private static Optional<RejectWith> parseReject(String printed) {
        for (RejectWith r : RejectWith.values()) {
            if (r.printed().equals(printed)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
