package io.pktpath.parser.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * A table's chains by name in declaration order, found by a {@link String} or in place by a token of a line: an
 * open-addressing table that keeps each chain's hash, declaration line and name in arrays read side by side, so finding
 * one of a large dump's hundred thousand chains and its line waits for memory fewer times than a map of nodes would.
 */
final class ChainIndex {
    /** The slot {@link #find} answers for a name that is not in the index. */
    static final int ABSENT = -1;
    private static final int FIBONACCI = 0x9E3779B9;

    private final List<TableBuilder.ChainBuilder> order = new ArrayList<>();
    private int bits;
    /** Per slot: the name's hash in the high 32 bits, the declaration line in the low 32 bits. */
    private long[] hashLines;
    private String[] names;
    private TableBuilder.ChainBuilder[] chains;

    /** An index sized for about {@code expected} chains. */
    ChainIndex(int expected) {
        bits = 4;
        while ((1 << bits) < expected * 2) {
            bits++;
        }
        allocate();
    }

    private void allocate() {
        hashLines = new long[1 << bits];
        names = new String[1 << bits];
        chains = new TableBuilder.ChainBuilder[1 << bits];
    }

    /** The chains in declaration order (a chain put again keeps the first one's place). */
    List<TableBuilder.ChainBuilder> inOrder() {
        return order;
    }

    /** The slot of the chain named {@code name}, or {@link #ABSENT}. */
    int find(String name) {
        int hash = name.hashCode();
        int mask = names.length - 1;
        for (int k = slot(hash); names[k] != null; k = (k + 1) & mask) {
            if ((int) (hashLines[k] >>> 32) == hash && names[k].equals(name)) {
                return k;
            }
        }
        return ABSENT;
    }

    /** The slot of the chain named by unquoted token {@code k} of {@code tokens} (compared in place), or {@link #ABSENT}. */
    int find(LineTokens tokens, int k) {
        int hash = tokens.hash(k);
        int mask = names.length - 1;
        for (int s = slot(hash); names[s] != null; s = (s + 1) & mask) {
            if ((int) (hashLines[s] >>> 32) == hash && tokens.is(k, names[s])) {
                return s;
            }
        }
        return ABSENT;
    }

    /** The chain in slot {@code s} (a slot {@link #find} gave). */
    TableBuilder.ChainBuilder chain(int s) {
        return chains[s];
    }

    /** The name of the chain in slot {@code s}. */
    String name(int s) {
        return names[s];
    }

    /** The 1-based declaration line of the chain in slot {@code s}. */
    int line(int s) {
        return (int) hashLines[s];
    }

    /** Adds {@code chain}, or puts it in the place of the chain of the same name. */
    void put(TableBuilder.ChainBuilder chain) {
        int found = find(chain.name);
        if (found != ABSENT) {
            order.set(order.indexOf(chains[found]), chain);
            set(found, chain);
            return;
        }
        order.add(chain);
        if (order.size() * 2 > names.length) {
            bits++;
            allocate();
            for (TableBuilder.ChainBuilder c : order) {
                set(free(c.name.hashCode()), c);
            }
        } else {
            set(free(chain.name.hashCode()), chain);
        }
    }

    private int free(int hash) {
        int k = slot(hash);
        while (names[k] != null) {
            k = (k + 1) & (names.length - 1);
        }
        return k;
    }

    private void set(int k, TableBuilder.ChainBuilder chain) {
        hashLines[k] = (long) chain.name.hashCode() << 32 | (chain.span.line() & 0xffffffffL);
        names[k] = chain.name;
        chains[k] = chain;
    }

    private int slot(int hash) {
        return (hash * FIBONACCI) >>> (32 - bits);
    }
}
