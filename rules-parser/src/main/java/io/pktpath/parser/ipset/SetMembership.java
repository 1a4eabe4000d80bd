package io.pktpath.parser.ipset;

/** The answer of a set lookup: member, not a member, or the set is not in the bundle (so the answer is unknown). */
public enum SetMembership {
    MEMBER, NOT_MEMBER, UNKNOWN_SET
}
