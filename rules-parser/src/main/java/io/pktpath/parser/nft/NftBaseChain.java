package io.pktpath.parser.nft;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What makes a chain a base chain: its type ({@code filter}, {@code nat}, {@code route}), the hook it is attached to,
 * the priority as written ({@code filter + 10}) and as a number (empty when the name is not a known one), the device
 * (netdev ingress/egress), and the policy ({@code accept} when none is printed).
 */
public record NftBaseChain(String type, String hook, String priorityText, OptionalInt priority, Optional<String> device,
                           String policy) {
    public NftBaseChain {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(priorityText, "priorityText");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * {@code type filter hook input priority filter + 10 (10), policy accept} ({@code hook ingress devices = { eth0, lo
     * } ...} for several devices), the way the inventory and findings print it.
     */
    public String describe() {
        String number = priority.isPresent() && !priorityText.equals(String.valueOf(priority.getAsInt()))
                ? " (" + priority.getAsInt() + ")" : "";
        return "type " + type + " hook " + hook + device.map(d -> d.contains(",") ? " devices = { "
                + d.replace(",", ", ") + " }" : " device " + d).orElse("") + " priority "
                + priorityText + number + ", policy " + policy;
    }
}
