package io.pktpath.core.netfilter;

import io.pktpath.core.trace.RuleRef;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/** The rules a walk matched, in order, as an immutable list that also carries each rule's number in its ruleset. */
final class HitList extends AbstractList<RuleRef> implements RandomAccess {
    private final RuleNumbering numbering;
    private final RuleRef[] refs;
    private final Numbers numbers;

    /** The rule numbers of a hit list, compared by content; {@code hash} is {@link Arrays#hashCode(int[])} of them. */
    record Numbers(int[] values, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Numbers n && hash == n.hash && Arrays.equals(values, n.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return Arrays.toString(values);
        }
    }

    private HitList(RuleNumbering numbering, RuleRef[] refs, int[] numbers, int hash) {
        this.numbering = numbering;
        this.refs = refs;
        this.numbers = new Numbers(numbers, hash);
    }

    static HitList empty(RuleNumbering numbering) {
        return new HitList(numbering, new RuleRef[0], new int[0], Arrays.hashCode(new int[0]));
    }

    @Override
    public RuleRef get(int index) {
        return refs[index];
    }

    @Override
    public int size() {
        return refs.length;
    }

    RuleNumbering numbering() {
        return numbering;
    }

    /** The number of the {@code index}th hit in {@link #numbering()}. */
    int number(int index) {
        return numbers.values[index];
    }

    Numbers numbers() {
        return numbers;
    }

    /** Collects the hits of one walk. */
    static final class Builder {
        private static final RuleRef[] NO_REFS = new RuleRef[0];
        private static final int[] NO_NUMBERS = new int[0];
        private RuleNumbering numbering;
        private RuleRef[] refs = NO_REFS;
        private int[] numbers = NO_NUMBERS;
        private int size;
        /** {@link Arrays#hashCode(int[])} of the numbers added so far, kept as they are added. */
        private int hash = 1;

        Builder(RuleNumbering numbering) {
            this.numbering = numbering;
        }

        /** Empties this builder for the hits of another walk (its arrays are kept: {@link #build} copies them). */
        void restart(RuleNumbering newNumbering) {
            numbering = newNumbering;
            size = 0;
            hash = 1;
        }

        void add(CompiledRule rule) {
            if (size == refs.length) {
                int capacity = Math.max(4, size * 2);
                refs = Arrays.copyOf(refs, capacity);
                numbers = Arrays.copyOf(numbers, capacity);
            }
            refs[size] = rule.ref;
            numbers[size] = rule.number;
            size++;
            hash = 31 * hash + rule.number;
        }

        /** The list of the hits added, shared with earlier walks that hit the same rules (then nothing is copied). */
        HitList build() {
            return size == 0 ? numbering.none() : numbering.share(this);
        }

        /** {@link Arrays#hashCode(int[])} of the numbers added. */
        int hash() {
            return hash;
        }

        /** True if {@code list} holds exactly the rules added here (numbers name rules within one numbering). */
        boolean sameAs(HitList list) {
            int[] other = list.numbers.values;
            return list.numbers.hash == hash && other.length == size && Arrays.equals(numbers, 0, size, other, 0, size);
        }

        /**
         * The list of the hits added, not looked up among the shared ones: for walks whose results are committed once
         * and never kept (a nat table walk decides a new connection's NAT), where sharing would only cost a lookup.
         */
        HitList buildOwn() {
            return size == 0 ? numbering.none() : new HitList(numbering, Arrays.copyOf(refs, size), Arrays.copyOf(numbers, size),
                hash);
        }
    }
}
