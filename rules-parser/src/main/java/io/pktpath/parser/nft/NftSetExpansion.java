package io.pktpath.parser.nft;

import java.util.regex.Pattern;
import io.pktpath.parser.iptables.model.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Expands what nft looks up in a set into rules iptables can walk: a named set {@code @name} becomes the anonymous set
 * of the elements the listing printed, and a verdict map ({@code selector vmap { key : verdict, ... }} or
 * {@code vmap @map}, with a concatenated key ({@link NftConcatenation}) or a {@code numgen random} draw
 * ({@link NftNumgen})) one rule per element (nft(8) "SETS", "MAPS", "VERDICT MAP").
 */
final class NftSetExpansion {
    /** An element that times out ({@code 10.0.0.1 timeout 1h expires 59m}): the set is dynamic. */
    private static final Pattern TIMED = Pattern.compile(".*\\s(timeout|expires)\\s.*");

    private NftSetExpansion() {
    }

    /**
     * A verdict map at {@code words[vmap]}: one rule per element, the selector matching the element's key and ending
     * in its verdict (the keys are disjoint, so their order does not matter; no key matched continues with the next
     * rule, as the kernel does); {@code continue} elements add no rule. A named map printed without elements in a
     * listing that prints other sets' elements, of this table or another ({@link NftTable#elementsShown()}), is empty.
     */
    static NftRuleTranslator.Outcome verdictMap(NftTable table, List<String> words, int vmap,
                                                NftRuleTranslator.WordsTranslator translate) {
        if (vmap + 1 >= words.size()) {
            return new NftRuleTranslator.Refused("'vmap' lacks its map");
        }
        String map = words.get(vmap + 1);
        List<String> elements;
        if (map.startsWith("@")) {
            Optional<NftSet> named = named(table, "map", map);
            if (named.isEmpty()) {
                return new NftRuleTranslator.Refused("the verdict map " + map + " is not in table "
                        + table.qualifiedName());
            }
            if (named.get().values().isEmpty()) {
                // nft list ruleset prints every element; a listing that shows other sets' elements (of this table or
                // another) is not terse (-t), so a map printed without elements is empty and no key matches
                if (table.elementsShown()) {
                    return new NftRuleTranslator.Translated(List.of());
                }
                return new NftRuleTranslator.Refused("the verdict map " + map + " lists no elements in table "
                        + table.qualifiedName());
            }
            elements = named.get().values();
        } else if (NftRuleTokens.isSet(map)) {
            elements = NftRuleTokens.elements(map);
        } else {
            return new NftRuleTranslator.Refused("'vmap " + map + "' is neither { key : verdict, ... } nor @map");
        }
        if (vmap >= 4 && words.get(vmap - 4).equals("numgen")) {
            return NftNumgen.translate(words, vmap, elements, translate);
        }
        return keyedMap(words, vmap, elements, translate);
    }

    /** A map keyed by a selector or a concatenation of selectors: one rule per element. */
    private static NftRuleTranslator.Outcome keyedMap(List<String> words, int vmap, List<String> elements,
                                                      NftRuleTranslator.WordsTranslator translate) {
        List<List<String>> keys = NftConcatenation.selectors(words, vmap);
        int selectorStart = vmap - keys.stream().mapToInt(List::size).sum() - (keys.size() - 1);
        List<Rule> out = new ArrayList<>();
        for (String element : elements) {
            Optional<NftMapElement> parsed = NftMapElement.parse(element);
            if (parsed.isEmpty()) {
                return new NftRuleTranslator.Refused("the verdict map element '" + element + "' is not 'key : verdict'");
            }
            NftMapElement e = parsed.get();
            if (e.continues()) {
                continue;
            }
            List<String> key = NftConcatenation.parts(e.key());
            if (key.size() != keys.size()) {
                return new NftRuleTranslator.Refused("the verdict map element '" + element + "' has " + key.size()
                        + " parts for " + keys.size() + " selectors");
            }
            List<String> selectors = new ArrayList<>(words.subList(0, selectorStart));
            for (int k = 0; k < keys.size(); k++) {
                selectors.addAll(keys.get(k));
                selectors.add(key.get(k));
            }
            NftRuleTranslator.Outcome o = translate.translate(e.rule(selectors, words, vmap), null);
            if (o instanceof NftRuleTranslator.Refused r) {
                return r.within("the verdict map element '" + element + "': ");
            }
            out.addAll(((NftRuleTranslator.Translated) o).rules());
        }
        return new NftRuleTranslator.Translated(out);
    }

    /**
     * The words with each named set {@code @name} replaced by its elements as an anonymous set; empty with the reason
     * when a named set is missing, lists no elements, holds concatenations or times its elements out.
     */
    static Optional<String> resolveSets(NftTable table, List<String> words, List<String> into) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("@")) {
                into.add(w);
                continue;
            }
            if (NftSetStatement.dynamic(table, w)) {
                Optional<String> refused = dynamicLookup(table, words, i);
                if (refused.isPresent()) {
                    return refused;
                }
                into.add(w);
                continue;
            }
            Optional<NftSet> named = named(table, "set", w);
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
            if (values.stream().anyMatch(v -> TIMED.matcher(v).matches())) {
                return Optional.of("the named set " + w + " is dynamic (its elements time out: the listing is a"
                        + " snapshot, not what the packets met)");
            }
            into.add("{ " + String.join(", ", values) + " }");
        }
        return Optional.empty();
    }

    /**
     * A dynamic set (one a rule changes, {@link NftSetStatement}) is kept as a set, not expanded: named by a set statement
     * or looked up by {@code ip|ip6 saddr|daddr [!=]}; empty when so, else why not.
     */
    private static Optional<String> dynamicLookup(NftTable table, List<String> words, int at) {
        Optional<NftSet> set = named(table, "set", words.get(at));
        if (set.isEmpty()) {
            return Optional.of("the named set " + words.get(at) + " is not in table " + table.qualifiedName());
        }
        if (at >= 1 && List.of("add", "update", "delete").contains(words.get(at - 1))) {
            return Optional.empty();
        }
        if (NftSetStatement.model(table, set.get(), "") instanceof NftSetStatement.Unmodelled u) {
            return Optional.of(u.reason());
        }
        int field = at >= 1 && words.get(at - 1).equals("!=") ? at - 2 : at - 1;
        if (field >= 1 && (words.get(field).equals("saddr") || words.get(field).equals("daddr"))
                && (words.get(field - 1).equals("ip") || words.get(field - 1).equals("ip6"))) {
            return Optional.empty();
        }
        return Optional.of("the dynamic set " + words.get(at) + " is looked up by '"
                + String.join(" ", words.subList(Math.max(0, field - 1), at + 1))
                + "': only ip|ip6 saddr|daddr look-ups of a set rules change are replayed");
    }

    /** The table's set or map ({@code kind}) named by {@code reference} ({@code @name}). */
    private static Optional<NftSet> named(NftTable table, String kind, String reference) {
        return table.sets().stream().filter(s -> s.kind().equals(kind) && s.name().equals(reference.substring(1)))
                .findFirst();
    }
}
