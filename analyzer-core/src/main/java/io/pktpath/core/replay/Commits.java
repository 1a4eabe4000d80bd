package io.pktpath.core.replay;

import io.pktpath.core.conntrack.ConfirmResult;
import io.pktpath.core.conntrack.ConntrackTable;
import io.pktpath.core.conntrack.CtCandidate;
import io.pktpath.core.conntrack.CtDirection;
import io.pktpath.core.conntrack.CtLookup;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.netfilter.RuleHits;
import io.pktpath.core.netfilter.RuleState;
import io.pktpath.core.netfilter.TableResult;
import io.pktpath.core.netfilter.TableVerdict;
import io.pktpath.core.trace.CtState;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.target.RejectWith;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Commits a node's chosen runs in capture order: rule counters and rule state, conntrack's entries (packets of
 * existing ones, confirmation of new ones with the races it meets, expiry once a second of capture time), and the
 * answers a dropped packet owes (its reset or ICMP error carries its entry).
 */
final class Commits {
    private final ConntrackTable conntrack;
    private final boolean conntrackOn;
    private final RuleHits hits;
    private final RuleState ruleState;
    private final OwedAnswers owedAnswers;
    private final List<RaceEvidence> races = new ArrayList<>();
    private long lastExpiry = Long.MIN_VALUE;

    Commits(ConntrackTable conntrack, boolean conntrackOn, RuleHits hits, RuleState ruleState, OwedAnswers owedAnswers) {
        this.conntrack = conntrack;
        this.conntrackOn = conntrackOn;
        this.hits = hits;
        this.ruleState = ruleState;
        this.owedAnswers = owedAnswers;
    }

    /** Race evidence met while committing (same-tuple UDP pairs, SNAT port collisions), in capture order. */
    List<RaceEvidence> races() {
        return List.copyOf(races);
    }

    /**
     * Applies the chosen run {@code c} of {@code packet} ({@code run} is its path): its rule counters and rule state,
     * then its conntrack effects (an existing entry's packet, a new entry's confirmation, an answer it owes).
     */
    CommitOutcome commit(Commit c, PathRun run, Packet packet) {
        List<TableResult> tables = c.tables();
        int family = c.family();
        if (c.form() != Commit.NO_FORM) {
            // a remembered path's shared list (no rule state changes): counted as one packet of its form
            hits.commitForm(c.form(), tables, family, c.countedBytes());
        } else {
            // indexed, not for-each: the list's iterator would be made for every frame's commit
            for (int i = 0; i < tables.size(); i++) {
                TableResult t = tables.get(i);
                hits.commit(t, family, c.bytesOf(t));
                ruleState.commit(t.stateUpdates());
            }
        }
        if (!conntrackOn || c.lookup() == null) {
            return CommitOutcome.NONE;
        }
        if (c.lookup() instanceof CtLookup.Attached a) {
            owedAnswers.paid(a);
            return CommitOutcome.NONE;
        }
        if (c.lookup() instanceof CtLookup.Kept) {
            return CommitOutcome.NONE;
        }
        oweAnswer(c, run, packet);
        long time = packet.timeNanos();
        expireNow(time);
        CommitOutcome outcome = CommitOutcome.NONE;
        if (c.lookup() instanceof CtLookup.Existing e) {
            Optional<RaceEvidence> race = conntrack.commitPacket(e.ct(), e.direction(), packet, time);
            if (race.isPresent()) {
                races.add(race.get());
            }
            if (c.ct().isPresent() && c.ct().get().ctMark() != e.ct().mark()) {
                conntrack.commitMark(e.ct(), c.ct().get().ctMark());
            }
        } else if (c.lookup() instanceof CtLookup.Created) {
            if (c.confirm() && c.candidate().isPresent()) {
                ConfirmResult r = conntrack.confirm(c.candidate().get(), packet, time);
                if (r instanceof ConfirmResult.Confirmed ok) {
                    races.addAll(ok.races());
                } else if (r instanceof ConfirmResult.ClashResolved clash) {
                    races.addAll(clash.races());
                    outcome = new CommitOutcome(Optional.empty(), "", List.of(clash.detail()));
                } else if (r instanceof ConfirmResult.Dropped dropped) {
                    outcome = new CommitOutcome(Optional.of(Disposition.CONNTRACK_RACE), dropped.detail(), List.of());
                }
            } else if (c.candidate().isPresent()) {
                conntrack.commitUnconfirmedDrop(c.candidate().get());
            }
        } else if (c.lookup() instanceof CtLookup.Invalid) {
            conntrack.commitInvalid();
        }
        return outcome;
    }

    /**
     * A packet the node dropped and answers at once, with a TCP reset (REJECT tcp-reset) or an ICMP error (another
     * REJECT, a TTL that expired, a packet too big for the egress MTU, a route error): the answer carries its entry, RELATED in the reply direction when the
     * packet was in its connection's original direction (nf_ct_attach); a new entry is never confirmed.
     */
    private void oweAnswer(Commit c, PathRun run, Packet packet) {
        Disposition d = run.disposition();
        // most committed runs were not dropped: decided by the disposition alone, before reading any table result
        if (d != Disposition.REJECTED && !ForwardChecks.droppedBy(d) && d != Disposition.NO_ROUTE
                && d != Disposition.UNREACHABLE_ROUTE && d != Disposition.PROHIBIT_ROUTE) {
            return;
        }
        TableResult last = c.tables().isEmpty() ? null : c.tables().get(c.tables().size() - 1);
        boolean rejected = d == Disposition.REJECTED && last != null
                && last.verdict() == TableVerdict.REJECT;
        if (d == Disposition.REJECTED && !rejected) {
            return;
        }
        boolean reset = rejected
                && last.rejectWith().filter(w -> w == RejectWith.TCP_RESET).isPresent();
        Optional<CtCandidate> candidate = Optional.empty();
        CtInfo info;
        Tuple sent;
        if (c.lookup() instanceof CtLookup.Created && c.candidate().isPresent()) {
            CtCandidate n = c.candidate().get();
            candidate = Optional.of(n);
            sent = n.original();
            info = new CtInfo(CtState.RELATED, true, n.mark(), Set.of(), n.original(),
                    Optional.of(n.reply()), n.zone(), 0, n.id());
        } else if (c.lookup() instanceof CtLookup.Existing e) {
            boolean original = e.direction() == CtDirection.ORIGINAL;
            sent = original ? e.ct().original() : e.ct().reply();
            info = new CtInfo(CtState.RELATED, original, e.ct().mark(), Set.of(),
                    e.ct().original(), Optional.of(e.ct().reply()), e.ct().zone(), 0, e.ct().id());
        } else {
            return;
        }
        Tuple dropped = (rejected ? last.packet() : packet).tuple();
        String what = reset ? "the reset REJECT sent" : "the ICMP error the node sent";
        CtLookup.Attached attached = new CtLookup.Attached(candidate, info, packet.frame(), "RELATED"
                + (info.replyDirection() ? " (reply)" : "") + ": " + what + " for frame " + packet.frame()
                + " carries that packet's entry" + (candidate.isPresent() ? ", which is never confirmed" : ""));
        if (reset) {
            if (last.packet().isTcp()) {
                owedAnswers.oweReset(dropped, sent, attached, packet.timeNanos());
            }
        } else {
            owedAnswers.oweError(dropped, sent, attached, packet.timeNanos());
        }
    }

    private void expireNow(long time) {
        if (time - lastExpiry > 1_000_000_000L) {
            conntrack.expire(time);
            lastExpiry = time;
        }
    }
}
