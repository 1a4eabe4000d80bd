package io.pktpath.gui.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.core.report.TraceJson;
import io.pktpath.gui.frames.FrameRow;
import io.pktpath.gui.session.Session;

import java.util.List;

/**
 * The frame table as JSON: one object per visible row in the {@code analyze --format jsonl} contract (TraceJson)
 * when its trace is kept, else the row's own columns.
 */
public final class FramesJson {
    private FramesJson() {
    }

    public static ArrayNode of(List<FrameRow> rows, Session session) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (FrameRow row : rows) {
            a.add(session.keptTrace(row.frame()).map(t -> TraceJson.frame(t, true))
                    .orElseGet(() -> row(row)));
        }
        return a;
    }

    /** A row's columns: frame, time, iface, dir, src, dst, proto, info, role, disposition, nat. */
    public static ObjectNode row(FrameRow row) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("frame", row.frame());
        o.put("time", TraceJson.time(row.timeNanos()));
        o.put("iface", row.iface());
        o.put("dir", row.dir());
        o.put("src", row.sourceText());
        o.put("dst", row.destinationText());
        o.put("proto", row.protocol());
        o.put("info", row.info());
        o.put("role", row.role().name());
        o.put("disposition", row.disposition().name());
        o.put("nat", row.natted());
        return o;
    }
}
