package io.pktpath.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Backward-shift deletion's rule agrees with its definition (the home is not cyclically in (hole, slot]) everywhere. */
class ProbeRunsTest {

    @Test
    void aKeyMovesIntoTheHoleExactlyWhenItsHomeIsNotBetweenTheHoleAndItsSlot() {
        for (int size : new int[] {4, 8, 16}) {
            int mask = size - 1;
            for (int hole = 0; hole < size; hole++) {
                for (int slot = 0; slot < size; slot++) {
                    if (slot == hole) {
                        continue;
                    }
                    for (int home = 0; home < size; home++) {
                        boolean between = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
                        assertEquals(!between, ProbeRuns.mayFill(hole, slot, home, mask),
                                "size " + size + " hole " + hole + " slot " + slot + " home " + home);
                    }
                }
            }
        }
    }
}
