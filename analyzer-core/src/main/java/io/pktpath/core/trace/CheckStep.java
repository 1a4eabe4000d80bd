package io.pktpath.core.trace;

import java.util.Objects;

/** A kernel check outside the rules (rp_filter, forwarding, martian source, route_localnet, accept_local) and its result. */
public record CheckStep(Hook hook, String check, boolean passed, DeferredText detailText) implements TraceStep {
    public CheckStep {
        Objects.requireNonNull(check, "check");
        detailText = DeferredText.orEmpty(detailText);
    }

    /** A step whose detail is given written. */
    public CheckStep(Hook hook, String check, boolean passed, String detail) {
        this(hook, check, passed, DeferredText.of(detail == null ? "" : detail));
    }

    /** The sentence of detail (written when first read: the route caches keep a check's step per device and address). */
    public String detail() {
        return detailText.toString();
    }
}
