package io.pktpath.parser.nft;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.IptablesRuleReader;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.NumgenMatch;
import io.pktpath.parser.iptables.match.StatisticMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Accept;
import io.pktpath.parser.iptables.target.Connmark;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.iptables.target.Goto;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Reject;
import io.pktpath.parser.iptables.target.Return;
import io.pktpath.parser.iptables.target.StatementVerdict;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The iptables-save rule one native nft rule is being written as, while {@link NftSelectors} and {@link NftStatements}
 * read its words: {@code -p PROTO}, the matches before and after the one that has alternatives (an anonymous set
 * iptables cannot list in one rule: one rule per element), the verdict or statement target (a set statement, a mark or a
 * {@code ct mark set} followed by a verdict, or a {@code ct mark set} followed by a NAT statement: both, as a
 * {@link StatementVerdict}), its {@code limit}, {@code quota} and {@code ct count} expressions (placed among the
 * matches where the rule reads them, as the kernel evaluates a rule's expressions in order), and whether the rule can
 * never match this family. One draft
 * serves one translation and is then dropped.
 */
final class NftRuleDraft {
    private final NftTable table;
    private final IpFamily family;
    private final String chain;
    private final int position;
    private final SourceSpan span;
    private final String text;
    private final List<String> fixed = new ArrayList<>();
    private final List<String> tail = new ArrayList<>();
    private List<String> alternatives;
    private String protocol;
    /** The protocol is one of several ({@code meta l4proto { icmp, ipv6-icmp }}), held as the alternatives. */
    private boolean protocolAlternatives;
    private boolean never;
    private Target target = new NoTarget();
    /** A statement's iptables target ({@code -j DNAT --to-destination ...}, {@code -j MARK --or-mark ...}), if any. */
    private String statement;
    /** A {@code ct mark set} ({@code CONNMARK}) run before the rule's verdict or NAT statement, if any. */
    private Target ctMarkStatement;
    /** The {@code numgen} draw of the map element this draft is, if any: its statistic match is named as nft does. */
    private NftNumgen.Draw draw;
    /** Why the word read last is refused, when more can be said than "not in the replayed subset". */
    private String why;
    /** The rule's {@code limit}, {@code quota} and {@code ct count} expressions, in order: its last matches. */
    private final List<Match> stateful = new ArrayList<>(1);
    /** Counts the conditions added or changed. */
    private int conditionChanges;
    /** Where each stateful expression stands: how many fixed and tail matches were read before it. */
    private final List<int[]> statefulAt = new ArrayList<>(1);
    /**
     * A condition read after a stateful expression that cannot follow it in the rule's matches (a protocol or family
     * the iptables form tests first, a set of values), as its kind; null when none was.
     */
    private String misplaced;
    /** The rule named its family ({@code ip saddr}, {@code ip6 daddr}): nft tests it there, once. */
    private boolean familyNamed;
    private final IptablesRuleReader reader;

    /**
     * A draft of the rule {@code text}, the {@code position}-th of {@code chain} of {@code table}, at {@code span}, whose
     * iptables form is read back by {@code reader} (of {@code family}).
     */
    NftRuleDraft(NftTable table, IpFamily family, String chain, int position, SourceSpan span, String text,
                 IptablesRuleReader reader) {
        this.reader = reader;
        this.table = table;
        this.family = family;
        this.chain = chain;
        this.position = position;
        this.span = span;
        this.text = text;
    }

    NftTable table() {
        return table;
    }

    IpFamily family() {
        return family;
    }

    /** The rule's one protocol so far ({@code tcp}, {@code ipv6-icmp}); null when none or one of several. */
    String protocol() {
        return protocol;
    }

    /** The protocol is one of several, held as the alternatives: no other alternatives and no port test may follow. */
    boolean hasProtocolAlternatives() {
        return protocolAlternatives;
    }

    boolean hasAlternatives() {
        return alternatives != null;
    }

    /** The rule can never match this family (it names the other one, or two protocols). */
    void neverMatches() {
        misplace("a family or protocol test");
        conditionChanges++;
        never = true;
    }

    /** The rule applies only to family {@code f}: for the other it never matches. */
    void onlyFamily(IpFamily f) {
        if (family != f || (table.family() == NftFamily.INET || table.family() == NftFamily.NETDEV
                || table.family() == NftFamily.BRIDGE) && !familyNamed) {
            // an inet (netdev) table tests the family (nft's meta nfproto / meta protocol dependency) where the rule
            // first names it
            misplace("a family test");
        }
        familyNamed = true;
        if (family != f) {
            conditionChanges++;
            never = true;
        }
    }

    /** The rule matches protocol {@code name} only; a different protocol named before means it never matches. */
    void protocolIs(String name) {
        if (!name.equals(protocol)) {
            misplace("a protocol test");
        }
        conditionChanges++;
        if (protocol != null && !protocol.equals(name)) {
            never = true;
        }
        protocol = name;
    }

    /** The rule matches one of these protocols ({@code -p icmp}, {@code -p ipv6-icmp}), one rule each. */
    void protocolOneOf(List<String> options) {
        misplace("a set of protocols");
        conditionChanges++;
        alternatives = List.copyOf(options);
        protocolAlternatives = true;
    }

    /**
     * Gives each protocol alternative ({@code -p tcp}, {@code -p udp}) its own port match, {@code match} of the protocol
     * ({@code th dport 53} after {@code meta l4proto { tcp, udp }}); false, changing nothing, when the alternatives are
     * not protocols or one of them is not in {@code withPorts}.
     */
    boolean portsForEachProtocol(Set<String> withPorts, Function<String, String> match) {
        if (!protocolAlternatives) {
            return false;
        }
        List<String> each = new ArrayList<>(alternatives.size());
        for (String alternative : alternatives) {
            String proto = alternative.startsWith("-p ") ? alternative.substring(3) : "";
            if (!withPorts.contains(proto)) {
                return false;
            }
            each.add(alternative + " " + match.apply(proto));
        }
        alternatives = List.copyOf(each);
        misplace("a set of values");
        conditionChanges++;
        return true;
    }

    /** A match written after {@code -p}, before the alternatives. */
    void addFixed(String match) {
        conditionChanges++;
        fixed.add(match);
    }

    /** The random draw of a {@code numgen} map element: its statistic match, after the alternatives, named by nft. */
    void draw(NftNumgen.Draw d) {
        tail.add(d.statistic());
        draw = d;
    }

    /** A match written after the alternatives. */
    void addTail(String match) {
        conditionChanges++;
        tail.add(match);
    }

    /**
     * Adds {@code module option value} for one element (negated: {@code module ! option value}), to the tail or the
     * fixed matches; several elements become alternatives (refused when there already are alternatives). Several
     * negated elements of a basic option ({@code ip saddr != { a, b }}: kube-proxy's loadBalancerSourceRanges) are
     * each negated and all required ({@code ! -s a ! -s b}), which is what the kernel's lookup of the anonymous set
     * does; negated elements of a module option are refused.
     */
    boolean condition(String module, String option, boolean neg, List<String> elements, boolean toTail) {
        if (elements.isEmpty()) {
            return false;
        }
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i).startsWith("@") || elements.get(i).startsWith("$")) {
                return false;
            }
        }
        String prefix = module + (neg ? "! " : "") + option;
        conditionChanges++;
        if (elements.size() == 1) {
            (toTail ? tail : fixed).add(prefix + elements.get(0));
            return true;
        }
        if (neg && module.isEmpty()) {
            elements.forEach(e -> (toTail ? tail : fixed).add(prefix + e));
            return true;
        }
        if (neg || alternatives != null) {
            return false;
        }
        misplace("a set of values");
        alternatives = elements.stream().map(e -> prefix + e).toList();
        return true;
    }

    /**
     * A {@code limit}, {@code quota} or {@code ct count} expression: a match evaluated after every condition read so
     * far; false, changing nothing, after a statement or a verdict (which the kernel runs before it).
     */
    boolean stateful(Match m) {
        if (hasStatementOrVerdict()) {
            return false;
        }
        stateful.add(m);
        statefulAt.add(new int[] {fixed.size(), tail.size()});
        return true;
    }

    /** Notes that a condition of {@code kind} was read, which cannot follow a stateful expression if one was. */
    private void misplace(String kind) {
        if (!stateful.isEmpty() && misplaced == null) {
            misplaced = kind;
        }
    }

    /**
     * Why a condition read after a stateful expression cannot be replayed after it (its iptables form would test it
     * first): {@code a protocol test}, {@code a family test}, {@code a set of values}; empty when every condition
     * after one can be.
     */
    Optional<String> misplacedCondition() {
        return Optional.ofNullable(misplaced);
    }

    /** True once the rule has a {@code limit}, {@code quota} or {@code ct count} (or a set element with one). */
    boolean hasStateful() {
        return !stateful.isEmpty();
    }

    /** How many times a condition was added or changed so far (a family the rule never matches included). */
    int conditions() {
        return conditionChanges;
    }

    /** True once a verdict or a statement ends the rule: nothing else may follow. */
    boolean hasAction() {
        return !(target instanceof NoTarget) || statement != null;
    }

    void target(Target verdict) {
        target = verdict;
    }

    /** A statement's iptables target text ({@code -j MARK --set-xmark 0x4000/0xffffffff}). */
    void statement(String iptablesTarget) {
        statement = iptablesTarget;
    }

    /**
     * A {@code ct mark set} or {@code meta mark set ct mark} statement: the rule's target alone, or run before its
     * verdict (or the former before its NAT statement).
     */
    void ctMarkStatement(Target connmark) {
        ctMarkStatement = connmark;
    }

    /** True when the rule's statement is {@code meta mark set ct mark} (a CONNMARK restore), which no NAT follows. */
    boolean restoresMark() {
        return ctMarkStatement instanceof Connmark c && c.mode() == Connmark.Mode.RESTORE;
    }

    /** True when a statement of any kind (also {@code ct mark set}) or a verdict is already there. */
    boolean hasStatementOrVerdict() {
        return hasAction() || ctMarkStatement != null;
    }

    /** True when the rule's statement is a set statement ({@code -j SET}). */
    boolean hasSetStatement() {
        return statement != null && statement.startsWith("-j SET");
    }

    /**
     * True when a verdict may end the rule here: none has, and no statement has or the one that has is a set statement,
     * {@code meta mark set} or {@code ct mark set}, which the kernel applies before the verdict in the same rule.
     */
    boolean takesVerdict() {
        return target instanceof NoTarget && (statement == null || hasSetStatement()
                || statement.startsWith("-j MARK") || statement.startsWith("-j CONNMARK"));
    }

    /**
     * The statement that keeps a verdict from following it, as a refusal names it ({@code notrack}, {@code a NAT
     * statement}): empty when there is no statement, when it takes a verdict, or when a verdict is already there.
     */
    Optional<String> statementBeforeVerdict() {
        if (statement == null || !(target instanceof NoTarget) || takesVerdict()) {
            return Optional.empty();
        }
        return Optional.of(statement.startsWith("-j CT") ? "notrack" : "a NAT statement");
    }

    /** Says why the word being read is refused. */
    void refuse(String reason) {
        why = reason;
    }

    /** Why the word read last was refused, if said. */
    Optional<String> why() {
        return Optional.ofNullable(why);
    }

    /**
     * The iptables rules of the draft, carrying the rule's place and nft text: none when it never matches this family,
     * else one per alternative (or one).
     */
    NftRuleTranslator.Outcome rules() {
        if (never) {
            return new NftRuleTranslator.Translated(List.of());
        }
        if (alternatives != null && !isNat() && !(target instanceof Accept || target instanceof Drop
                || target instanceof Reject || target instanceof Return || target instanceof Goto)) {
            return new NftRuleTranslator.Refused("a set iptables cannot list in one rule needs a verdict (accept, drop,"
                    + " reject, return, goto) or a NAT statement after it");
        }
        List<String> variants = alternatives == null ? List.of("") : alternatives;
        List<Rule> out = new ArrayList<>(variants.size());
        for (String variant : variants) {
            Optional<Rule> parsed = parsed(variant);
            if (parsed.isEmpty()) {
                return new NftRuleTranslator.Refused("its conditions are not valid as iptables matches ("
                        + String.join(" ", args(variant)) + ")");
            }
            Target made = statement == null ? target : target instanceof NoTarget ? parsed.get().target()
                    : new StatementVerdict(parsed.get().target(), target);
            if (ctMarkStatement != null) {
                made = made instanceof NoTarget ? ctMarkStatement : new StatementVerdict(ctMarkStatement, made);
            }
            List<Match> matches = named(parsed.get().matches());
            if (!stateful.isEmpty()) {
                Optional<List<Match>> placed = placeStateful(variant, matches);
                if (placed.isEmpty()) {
                    return new NftRuleTranslator.Refused("its conditions before a stateful expression are not valid"
                            + " as iptables matches");
                }
                matches = placed.get();
            }
            out.add(new Rule(table.qualifiedName(), chain, position, span, text, matches, made,
                    Optional.empty(), Optional.empty(), Optional.empty()));
        }
        return new NftRuleTranslator.Translated(out);
    }

    /** The matches, the draw's statistic match (the only one a translation writes) named as nft names the draw. */
    private List<Match> named(List<Match> matches) {
        if (draw == null) {
            return matches;
        }
        return matches.stream().map(m -> m instanceof StatisticMatch s
                ? new NumgenMatch(s, draw.draw(), draw.picked(), draw.notPicked()) : m).toList();
    }

    /** A NAT statement (not MARK, CONNMARK or SET) is the rule's target: it goes in iptables' nat table. */
    private boolean isNat() {
        return statement != null && !statement.startsWith("-j MARK") && !statement.startsWith("-j SET")
                && !statement.startsWith("-j CONNMARK");
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
        StringBuilder line = conditions(variant, statefulAt.size());
        if (statement != null) {
            line.append(' ').append(statement);
        }
        return reader.read(isNat() ? "nat" : "filter", line.toString());
    }

    /**
     * The variant's conditions read before the {@code upTo}-th stateful expression (all: {@code statefulAt.size()}),
     * in the order the rule reads them around its stateful expressions: {@code -p}, the fixed matches and the variant
     * and the tail matches before the first, then each later stretch's fixed and tail matches.
     */
    private StringBuilder conditions(String variant, int upTo) {
        StringBuilder line = new StringBuilder(128);
        int words = 0;
        if (protocol != null) {
            line.append("-p ").append(protocol);
            words++;
        }
        int fixedFrom = 0;
        int tailFrom = 0;
        for (int k = 0; k <= upTo; k++) {
            // the stretch before the k-th stateful expression (the last: after every one)
            int fixedTo = k < statefulAt.size() ? statefulAt.get(k)[0] : fixed.size();
            int tailTo = k < statefulAt.size() ? statefulAt.get(k)[1] : tail.size();
            for (String match : fixed.subList(fixedFrom, fixedTo)) {
                (words++ == 0 ? line : line.append(' ')).append(match);
            }
            if (k == 0 && !variant.isEmpty()) {
                (words++ == 0 ? line : line.append(' ')).append(variant);
            }
            for (String match : tail.subList(tailFrom, tailTo)) {
                (words++ == 0 ? line : line.append(' ')).append(match);
            }
            fixedFrom = fixedTo;
            tailFrom = tailTo;
        }
        return line;
    }

    /**
     * The rule's matches with its stateful expressions where the rule reads them (at the end when no condition
     * follows them), {@code matches} being those of all its conditions in {@link #conditions} order; empty when a
     * stretch before one is not valid as iptables matches.
     */
    private Optional<List<Match>> placeStateful(String variant, List<Match> matches) {
        List<Match> out = new ArrayList<>(matches.size() + stateful.size());
        int taken = 0;
        for (int k = 0; k < stateful.size(); k++) {
            int before = matches.size();
            if (statefulAt.get(k)[0] != fixed.size() || statefulAt.get(k)[1] != tail.size()) {
                Optional<Rule> prefix = reader.read(isNat() ? "nat" : "filter", conditions(variant, k).toString());
                if (prefix.isEmpty()) {
                    return Optional.empty();
                }
                before = named(prefix.get().matches()).size();
            }
            out.addAll(matches.subList(taken, Math.max(taken, before)));
            taken = Math.max(taken, before);
            out.add(stateful.get(k));
        }
        out.addAll(matches.subList(taken, matches.size()));
        return Optional.of(out);
    }
}
