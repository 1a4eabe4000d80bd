package io.pktpath.parser.iptables;

import java.util.Optional;

/** The iptables-restore command that starts a rule line; dumps contain only {@code -A}. */
enum Command {
    APPEND("-A", "--append"), INSERT("-I", "--insert"), DELETE("-D", "--delete"), REPLACE("-R", "--replace"),
    NEW_CHAIN("-N", "--new-chain"), DELETE_CHAIN("-X", "--delete-chain"), FLUSH("-F", "--flush"), ZERO("-Z", "--zero"),
    POLICY("-P", "--policy");

    private final String shortForm;
    private final String longForm;

    Command(String shortForm, String longForm) {
        this.shortForm = shortForm;
        this.longForm = longForm;
    }

    String shortForm() {
        return shortForm;
    }

    private static final Command[] ALL = values();

    static Optional<Command> of(String token) {
        for (Command c : ALL) {
            if (c.shortForm.equals(token) || c.longForm.equals(token)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** True for the commands followed by a rule specification. */
    boolean takesRule() {
        return this == APPEND || this == INSERT || this == DELETE || this == REPLACE;
    }
}
