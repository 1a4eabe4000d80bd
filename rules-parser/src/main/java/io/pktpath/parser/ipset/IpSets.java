package io.pktpath.parser.ipset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sets of an {@code ipset save} dump by name, with the membership test the {@code -m set} match needs: an entry
 * matches when every dimension matches its probe; among matching entries the most specific one decides, so a
 * {@code nomatch} network inside a wider member network excludes it (ipset(8)); {@code list:set} asks its member sets in order.
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

    /** Whether the probes (one per set dimension, in order) are in the named set. */
    public SetMembership contains(String setName, List<SetProbe> probes) {
        return contains(setName, probes, new HashSet<>(), 0);
    }

    private SetMembership contains(String setName, List<SetProbe> probes, Set<String> visiting, int depth) {
        IpSet set = sets.get(setName);
        if (set == null) {
            return SetMembership.UNKNOWN_SET;
        }
        if (set.type().method().equals("list")) {
            if (depth >= MAX_LIST_DEPTH || !visiting.add(setName)) {
                return SetMembership.NOT_MEMBER;
            }
            for (SetEntry e : set.entries()) {
                SetElement.SetName member = (SetElement.SetName) e.elements().get(0);
                if (contains(member.name(), probes, visiting, depth + 1) == SetMembership.MEMBER) {
                    return SetMembership.MEMBER;
                }
            }
            return SetMembership.NOT_MEMBER;
        }
        Optional<SetEntry> best = bestMatch(set, probes);
        return best.isPresent() && !best.get().nomatch() ? SetMembership.MEMBER : SetMembership.NOT_MEMBER;
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
