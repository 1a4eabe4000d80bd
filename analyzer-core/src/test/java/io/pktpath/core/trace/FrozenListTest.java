package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frozen list reads the elements its owner's list held when it was made, sees nothing appended later, cannot be
 * changed, and is taken as it is wherever an immutable list is asked for; a one-frame list reads as List.of(frame).
 */
class FrozenListTest {
    @Test
    void readsWhatTheOwnedListHeldAndNotWhatIsAppendedLater() {
        List<String> walk = new ArrayList<>(List.of("raw", "conntrack", "mangle"));
        List<String> frozen = FrozenList.of(walk);
        walk.add("nat");
        assertEquals(List.of("raw", "conntrack", "mangle"), frozen);
        assertEquals(List.of("raw", "conntrack", "mangle").hashCode(), frozen.hashCode());
        assertEquals(3, frozen.size());
        assertThrows(IndexOutOfBoundsException.class, () -> frozen.get(3));
        assertThrows(IndexOutOfBoundsException.class, () -> frozen.get(-1));
    }

    @Test
    void aSliceIsFrozenTooAndCountsFromItsStart() {
        List<String> walk = new ArrayList<>(List.of("a", "b", "c", "d"));
        List<String> suffix = FrozenList.of(walk).subList(1, 3);
        walk.add("e");
        assertEquals(List.of("b", "c"), suffix);
        assertEquals(List.of("c"), suffix.subList(1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> suffix.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> suffix.subList(1, 3));
        assertSame(suffix, JoinedList.immutable(suffix));
        assertEquals(List.of("b", "c", "x"), JoinedList.of(suffix, List.of("x")));
    }

    @Test
    void anEmptyListGivesTheSharedEmptyListThatLaterElementsDoNotReach() {
        List<String> misses = new ArrayList<>();
        List<String> frozen = FrozenList.of(misses);
        misses.add("late");
        assertSame(List.of(), frozen);
        assertSame(frozen, JoinedList.immutable(frozen));
        assertEquals(List.of(), FrozenList.of(new ArrayList<>(List.of("a", "b"))).subList(1, 1));
    }

    @Test
    void cannotBeChangedAndRefusesAListWithoutIndexedReads() {
        List<String> frozen = FrozenList.of(new ArrayList<>(List.of("a")));
        assertThrows(UnsupportedOperationException.class, () -> frozen.add("b"));
        assertThrows(UnsupportedOperationException.class, () -> frozen.set(0, "b"));
        assertThrows(UnsupportedOperationException.class, () -> frozen.remove(0));
        assertThrows(IllegalArgumentException.class, () -> FrozenList.of(new LinkedList<>(List.of("a"))));
    }

    @Test
    void oneFrameReadsAsAListOfThatFrame() {
        OneFrame one = OneFrame.of(4_000_000_001L);
        assertEquals(List.of(4_000_000_001L), one);
        assertEquals(List.of(4_000_000_001L).hashCode(), one.hashCode());
        assertEquals(4_000_000_001L, one.frame());
        assertEquals(4_000_000_001L, one.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> one.get(1));
        assertThrows(UnsupportedOperationException.class, () -> one.add(2L));
    }
}
