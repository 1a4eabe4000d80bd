package io.pktpath.parser.conntrack;

/** The kind of a {@code conntrack -E} event: a new entry, a change of an entry, or its removal. */
public enum ConntrackEventType {
    NEW,
    UPDATE,
    DESTROY
}
