package io.pktpath.parser.iptables.target;

import java.util.Objects;
import java.util.Optional;

/** {@code -j CT} (raw): {@code --notrack}, a conntrack {@code --zone} (optionally orig/reply only), a helper, events or a timeout policy. */
public record Ct(boolean notrack, Optional<String> helper, Optional<String> ctevents, Optional<String> expevents,
                 Optional<ZoneSpec> zone, Optional<String> timeout) implements Target {
    /** A zone and which direction it applies to ({@code --zone}, {@code --zone-orig}, {@code --zone-reply}). */
    public record ZoneSpec(String option, int zone) {
        public ZoneSpec {
            Objects.requireNonNull(option, "option");
        }
    }

    public Ct {
        Objects.requireNonNull(helper, "helper");
        Objects.requireNonNull(ctevents, "ctevents");
        Objects.requireNonNull(expevents, "expevents");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        StringBuilder sb = new StringBuilder("-j CT");
        if (notrack) {
            sb.append(" --notrack");
        }
        helper.ifPresent(h -> sb.append(" --helper ").append(h));
        ctevents.ifPresent(e -> sb.append(" --ctevents ").append(e));
        expevents.ifPresent(e -> sb.append(" --expevents ").append(e));
        zone.ifPresent(z -> sb.append(' ').append(z.option()).append(' ').append(z.zone()));
        timeout.ifPresent(t -> sb.append(" --timeout ").append(t));
        return sb.toString();
    }
}
