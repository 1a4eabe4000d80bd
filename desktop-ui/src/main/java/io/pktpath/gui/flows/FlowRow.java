package io.pktpath.gui.flows;

import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.NatRecord;
import io.pktpath.core.trace.ProtocolNames;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One connection of the flows view: conntrack's id, protocol, original and reply tuples, the NAT done to it (with
 * the rule), its state and how it ended, the packets each way, and its frames; with the record it shows, for export.
 */
public record FlowRow(long id, String protocol, String original, String reply, String nat, String state,
                      String outcome, long packetsOriginal, long packetsReply, long bytes, List<Long> frames,
                      FlowRecord record) {
    public FlowRow {
        frames = List.copyOf(frames);
        Objects.requireNonNull(record, "record");
    }

    public static FlowRow of(FlowRecord f) {
        String nat = f.nat().stream().map(FlowRow::nat).collect(Collectors.joining("; "));
        return new FlowRow(f.id(), ProtocolNames.name(f.original().protocol()), f.original().toString(),
                f.reply().toString(), nat, f.state() + (f.assured() ? " [ASSURED]" : ""), f.outcome(),
                f.packetsOriginal(), f.packetsReply(), f.bytesOriginal() + f.bytesReply(), f.frames(), f);
    }

    private static String nat(NatRecord n) {
        return n.kind() + n.rule().map(r -> " by " + r.label() + " (" + r.span() + ")").orElse("")
                + (n.detail().isEmpty() ? "" : ": " + n.detail());
    }
}
