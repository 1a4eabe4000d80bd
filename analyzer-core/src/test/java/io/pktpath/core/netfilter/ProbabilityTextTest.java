package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.parser.iptables.match.OptionValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The long-arithmetic probability text equals the exact BigDecimal rounding iptables-save's value is printed with. */
class ProbabilityTextTest {
    private static String exact(long numerator) {
        return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(OptionValue.Probability.SCALE), 11,
                RoundingMode.HALF_EVEN).toPlainString();
    }

    @Test
    void knownValues() {
        assertEquals("0.00000000000", ProbabilityText.of(0));
        assertEquals("1.00000000000", ProbabilityText.of(OptionValue.Probability.SCALE));
        assertEquals("0.50000000000", ProbabilityText.of(1L << 30));
        assertEquals("0.33333333349", ProbabilityText.of(715_827_883L));
        assertEquals("0.00000000047", ProbabilityText.of(1));
        assertEquals(new OptionValue.Probability(715_827_883L).render(), ProbabilityText.of(715_827_883L));
        assertThrows(IllegalArgumentException.class, () -> ProbabilityText.of(-1));
        assertThrows(IllegalArgumentException.class, () -> ProbabilityText.of(OptionValue.Probability.SCALE + 1));
    }

    /** Every kube-proxy style probability 1/n, both ends, and many random numerators, ties to even included. */
    @Test
    void equalsBigDecimalRounding() {
        for (long n = 0; n <= 4096; n++) {
            assertEquals(exact(n), ProbabilityText.of(n), "numerator " + n);
            long top = OptionValue.Probability.SCALE - n;
            assertEquals(exact(top), ProbabilityText.of(top), "numerator " + top);
        }
        for (int k = 1; k <= 1000; k++) {
            long n = Math.round(OptionValue.Probability.SCALE / (double) k);
            assertEquals(exact(n), ProbabilityText.of(n), "1/" + k);
        }
        for (long n = 0; n <= OptionValue.Probability.SCALE; n += 1L << 10) {
            assertEquals(exact(n), ProbabilityText.of(n), "numerator " + n);
        }
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            long n = random.nextLong(OptionValue.Probability.SCALE + 1);
            assertEquals(exact(n), ProbabilityText.of(n), "numerator " + n);
        }
    }
}
