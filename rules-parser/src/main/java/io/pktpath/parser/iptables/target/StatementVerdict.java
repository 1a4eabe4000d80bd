package io.pktpath.parser.iptables.target;

import java.util.Objects;
import java.util.Optional;

/**
 * One native nft rule's statement followed by its verdict ({@code add @seen { ip saddr } accept}, {@code meta mark set
 * 0x1 drop}, {@code ct mark set 0x10 accept}): the kernel applies the statement ({@link SetTarget}, {@link Mark} or
 * {@link Connmark}) and then takes the verdict, in one
 * rule with one counter, which iptables can only write as two rules. The rule ends the traversal exactly when its
 * verdict does; it renders as the two iptables targets in that order.
 */
public record StatementVerdict(Target statement, Target verdict) implements Target {
    public StatementVerdict {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(verdict, "verdict");
        if (!(statement instanceof SetTarget || statement instanceof Mark || statement instanceof Connmark)) {
            throw new IllegalArgumentException("a statement before a verdict is a SET, MARK or CONNMARK target, not "
                    + statement.render());
        }
        if (!(verdict instanceof Accept || verdict instanceof Drop || verdict instanceof Reject
                || verdict instanceof Return || verdict instanceof Jump || verdict instanceof Goto)) {
            throw new IllegalArgumentException("the verdict after a statement is ACCEPT, DROP, REJECT, RETURN, a jump"
                    + " or a goto, not " + verdict.render());
        }
    }

    /** The verdict {@code t} takes: its own verdict when it is a statement and a verdict, else {@code t} itself. */
    public static Target verdictOf(Target t) {
        return t instanceof StatementVerdict s ? s.verdict() : t;
    }

    /** The statement applied before {@code t}'s verdict, when {@code t} is a statement and a verdict. */
    public static Optional<Target> statementOf(Target t) {
        return t instanceof StatementVerdict s ? Optional.of(s.statement()) : Optional.empty();
    }

    @Override
    public boolean terminating() {
        return verdict.terminating();
    }

    @Override
    public String render() {
        return statement.render() + " " + verdict.render();
    }
}
