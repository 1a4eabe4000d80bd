package io.pktpath.parser.iproute;

/** What an {@code ip rule} does when it matches (ip-rule(8)): look up a table, jump, nothing, or reject. */
public enum RuleAction {
    LOOKUP, GOTO, NOP, BLACKHOLE, UNREACHABLE, PROHIBIT
}
