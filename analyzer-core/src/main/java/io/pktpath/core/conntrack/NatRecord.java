package io.pktpath.core.conntrack;

import io.pktpath.core.trace.NatKind;
import io.pktpath.core.trace.RuleRef;
import java.util.Objects;
import java.util.Optional;

/** One NAT binding of a flow as the flows view shows it: the kind, the rule that chose it and the detail sentence. */
public record NatRecord(NatKind kind, Optional<RuleRef> rule, String detail) {
    public NatRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
    }
}
