package io.pktpath.core.conntrack;

/** How a flow's ct ended in the replay, or OPEN if it was still live at the end of the capture. */
public enum FlowEnd {
    OPEN("open"),
    EXPIRED("expired"),
    RESET("reset before any reply: ct deleted"),
    REOPENED("replaced by a new SYN after closing");

    private final String text;

    FlowEnd(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
