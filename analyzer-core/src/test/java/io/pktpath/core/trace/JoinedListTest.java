package io.pktpath.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A joined list reads like the two lists copied one after the other, and nothing can change it. */
class JoinedListTest {
    @Test
    void readsAsTheTwoListsOneAfterTheOther() {
        List<String> joined = JoinedList.of(List.of("a", "b"), List.of("c", "d", "e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), joined);
        assertEquals(List.of("a", "b", "c", "d", "e").hashCode(), joined.hashCode());
        assertEquals(5, joined.size());
        assertEquals("c", joined.get(2));
        assertEquals("abcde", String.join("", joined));
        assertThrows(IndexOutOfBoundsException.class, () -> joined.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> joined.get(-1));
    }

    @Test
    void anEmptySideGivesTheOtherList() {
        List<String> suffix = List.of("x");
        assertSame(suffix, JoinedList.of(List.of(), suffix));
        assertSame(suffix, JoinedList.of(suffix, List.of()));
    }

    @Test
    void cannotBeChangedNorChangedThroughItsParts() {
        List<String> prefix = new ArrayList<>(List.of("a"));
        List<String> joined = JoinedList.of(prefix, List.of("b"));
        prefix.add("z");
        assertEquals(List.of("a", "b"), joined);
        assertThrows(UnsupportedOperationException.class, () -> joined.add("c"));
        assertThrows(UnsupportedOperationException.class, () -> joined.set(0, "c"));
        assertSame(joined, JoinedList.immutable(joined));
        assertEquals(List.of("a", "z"), JoinedList.immutable(prefix));
    }
}
