package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.OptionValue;

/**
 * A statistic probability {@code P / 2^31} as iptables-save prints it: eleven decimals, rounded half to even, as
 * {@code BigDecimal.divide(.., 11, HALF_EVEN).toPlainString()} gives it, computed with longs (P * 10^11 / 2^31 is
 * P * 5^11 / 2^20, which fits a long).
 */
final class ProbabilityText {
    private static final long FIVE_POW_11 = 48_828_125L;
    private static final int SHIFT = 20;
    private static final long ONE = 100_000_000_000L;

    private ProbabilityText() {
    }

    /** {@code 0.50000000000} for {@code 2^30}; {@code numerator} is in 0 to 2^31. */
    static String of(long numerator) {
        if (numerator < 0 || numerator > OptionValue.Probability.SCALE) {
            throw new IllegalArgumentException("probability numerator out of range: " + numerator);
        }
        long scaled = numerator * FIVE_POW_11;
        long quotient = scaled >>> SHIFT;
        long rest = scaled & ((1L << SHIFT) - 1);
        long half = 1L << (SHIFT - 1);
        if (rest > half || rest == half && (quotient & 1) == 1) {
            quotient++;
        }
        String fraction = Long.toString(quotient % ONE);
        return new StringBuilder(13).append(quotient / ONE).append('.').append("00000000000", fraction.length(), 11)
                .append(fraction).toString();
    }
}
