package io.pktpath.core.netfilter;

/**
 * The spare evaluation state that the table walks of one replay share across its runs, so that a new connection's
 * walk (a run per branch, each with its own {@link WalkContext}) does not make its own: used by one thread at a time,
 * like the replay that owns it.
 */
public final class WalkPool {
    /** The evaluation the last finished walk released (null while a walk holds it, or before the first). */
    Evaluation spare;
}
