package io.pktpath.core.netfilter;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Conntrack settings made by raw-table targets during a walk: NOTRACK (or {@code CT --notrack}), a {@code CT} zone
 * with the option that set it ({@code --zone}, {@code --zone-orig}, {@code --zone-reply}), and a {@code CT --helper}.
 */
public record RawEffects(boolean notrack, OptionalInt zone, Optional<String> zoneOption, Optional<String> helper) {
    public static final RawEffects NONE = new RawEffects(false, OptionalInt.empty(), Optional.empty(), Optional.empty());

    public RawEffects {
        java.util.Objects.requireNonNull(zone, "zone");
        java.util.Objects.requireNonNull(zoneOption, "zoneOption");
        java.util.Objects.requireNonNull(helper, "helper");
    }

    public RawEffects withNotrack() {
        return new RawEffects(true, zone, zoneOption, helper);
    }

    public RawEffects withZone(String option, int newZone) {
        return new RawEffects(notrack, OptionalInt.of(newZone), Optional.of(option), helper);
    }

    public RawEffects withHelper(String name) {
        return new RawEffects(notrack, zone, zoneOption, Optional.of(name));
    }
}
