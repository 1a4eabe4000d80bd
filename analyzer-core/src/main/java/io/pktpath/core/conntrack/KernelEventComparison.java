package io.pktpath.core.conntrack;

import java.util.List;

/**
 * The replay's connections against the kernel's {@code conntrack -E} NEW events: how many NEW events there were, how
 * many found the replayed connection of their original tuple (compared), how many of those had the same reply tuple
 * (equal), every difference in file order, then the connections the kernel never announced, and notes.
 */
public record KernelEventComparison(int events, int compared, int equal, List<KernelEventDifference> differences,
                                    List<String> notes) {
    public KernelEventComparison {
        differences = List.copyOf(differences);
        notes = List.copyOf(notes);
    }

    /** {@code events 12, compared 12, equal 12}. */
    public String counts() {
        return "events " + events + ", compared " + compared + ", equal " + equal;
    }

    public boolean agrees() {
        return differences.isEmpty();
    }
}
