package io.pktpath.samples;

import io.pktpath.core.analysis.SyntheticNode;
import io.pktpath.core.analysis.SyntheticTracer;
import io.pktpath.core.analysis.TraceRequest;
import io.pktpath.core.report.TraceJson;
import io.pktpath.parser.net.IpAddress;
import java.nio.file.Path;
import java.util.List;

/** Scratch: trace a synthetic packet. */
public final class TraceScratch {
    public static void main(String[] a) throws Exception {
        var b = SyntheticNode.bundle(Path.of(a[0]), List.of(IpAddress.parse("192.168.0.2")));
        b.diagnostics().forEach(d -> System.err.println(d.headline()));
        var t = new SyntheticTracer(b);
        for (var o : t.trace(new TraceRequest(IpAddress.parse(a[1]), IpAddress.parse(a[2]), 6, 40000, Integer.parseInt(a[3]), a.length > 4 ? a[4] : "eth0"), 64)) {
            System.out.println(o.probability() + " " + o.disposition() + " masq=" + o.masquerade() + " " + o.reason());
            System.out.println("   " + TraceJson.kernelSteps(o.steps()));
        }
    }
}
