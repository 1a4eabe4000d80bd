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

    /**
     * A hash of the kind and the detail sentence only (records equal in every field have equal ones): flows share one
     * record per distinct binding, and hashing the rule's reference too made each new flow's lookup of it cost more.
     */
    @Override
    public int hashCode() {
        return kind.ordinal() * 31 + detail.hashCode();
    }
}
