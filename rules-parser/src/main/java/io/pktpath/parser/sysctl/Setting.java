package io.pktpath.parser.sysctl;

import java.util.Objects;

/**
 * The effective value of a sysctl-derived setting, and whether it came from the bundle or is the kernel default assumed
 * because the bundle lacks it ({@code sources} names the sysctls read, e.g. {@code net.ipv4.conf.all.rp_filter}).
 */
public record Setting<T>(T value, boolean assumedDefault, String sources) {
    public Setting {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(sources, "sources");
    }

    /** A note for the engine's output, e.g. {@code "net.ipv4.ip_forward absent, kernel default 0 assumed"}. */
    public String explain() {
        return assumedDefault ? sources + " absent, kernel default " + value + " assumed" : sources + " = " + value;
    }
}
