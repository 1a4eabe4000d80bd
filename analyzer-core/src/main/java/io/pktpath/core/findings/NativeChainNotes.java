package io.pktpath.core.findings;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.Bundle;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds to each replayed frame that passed the hook of a native nftables base chain able to drop, reject or rewrite it
 * (pktpath does not replay those chains) a note naming the chain, or the chain's rule when that rule names the frame's
 * port, so that {@code explain} and the JSON output say what the replay left out. Frames of bundles without such
 * chains are returned as they are.
 */
public final class NativeChainNotes {
    private final List<NativeChainTracker.Watched> decisive;
    private final String file;

    private NativeChainNotes(Bundle bundle) {
        this.decisive = new NativeChainTracker(bundle).watched.stream()
                .filter(w -> w.hook.isPresent() && w.chain.canChangeVerdict()).toList();
        this.file = bundle.nftRuleset().map(r -> r.file()).orElse("");
    }

    /** The notes for a bundle's native chains (none when it has no nft ruleset or none of its chains can drop). */
    public static NativeChainNotes of(Bundle bundle) {
        return new NativeChainNotes(bundle);
    }

    /** True when some native chain can change a verdict, so frames may get notes. */
    public boolean active() {
        return !decisive.isEmpty();
    }

    /** The trace with a note per native chain whose hook it passed, or the same trace when there is none. */
    public PacketTrace annotate(PacketTrace t) {
        if (decisive.isEmpty() || (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT)) {
            return t;
        }
        List<String> added = new ArrayList<>();
        int family = t.datagram().family();
        for (TraceStep s : t.path()) {
            if (s instanceof HookStep h) {
                for (NativeChainTracker.Watched w : decisive) {
                    if (NativeChainTracker.sees(w, h.hook(), family, t)) {
                        added.add(note(w, h, t));
                    }
                }
            }
        }
        if (added.isEmpty()) {
            return t;
        }
        List<String> notes = new ArrayList<>(t.notes());
        notes.addAll(added);
        return new PacketTrace(t.packet(), t.role(), t.path(), t.disposition(), t.reasonText(), t.nat(), t.route(),
                t.correlated(), t.alternatives(), t.misses(), notes, t.flowId(), t.reassembled(), t.tunnel(),
                t.redirect());
    }

    private String note(NativeChainTracker.Watched w, HookStep h, PacketTrace t) {
        String chain = w.chain.qualifiedName() + " (priority " + w.chain.base().priorityText() + ")";
        for (NativeChainTracker.PortRule r : w.portRules) {
            if (NativeChainTracker.names(r, w, h.hook(), t)) {
                return "not replayed: the native nftables rule `" + r.rule.text() + "` (" + file + ":" + r.rule.line()
                        + ") of " + chain + " names this packet's port at " + w.chain.base().hook()
                        + "; the kernel may have ended it there (NFT_NATIVE_CHAINS)";
            }
        }
        return "not replayed: the native nftables chain " + chain + " at " + w.chain.base().hook() + " may have "
                + NativeChainFindings.verbs(w.chain) + " this packet (NFT_NATIVE_CHAINS)";
    }
}
