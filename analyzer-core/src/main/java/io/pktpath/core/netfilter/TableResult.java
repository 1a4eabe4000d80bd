package io.pktpath.core.netfilter;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.parser.iptables.target.RejectWith;
import io.pktpath.parser.iptables.target.Target;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of walking one table's built-in chain for one hook: the verdict (with REJECT's answer), the packet and ct
 * after non-terminating targets (MARK, CONNMARK), a NAT target to execute, the rule that decided (empty when the policy
 * or the end of the table decided), whether the built-in chain's policy applied, raw-table conntrack effects, rule
 * state updates and rule hits to apply only on commit, the packet's byte count for counters, and notes (assumptions).
 * {@code chainPresent} is false when the table has no chain for the hook (then nothing happened: ACCEPT).
 */
public record TableResult(Hook hook, String table, String chain, boolean chainPresent, TableVerdict verdict,
                          Optional<RejectWith> rejectWith, Packet packet, Optional<CtInfo> ct,
                          Optional<NatRequest> nat, Optional<RuleRef> decidingRule, Optional<Target> decidingTarget,
                          boolean policyApplied, RawEffects raw, List<StateUpdate> stateUpdates, List<RuleRef> hits,
                          long bytes, List<String> notes) {
    public TableResult {
        Objects.requireNonNull(hook, "hook");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(rejectWith, "rejectWith");
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(ct, "ct");
        Objects.requireNonNull(nat, "nat");
        Objects.requireNonNull(decidingRule, "decidingRule");
        Objects.requireNonNull(decidingTarget, "decidingTarget");
        Objects.requireNonNull(raw, "raw");
        stateUpdates = List.copyOf(stateUpdates);
        hits = hits instanceof HitList ? hits : List.copyOf(hits);
        notes = List.copyOf(notes);
    }

    /** The result for a table without a chain for this hook: nothing happens and the packet goes on. */
    public static TableResult absent(Hook hook, String table, Packet packet, Optional<CtInfo> ct) {
        return new TableResult(hook, table, hook.name(), false, TableVerdict.ACCEPT, Optional.empty(), packet, ct,
                Optional.empty(), Optional.empty(), Optional.empty(), false, RawEffects.NONE, List.of(), List.of(),
                packet.length(), List.of());
    }
}
