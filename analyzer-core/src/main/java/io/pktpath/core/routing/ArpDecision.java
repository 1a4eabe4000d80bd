package io.pktpath.core.routing;

import io.pktpath.core.trace.ArpRule;
import io.pktpath.core.trace.ArpStep;
import io.pktpath.core.trace.CheckStep;
import java.util.List;
import java.util.Objects;

/**
 * arp_process's answer to an ARP request received on a device: whether the node replies, the rule that decided, the
 * sentence with what it read, and the input route's checks (rp_filter, forwarding, martians) in kernel order.
 */
public record ArpDecision(boolean answers, ArpRule rule, String detail, List<CheckStep> checks) {
    public ArpDecision {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
        checks = List.copyOf(checks);
    }

    ArpDecision(boolean answers, ArpRule rule, String detail) {
        this(answers, rule, detail, List.of());
    }

    /** The trace step of this decision for a request received on {@code dev} asking for {@code target}. */
    public ArpStep toStep(String dev, io.pktpath.parser.net.IpAddress target) {
        return new ArpStep(rule, answers, dev, target, detail);
    }
}
