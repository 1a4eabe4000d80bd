package io.pktpath.parser.ipset;

/**
 * The answer of a set lookup: a member, a {@code nomatch} entry (the most specific matching entry is one), not in the
 * set, or the set is not in the bundle (so the answer is unknown).
 */
public enum SetMembership {
    MEMBER, NOMATCH, NOT_MEMBER, UNKNOWN_SET;

    /**
     * Whether {@code -m set} matches (ip_set_test): a member does, a nomatch entry does not; with {@code swapNomatch}
     * ({@code --return-nomatch} on a set type that has nomatch entries) the other way round.
     */
    public boolean matches(boolean swapNomatch) {
        return switch (this) {
            case MEMBER -> !swapNomatch;
            case NOMATCH -> swapNomatch;
            case NOT_MEMBER, UNKNOWN_SET -> false;
        };
    }
}
