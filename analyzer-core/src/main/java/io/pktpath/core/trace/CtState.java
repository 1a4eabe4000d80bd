package io.pktpath.core.trace;

/** The conntrack state a packet has for {@code -m conntrack --ctstate} and {@code -m state} (netfilter-semantics §2.3). */
public enum CtState {
    NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED
}
