package io.pktpath.core.analysis;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replay in numbers, for the first screen of a report: frames, frames by role and by disposition (in the enum's
 * order), drops grouped by cause (most frames first), NAT mappings (most packets first), and assumptions with how many
 * frames each concerns.
 */
public record Summary(long frames, Map<FrameRole, Long> roles, Map<Disposition, Long> dispositions,
                      List<DropCause> drops, List<NatMapping> natMappings, Map<String, Long> assumptions) {
    public Summary {
        roles = Collections.unmodifiableMap(new EnumMap<>(roles.isEmpty() ? new EnumMap<>(FrameRole.class) : roles));
        dispositions = Collections.unmodifiableMap(
                new EnumMap<>(dispositions.isEmpty() ? new EnumMap<>(Disposition.class) : dispositions));
        drops = List.copyOf(drops);
        natMappings = List.copyOf(natMappings);
        assumptions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(assumptions, "assumptions")));
    }
}
