package io.pktpath.core.netfilter;

import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.target.Target;
import java.util.Objects;

/** A NAT target (DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP) that fired in a nat chain; the NAT engine executes it. */
public record NatRequest(Hook hook, Target target, RuleRef rule) {
    public NatRequest {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(rule, "rule");
    }
}
