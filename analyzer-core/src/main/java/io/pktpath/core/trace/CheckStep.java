package io.pktpath.core.trace;

import java.util.Objects;

/** A kernel check outside the rules (rp_filter, forwarding, martian source, route_localnet, accept_local) and its result. */
public record CheckStep(Hook hook, String check, boolean passed, String detail) implements TraceStep {
    public CheckStep {
        Objects.requireNonNull(check, "check");
        detail = detail == null ? "" : detail;
    }
}
