package io.pktpath.gui.app;

import io.pktpath.gui.findings.FindingsView;
import io.pktpath.gui.flows.FlowsView;
import io.pktpath.gui.node.NodeView;
import io.pktpath.gui.rules.RulesView;

import java.util.List;
import java.util.function.LongPredicate;

/** The tabs besides the frames: rules, flows, findings, node; each links frames back to the table. */
final class OtherViews {
    private OtherViews() {
    }

    static List<SessionView> create(LongPredicate selectFrame) {
        return List.of(new RulesView(selectFrame), new FlowsView(selectFrame), new FindingsView(selectFrame),
                new NodeView());
    }
}
