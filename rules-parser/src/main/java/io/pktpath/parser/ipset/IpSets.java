package io.pktpath.parser.ipset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The sets of an {@code ipset save} dump by name, with the membership test the {@code -m set} match needs: an entry
 * matches when every dimension matches its probe; among matching entries the most specific one decides, so a
 * {@code nomatch} network inside a wider member network excludes it (ipset(8)) unless the match asks
 * {@code --return-nomatch}; {@code list:set} asks its member sets in order.
 */
public record IpSets(Map<String, IpSet> sets) {
    private static final int MAX_LIST_DEPTH = 8;

    public IpSets {
        sets = Collections.unmodifiableSortedMap(new TreeMap<>(sets));
    }

    public static IpSets empty() {
        return new IpSets(Map.of());
    }

    public Optional<IpSet> get(String name) {
        return Optional.ofNullable(sets.get(name));
    }

    /**
     * Where the probes (one per set dimension, in order) are in the named set: a member, a nomatch entry or neither; a
     * list:set holds them when a member set does.
     */
    public SetMembership contains(String setName, List<SetProbe> probes) {
        IpSet set = sets.get(setName);
        if (set == null) {
            return SetMembership.UNKNOWN_SET;
        }
        if (isList(set)) {
            return test(set, s -> Optional.of(probes), false, new HashSet<>(), 0)
                    ? SetMembership.MEMBER : SetMembership.NOT_MEMBER;
        }
        return lookup(set, probes);
    }

    /**
     * Whether {@code -m set} matches (ip_set_test), empty when the set is not in the dump. {@code probes} gives the
     * packet's values for one set, or none when the packet has none for it (another family, fewer direction flags than
     * dimensions): then the set does not match. A list:set asks its member sets in order, each with the flag;
     * {@code returnNomatch} swaps the member and nomatch answers of sets that have nomatch entries.
     */
    public Optional<Boolean> test(String setName, Function<IpSet, Optional<List<SetProbe>>> probes, boolean returnNomatch) {
        IpSet set = sets.get(setName);
        if (set == null) {
            return Optional.empty();
        }
        return Optional.of(test(set, probes, returnNomatch, new HashSet<>(), 0));
    }

    private boolean test(IpSet set, Function<IpSet, Optional<List<SetProbe>>> probes, boolean returnNomatch,
                         Set<String> visiting, int depth) {
        if (isList(set)) {
            if (depth >= MAX_LIST_DEPTH || !visiting.add(set.name())) {
                return false;
            }
            for (SetEntry e : set.entries()) {
                if (e.elements().get(0) instanceof SetElement.SetName n && sets.containsKey(n.name())
                        && test(sets.get(n.name()), probes, returnNomatch, visiting, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        Optional<List<SetProbe>> values = probes.apply(set);
        return values.isPresent()
                && lookup(set, values.get()).matches(returnNomatch && set.type().hasNomatchEntries());
    }

    private static boolean isList(IpSet set) {
        return set.type().method().equals("list");
    }

    private static SetMembership lookup(IpSet set, List<SetProbe> probes) {
        return bestMatch(set, probes).map(e -> e.nomatch() ? SetMembership.NOMATCH : SetMembership.MEMBER)
                .orElse(SetMembership.NOT_MEMBER);
    }

    private static Optional<SetEntry> bestMatch(IpSet set, List<SetProbe> probes) {
        if (probes.size() < set.type().dimensions().size()) {
            return Optional.empty();
        }
        List<SetProbe> masked = set.mask().map(m -> masked(m, probes)).orElse(probes);
        List<SetEntry> matching = new ArrayList<>();
        for (SetEntry e : set.entries()) {
            if (ElementMatcher.matchesAll(e.elements(), masked)) {
                matching.add(e);
            }
        }
        return matching.stream().max(java.util.Comparator.comparingInt(ElementMatcher::specificity));
    }

    /** The probes with their addresses masked by the set's netmask or bitmask. */
    private static List<SetProbe> masked(AddressMask mask, List<SetProbe> probes) {
        List<SetProbe> out = new ArrayList<>(probes.size());
        for (SetProbe p : probes) {
            out.add(p instanceof SetProbe.Address a ? new SetProbe.Address(mask.apply(a.address())) : p);
        }
        return out;
    }
}
