/**
 * Connection tracking and NAT for the replay (netfilter-semantics §2, §5, §8). Per packet the orchestrator calls
 * {@link io.pktpath.core.conntrack.ConntrackTable#lookup} after raw PRE/OUT; for a
 * {@link io.pktpath.core.conntrack.CtLookup.Created} candidate it calls {@code bind}/{@code bindNull} when each nat
 * hook ends (DST at PRE/OUT, SRC at POST/IN) and folds the result in with {@code CtCandidate.withBinding}, rewriting
 * the packet with {@code NatBinding.rewrite}; for existing and RELATED cts it calls {@code applyNat} at every hook.
 * Nothing changes until the chosen outcome is committed: {@code confirm} at the last hook, {@code commitUnconfirmedDrop}
 * when the first packet died earlier, {@code commitPacket} for every packet of an existing ct (whatever its verdict),
 * {@code commitInvalid} for INVALID packets, {@code commitMark} for CONNMARK. TCP window tracking, helpers and
 * expectations, the masquerade interface binding, ICMP redirect drops for NATed cts and SCTP/DCCP state machines are
 * not modelled.
 */
package io.pktpath.core.conntrack;
