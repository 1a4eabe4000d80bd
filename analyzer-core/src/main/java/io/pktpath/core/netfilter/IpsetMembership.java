package io.pktpath.core.netfilter;

import io.pktpath.parser.ipset.Dimension;
import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.SetProbe;
import java.util.List;
import java.util.Optional;

/**
 * Membership of a packet in an ipset as the replay has it: the bundle's {@code ipset save} changed by the SET targets
 * of earlier walks (committed) and of this walk so far.
 */
final class IpsetMembership {
    private IpsetMembership() {
    }

    /** The packet's element of the named set, empty when the set is unknown, a list:set, or lacks a packet value. */
    static Optional<IpsetKey> key(Evaluation e, String set, List<String> directions) {
        Optional<List<SetProbe>> element = e.ctx.facts().ipsetElement(set, directions, e.packet);
        return element.map(el -> new IpsetKey(set, el));
    }

    /**
     * Whether {@code -m set} matches; a SET target's change to the packet's exact element decides over the dump: an
     * element added and not expired is a member; deleted or expired, it is not, unless the set has a net dimension
     * (whose wider dump entries a host element's deletion leaves in place); empty when the set is not in the bundle.
     */
    static Optional<Boolean> contains(Evaluation e, String set, List<String> directions, boolean returnNomatch) {
        Optional<Boolean> dump = e.ctx.facts().ipsetContains(set, directions, returnNomatch, e.packet);
        if (dump.isEmpty() || !e.ipsetsChanged()) {
            return dump;
        }
        Optional<IpsetMember> changed = key(e, set, directions).flatMap(k -> e.state().ipsetMember(k));
        if (changed.isEmpty()) {
            return dump;
        }
        if (changed.get().liveAt(e.packet.timeNanos())) {
            return Optional.of(!returnNomatch || !hasNomatch(e, set));
        }
        return exactElements(e, set) ? Optional.of(false) : dump;
    }

    /** True when the packet's exact element is in the set now (a dump entry or a live change). */
    static boolean memberNow(Evaluation e, IpsetKey key, List<String> directions) {
        return contains(e, key.set(), directions, false).orElse(false);
    }

    private static boolean hasNomatch(Evaluation e, String set) {
        return e.ctx.facts().ipset(set).map(s -> s.type().hasNomatchEntries()).orElse(false);
    }

    /** True when every entry of the set is one exact element (no net dimension). */
    private static boolean exactElements(Evaluation e, String set) {
        Optional<IpSet> s = e.ctx.facts().ipset(set);
        return s.isPresent() && !s.get().type().dimensions().contains(Dimension.NET);
    }
}
