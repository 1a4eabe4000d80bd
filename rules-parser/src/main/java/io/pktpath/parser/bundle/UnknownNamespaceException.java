package io.pktpath.parser.bundle;

import java.io.IOException;
import java.util.List;

/** A bundle asked to be read as a network namespace it holds no output of; the message lists those it holds. */
public final class UnknownNamespaceException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The namespaces the bundle holds. */
    private final List<String> held;

    public UnknownNamespaceException(String name, List<String> held) {
        super("no network namespace " + name + " in this bundle; " + (held.isEmpty()
                ? "it holds none (no sos_commands/networking/namespaces/NAME/ nor ip_netns_exec_NAME_ files)"
                : "it holds: " + String.join(", ", held)));
        this.held = List.copyOf(held);
    }

    /** The namespaces the bundle holds, sorted. */
    public List<String> held() {
        return held;
    }
}
