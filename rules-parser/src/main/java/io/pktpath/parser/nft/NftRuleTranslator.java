package io.pktpath.parser.nft;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.IptablesRuleReader;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates one rule of a native nftables chain into the iptables rule model, for one IP family, when it uses
 * only the replayed subset: {@code ip|ip6 saddr|daddr}, {@code tcp|udp sport|dport}, {@code meta l4proto},
 * {@code ip protocol}, {@code ip6 nexthdr}, {@code meta nfproto}, {@code iifname|oifname|iif|oif}, {@code ct state},
 * {@code ct status dnat|snat}, {@code meta mark} and {@code ct mark} (also masked: {@code meta mark & 0x4000 == 0}),
 * {@code icmp|icmpv6 type}, {@code th dport} after a protocol or a set of them, {@code fib daddr|saddr type} (each with
 * {@code !=} and anonymous or named sets; {@link NftSelectors}), the reverse-path check {@code fib saddr [. mark] [. iif]
 * oif missing|exists} ({@code -m rpfilter}), verdict maps ({@code vmap { key : verdict }} and {@code vmap @map},
 * concatenated keys, {@code numgen random mod N}: one rule per element; {@link NftSetExpansion}), {@code counter},
 * {@code log}, {@code comment}, the stateful expressions {@code limit}, {@code quota} and {@code ct count} after the
 * rule's conditions ({@link NftStatefulExpressions}), the statements {@code meta mark set} ({@code MARK}),
 * {@code ct mark set} ({@code CONNMARK}), {@code dnat}, {@code snat}, {@code masquerade}, {@code redirect} ({@link NftNatStatement}),
 * {@code notrack}, the set statements {@code add|update|delete @set { ip saddr [timeout T] }} (iptables' SET target on
 * the dynamic set, which look-ups then match as a set: {@link NftSetStatement}), and the verdicts accept, drop, reject,
 * jump, goto and return, also after a set statement, {@code meta mark set} or {@code ct mark set} in the same rule, and
 * a NAT statement after {@code ct mark set} (one rule whose target is the statement then the verdict)
 * ({@link NftStatements}). The conditions are written as an iptables-save rule and read by {@link IptablesRuleReader}
 * ({@link NftRuleDraft}), so the compiler sees the matches it knows; an anonymous set iptables cannot list in one rule
 * becomes one rule per element, which only a rule ending in a verdict allows.
 */
public final class NftRuleTranslator {
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
        /** The same refusal, said of a part of the rule ({@code the verdict map element '...': }). */
        Refused within(String part) {
            return new Refused(part + reason);
        }
    }

    /**
     * Translates the words of one rule (or of one element of its verdict map), with {@code draw}, the random draw a
     * {@code numgen random} element adds, or null.
     */
    @FunctionalInterface
    interface WordsTranslator {
        Outcome translate(List<String> words, NftNumgen.Draw draw);
    }

    private NftRuleTranslator() {
    }

    /**
     * Translates {@code rule}, the {@code position}-th (1-based) of chain {@code chain} of {@code table}, for
     * {@code family}; the rules it gives are named after the table's qualified name ({@code inet pkp_fw}) and carry the
     * rule's nft text and its line in {@code file}.
     */
    public static Outcome translate(NftTable table, String chain, int position, NftRule rule, String file,
                                    IpFamily family) {
        return translate(table, chain, position, rule, file, family,
                new IptablesRuleReader("nft", family));
    }

    /** As {@link #translate(NftTable, String, int, NftRule, String, IpFamily)}, reading the iptables forms with {@code reader}. */
    public static Outcome translate(NftTable table, String chain, int position, NftRule rule, String file,
                                    IpFamily family, IptablesRuleReader reader) {
        List<String> words = NftRuleTokens.split(rule.text());
        SourceSpan span = new SourceSpan(file, rule.line(), rule.column());
        WordsTranslator one = (w, draw) -> translateWords(new NftRuleDraft(table, family, chain, position, span,
                rule.text(), reader), w, draw);
        int vmap = words.indexOf("vmap");
        if (vmap >= 0 && hasStateful(words)) {
            return new Refused("limit, quota or ct count in a rule with a verdict map is not replayed (the replay"
                    + " writes one rule per element, the kernel evaluates the expression once)");
        }
        if (vmap >= 0) {
            return NftSetExpansion.verdictMap(table, words, vmap, one);
        }
        return one.translate(words, null);
    }

    /** True when the words hold {@code limit}, {@code quota} or {@code ct count}. */
    private static boolean hasStateful(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("limit") || w.equals("quota")
                    || w.equals("ct") && i + 1 < words.size() && words.get(i + 1).equals("count")) {
                return true;
            }
        }
        return false;
    }

    /** Translates the words of the rule, or of one element of its map, into {@code draft}, named sets resolved first. */
    private static Outcome translateWords(NftRuleDraft draft, List<String> raw, NftNumgen.Draw draw) {
        List<String> words = new ArrayList<>(raw.size());
        Optional<String> unresolved = NftSetExpansion.resolveSets(draft.table(), raw, words);
        if (unresolved.isPresent()) {
            return new Refused(unresolved.get());
        }
        if (draw != null) {
            draft.draw(draw);
        }
        Optional<String> refused = read(draft, words);
        if (refused.isPresent()) {
            return new Refused(refused.get());
        }
        return draft.rules();
    }

    /**
     * Refuses {@code xt match NAME} / {@code xt target NAME}: nft's print of an iptables-nft match or target it cannot
     * express in its own syntax (nft 1.0.6 prints the name bare, later versions quoted), whose parameters the listing
     * does not hold.
     */
    private static int xt(NftRuleDraft d, List<String> w, int i) {
        String kind = i + 1 < w.size() ? w.get(i + 1) : "";
        String name = i + 2 < w.size() ? w.get(i + 2).replace("\"", "") : "";
        d.refuse("'" + String.join(" ", w.subList(i, Math.min(w.size(), i + 3))) + "' is iptables' " + kind + " "
                + name + ", which nft could not print in its own syntax: its parameters are not in the listing");
        return -1;
    }

    /** Reads the words into the draft; empty when every one is understood, else what is not. */
    private static Optional<String> read(NftRuleDraft d, List<String> w) {
        int i = 0;
        while (i < w.size()) {
            String word = w.get(i);
            int before = i;
            boolean stateful = d.hasStateful();
            int conditions = d.conditions();
            i = switch (word) {
                case "ip", "ip6" -> NftSelectors.ipHeader(d, w, i);
                case "tcp", "udp" -> NftSelectors.ports(d, w, i);
                case "meta" -> NftSelectors.meta(d, w, i + 1);
                case "iifname", "oifname", "iif", "oif" -> NftSelectors.iface(d, w, i);
                case "ether" -> NftSelectors.ether(d, w, i);
                case "ct" -> i + 1 < w.size() && w.get(i + 1).equals("count") ? NftStatefulExpressions.count(d, w, i)
                        : NftSelectors.ct(d, w, i);
                case "limit" -> NftStatefulExpressions.limit(d, w, i);
                case "quota" -> NftStatefulExpressions.quota(d, w, i);
                case "mark" -> NftSelectors.mark(d, w, i + 1);
                case "icmp", "icmpv6" -> NftSelectors.icmp(d, w, i);
                case "th" -> NftSelectors.transportHeader(d, w, i);
                case "fib" -> NftSelectors.fib(d, w, i);
                case "skuid", "skgid" -> NftSelectors.owner(d, w, i);
                case "counter" -> NftStatements.counter(w, i + 1);
                case "log" -> NftStatements.log(w, i + 1);
                case "comment" -> i + 2;
                case "dnat", "snat", "masquerade", "redirect" -> NftStatements.nat(d, w, i);
                case "notrack" -> NftStatements.notrack(d, i);
                case "add", "update", "delete" -> NftSetStatement.read(d, w, i);
                case "meter" -> NftSetStatement.meter(d, w, i);
                case "xt", "XT" -> xt(d, w, i);
                default -> NftStatements.verdict(d, w, i);
            };
            if (i < 0) {
                return Optional.of(d.why().orElse("'" + String.join(" ", w.subList(before, Math.min(w.size(),
                        before + 3))) + "' is not in the replayed subset"));
            }
            if (i > w.size()) {
                return Optional.of("'" + word + "' lacks its value");
            }
            if (stateful && d.conditions() != conditions && d.misplacedCondition().isPresent()) {
                return Optional.of("'" + String.join(" ", w.subList(before, i)) + "' after limit, quota or ct count"
                        + " is not replayed: " + d.misplacedCondition().get() + " there would be tested before the"
                        + " expression, which the kernel evaluates first, also for packets the condition turns away");
            }
        }
        return Optional.empty();
    }
}
