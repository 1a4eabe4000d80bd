package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.filter.FlowFilter;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.EmptyInputs;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.FlowsText;
import io.pktpath.core.report.ReportJson;
import io.pktpath.cli.render.Style;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.conntrack.FlowRecord;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath flows}: the connections of the replay as conntrack would hold them. */
public final class FlowsCommand implements Command {
    @Override
    public String name() {
        return "flows";
    }

    @Override
    public String arguments() {
        return "[BUNDLE]";
    }

    @Override
    public String summary() {
        return "connections as conntrack would hold them: tuples, NAT, state, packets, bytes, duration, outcome";
    }

    @Override
    public String examples() {
        return """
                  pktpath flows samples/bundles/clusterip-tcp
                  pktpath flows bundle/ --outcome unreplied     # connections that never got an answer
                  pktpath flows bundle/ --outcome tunnel        # an overlay's carrier flows (VXLAN, Geneve, IP-in-IP)
                  pktpath flows bundle/ --host 10.96.0.10 --port 53 --proto udp   # one service's DNS flows
                  pktpath flows bundle/ --format json
                """;
    }

    @Override
    public Options options() {
        return Args.with(BundleOptions.addTo(new Options()), Args.format("text", "json"),
                Option.builder().longOpt("outcome").hasArg().argName("WORD")
                        .desc("only flows with this outcome: " + String.join(", ", FlowFilter.OUTCOMES)).build(),
                Option.builder().longOpt("host").hasArg().argName("IP")
                        .desc("only flows with this address in either direction (client, service, endpoint or NAT address)").build(),
                Option.builder().longOpt("port").hasArg().argName("N").desc("only flows with this port in either direction").build(),
                Option.builder().longOpt("proto").hasArg().argName("P")
                        .desc("only flows of this protocol (tcp, udp, icmp, ipv6-icmp, sctp, or a number)").build());
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException {
        List<String> args = Args.positional(line, name(), 0, "BUNDLE");
        String format = Args.format(line, name(), "text", "json");
        FlowFilter filter = FlowFilter.of(line.getOptionValue("host"), line.getOptionValue("port"),
                line.getOptionValue("proto"), line.getOptionValue("outcome"));
        try (LoadedInput in = BundleSource.open(line, Args.at(args, 0), ctx.err())) {
            EmptyInputs.note(in.bundle().inventory(), List.of("no capture"), ctx.err());
            AnalysisResult result = Replay.run(in, in.options(), t -> { }, ctx);
            Replay.requireReadableCapture(result);
            List<FlowRecord> flows = result.flows().stream().filter(filter).toList();
            if (format.equals("json")) {
                ctx.out().println(ReportJson.flows(flows).toPrettyString());
            } else {
                FlowsText.render(flows, new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR)),
                        ctx.out());
            }
            return ExitCode.OK;
        }
    }
}
