package io.pktpath.gui.flows;

import io.pktpath.core.conntrack.FlowCarriers;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.NatRecord;
import io.pktpath.core.trace.ProtocolNames;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One connection of the flows view: conntrack's id, protocol, original and reply tuples, the NAT done to it (with
 * the rule), its state and how it ended ("unreplied (tunnel)" for an overlay's carrier flow, where that is the
 * kernel's normal), its part in an overlay tunnel ("" for none: the tunnel and the flows it carried for a carrier
 * flow, the tunnel and its carrier flows for a flow the tunnel carried), the packets each way, and its frames; with
 * the record it shows, for export.
 */
public record FlowRow(long id, String protocol, String original, String reply, String nat, String state,
                      String outcome, String tunnel, long packetsOriginal, long packetsReply, long bytes,
                      List<Long> frames, FlowRecord record) {
    public FlowRow {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(tunnel, "tunnel");
        frames = List.copyOf(frames);
        Objects.requireNonNull(record, "record");
    }

    public static FlowRow of(FlowRecord f) {
        String nat = f.nat().stream().map(FlowRow::nat).collect(Collectors.joining("; "));
        return new FlowRow(f.id(), ProtocolNames.name(f.original().protocol()), f.original().toString(),
                f.reply().toString(), nat, f.state() + (f.assured() ? " [ASSURED]" : ""),
                f.unrepliedCarrier() ? f.outcome() + " (tunnel)" : f.outcome(),
                tunnel(f), f.packetsOriginal(), f.packetsReply(), f.bytesOriginal() + f.bytesReply(), f.frames(), f);
    }

    /** The Tunnel column: what a carrier flow carried, which flows carried this one, both for a nested tunnel. */
    static String tunnel(FlowRecord f) {
        Stream<String> carrier = f.tunnel().map(t -> f.unrepliedCarrier() ? t.explanation() : t.carried()).stream();
        Stream<String> carried = f.carriedBy().map(FlowCarriers::carried).stream();
        return Stream.concat(carrier, carried).collect(Collectors.joining("; "));
    }

    private static String nat(NatRecord n) {
        return n.kind() + n.rule().map(r -> " by " + r.label() + " (" + r.span() + ")").orElse("")
                + (n.detail().isEmpty() ? "" : ": " + n.detail());
    }
}
