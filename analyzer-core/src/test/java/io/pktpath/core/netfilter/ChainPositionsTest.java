package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The positions an unindexed chain's walk visits: every rule in order, one shared array per length for short chains. */
class ChainPositionsTest {
    @Test
    void everyPositionInOrderForShortAndLongChains() {
        for (int length : new int[] {0, 1, 3, 64, 65, 1000}) {
            assertArrayEquals(IntStream.range(0, length).toArray(), CompiledChain.positions(length), "length " + length);
        }
    }

    @Test
    void shortChainsShareOneArrayPerLength() {
        assertSame(CompiledChain.positions(3), CompiledChain.positions(3));
        assertSame(CompiledChain.positions(64), CompiledChain.positions(64));
    }
}
