package io.pktpath.core.netfilter;

/**
 * An nft stateful expression ({@code limit}, {@code quota}, {@code ct count}) whose state is kept under a key its
 * caller gives: the native rule's own, or one set element's ({@link NftSetElementEvaluator}).
 */
interface KeyedExpression {
    /** Evaluates the expression for the packet on the state under {@code key} (fresh when there is none yet). */
    boolean evaluate(Evaluation e, String key);

    /** Why the expression did not match, read after {@link #evaluate} recorded the packet's evaluation. */
    MatchEvaluator.Mismatch explain(Evaluation e, String key);
}
