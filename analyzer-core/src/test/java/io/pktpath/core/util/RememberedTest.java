package io.pktpath.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An answer is made once while there is room; past the bound it is made every time and never kept. */
class RememberedTest {

    @Test
    void anAnswerIsMadeOnceAndGivenAgain() {
        Remembered<String, StringBuilder> answers = new Remembered<>(10);
        AtomicInteger made = new AtomicInteger();
        StringBuilder first = answers.get("eth0", q -> {
            made.incrementAndGet();
            return new StringBuilder(q);
        });
        StringBuilder again = answers.get("eth0", q -> {
            made.incrementAndGet();
            return new StringBuilder(q);
        });
        assertSame(first, again);
        assertEquals(1, made.get());
        assertEquals("eth0", first.toString());
    }

    @Test
    void pastTheBoundAnswersAreMadeEachTime() {
        Remembered<Integer, Object> answers = new Remembered<>(2);
        Object a = answers.get(1, q -> new Object());
        answers.get(2, q -> new Object());
        Object third = answers.get(3, q -> new Object());
        assertNotSame(third, answers.get(3, q -> new Object()), "not kept: the bound was reached");
        assertSame(a, answers.get(1, q -> new Object()), "kept before the bound");
    }
}
