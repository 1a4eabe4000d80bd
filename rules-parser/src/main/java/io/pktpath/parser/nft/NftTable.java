package io.pktpath.parser.nft;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One nftables table: family, name, the line of its header, its chains and its named sets and maps, in file order;
 * chains and sets are also found by name without a scan (kube-proxy's nftables table has one chain per service and
 * per endpoint, and every jump, goto and verdict map names one).
 */
public final class NftTable {
    private final NftFamily family;
    private final String name;
    private final int line;
    private final List<NftChain> chains;
    private final List<NftSet> sets;
    private final Map<String, NftChain> chainsByName;
    private final Map<String, NftSet> setsByName;
    /** The sets some rule of the table adds to, updates or deletes from, found on first use. */
    private volatile java.util.Set<String> updatedSets;
    /** {@link #qualifiedName()}, made once: every rule translated from the table carries it. */
    private final String qualifiedName;
    /** The listing this table came from printed some set's elements (of any table): it is not terse ({@code -t}). */
    private final boolean elementsShown;

    public NftTable(NftFamily family, String name, int line, List<NftChain> chains, List<NftSet> sets) {
        this(family, name, line, chains, sets, false);
    }

    /**
     * A table whose listing is known to print every set's elements ({@code elementsShown}): a set or map printed
     * without elements is then empty, not elided by {@code nft -t}.
     */
    public NftTable(NftFamily family, String name, int line, List<NftChain> chains, List<NftSet> sets,
                    boolean elementsShown) {
        this.elementsShown = elementsShown;
        this.family = Objects.requireNonNull(family, "family");
        this.name = Objects.requireNonNull(name, "name");
        this.line = line;
        this.chains = List.copyOf(chains);
        this.sets = List.copyOf(sets);
        this.chainsByName = firstByName(this.chains, NftChain::name);
        this.setsByName = firstByName(this.sets, NftSet::name);
        this.qualifiedName = family.keyword() + " " + name;
    }

    /** Each name's first element (nft keeps names unique within a table; the first wins as a scan would find it). */
    private static <T> Map<String, T> firstByName(List<T> list, java.util.function.Function<T, String> nameOf) {
        Map<String, T> byName = new HashMap<>(list.size() * 2);
        for (T t : list) {
            byName.putIfAbsent(nameOf.apply(t), t);
        }
        return byName;
    }

    public NftFamily family() {
        return family;
    }

    public String name() {
        return name;
    }

    public int line() {
        return line;
    }

    public List<NftChain> chains() {
        return chains;
    }

    public List<NftSet> sets() {
        return sets;
    }

    /**
     * True when the listing printed some set's elements, in this table or another: {@code nft -t} (terse) elides them
     * all, so a named set or map printed without elements is empty (Docker's {@code ip6 docker-bridges} on a host
     * without IPv6 networks holds four empty verdict maps beside the IPv4 table's full ones).
     */
    public boolean elementsShown() {
        return elementsShown || sets.stream().anyMatch(s -> !s.values().isEmpty());
    }

    /** This table as read from a listing that printed some set's elements ({@link #elementsShown()}). */
    public NftTable withElementsShown() {
        return elementsShown ? this : new NftTable(family, name, line, chains, sets, true);
    }

    /** {@code inet firewalld}, as nft names a table. */
    public String qualifiedName() {
        return qualifiedName;
    }

    public Optional<NftSet> set(String setName) {
        return Optional.ofNullable(setsByName.get(setName));
    }

    /**
     * The names of the sets a rule of this table changes from the packet path ({@code add @name}, {@code update @name},
     * {@code delete @name}): the dynamic sets the replay keeps as sets.
     */
    public java.util.Set<String> updatedSets() {
        java.util.Set<String> found = updatedSets;
        if (found == null) {
            java.util.Set<String> names = new java.util.TreeSet<>();
            for (NftChain c : chains) {
                for (NftRule r : c.rules()) {
                    String text = r.text();
                    if (text.indexOf('@') >= 0) {
                        java.util.regex.Matcher m = NftSetStatement.REFERENCE.matcher(text);
                        while (m.find()) {
                            names.add(m.group(2));
                        }
                    }
                }
            }
            found = java.util.Set.copyOf(names);
            updatedSets = found;
        }
        return found;
    }

    public Optional<NftChain> chain(String chainName) {
        return Optional.ofNullable(chainsByName.get(chainName));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NftTable t && line == t.line && family == t.family && name.equals(t.name)
                && chains.equals(t.chains) && sets.equals(t.sets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(family, name, line, chains, sets);
    }

    @Override
    public String toString() {
        return "NftTable[family=" + family + ", name=" + name + ", line=" + line + ", chains=" + chains + ", sets="
                + sets + "]";
    }
}
