package io.pktpath.core.trace;

import java.util.Locale;

/** The words every view uses for a trace's alternatives: the heading saying what decided, and a branch's probability. */
public final class AlternativeTexts {
    private AlternativeTexts() {
    }

    /**
     * {@code alternatives (...)}: which frame showed the branch taken (and that it is marked {@code *}) or that the
     * capture did not decide.
     */
    public static String heading(PacketTrace t) {
        String by = t.decidedBy();
        return by.isEmpty() ? "alternatives (the capture does not decide between these)"
                : "alternatives (the rules allow each; " + by + " shows which happened"
                        + (t.happened().isPresent() ? ", marked *" : "") + ")";
    }

    /** {@code p=0.3333}, or {@code probability unknown} for an undecidable match. */
    public static String probability(Alternative a) {
        return Double.isNaN(a.probability()) ? "probability unknown"
                : String.format(Locale.ROOT, "p=%.4f", a.probability());
    }
}
