package io.pktpath.gui.path;

import io.pktpath.core.trace.Hook;

/** A box of the hook pipeline drawing: the five netfilter hooks, the two routing decisions and the local process. */
public enum Stage {
    PREROUTING("PREROUTING"),
    ROUTING_IN("routing decision"),
    INPUT("INPUT"),
    LOCAL("local process"),
    FORWARD("FORWARD"),
    ROUTING_OUT("output routing"),
    OUTPUT("OUTPUT"),
    POSTROUTING("POSTROUTING");

    private final String title;

    Stage(String title) {
        this.title = title;
    }

    /** The title drawn in the box. */
    public String title() {
        return title;
    }

    /** The stage of a netfilter hook (ingress, just before PREROUTING, is drawn in its box). */
    public static Stage of(Hook hook) {
        return switch (hook) {
            case INGRESS, PREROUTING -> PREROUTING;
            case INPUT -> INPUT;
            case FORWARD -> FORWARD;
            case OUTPUT -> OUTPUT;
            case POSTROUTING -> POSTROUTING;
        };
    }
}
