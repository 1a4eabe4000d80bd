package io.pktpath.cli.command;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.filter.FrameFilter;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.FrameLines;
import io.pktpath.core.report.ReportJson;
import io.pktpath.cli.render.Style;
import io.pktpath.cli.render.SummaryText;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.report.TraceJson;
import io.pktpath.core.replay.TraceSink;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath analyze}: the summary, then one line (or JSON object) per frame, filtered as asked. */
public final class AnalyzeCommand implements Command {
    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public String arguments() {
        return "[BUNDLE]";
    }

    @Override
    public String summary() {
        return "replay a capture through the node: summary, then one line per frame with its disposition and deciding rule";
    }

    @Override
    public String examples() {
        return """
                  pktpath analyze samples/bundles/clusterip-tcp
                  pktpath analyze bundle.tar.gz --disposition dropped          # only frames that failed
                  pktpath analyze bundle/ --frames 10-20 --host 10.96.0.10 --port 80 --proto tcp
                  pktpath analyze bundle/ --summary-only
                  pktpath analyze bundle/ --format jsonl --path | jq .disposition
                  pktpath analyze --rules iptables-save.txt --addr ip-addr.txt --routes ip-route.txt --capture node.pcap
                  pktpath analyze capture.pcap --format jsonl                   # no rules: frames are only decoded
                """;
    }

    @Override
    public Options options() {
        Options o = BundleOptions.addTo(new Options());
        return Args.with(o, Args.format("text", "json", "jsonl"),
                Option.builder().longOpt("frames").hasArg().argName("RANGES").desc("only these frames: 7, 10-20, 30-, or a list 1-5,9").build(),
                Option.builder().longOpt("disposition").hasArg().argName("LIST")
                        .desc("only frames with these dispositions: dropped (every failure), nat (NATed), or codes such as DROPPED_BY_RULE,FORWARDED").build(),
                Option.builder().longOpt("host").hasArg().argName("IP").desc("only frames from or to this address").build(),
                Option.builder().longOpt("port").hasArg().argName("N").desc("only frames from or to this port").build(),
                Option.builder().longOpt("proto").hasArg().argName("P").desc("only frames of this protocol (tcp, udp, icmp, ipv6-icmp, sctp, or a number)").build(),
                Option.builder().longOpt("summary-only").desc("print the summary, no frames").build(),
                Option.builder().longOpt("path").desc("json/jsonl: add every typed step of each frame under \"path\"").build(),
                Option.builder().longOpt("misses").desc("json/jsonl: add the rules that did not match under \"misses\"").build(),
                Args.failOn("findings or bundle diagnostics"));
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException, IOException {
        List<String> args = Args.positional(line, name(), 0, "BUNDLE");
        String format = Args.format(line, name(), "text", "json", "jsonl");
        int failOn = Args.failOn(line);
        FrameFilter filter = FrameFilter.of(line.getOptionValue("frames"), line.getOptionValue("disposition"),
                line.getOptionValue("host"), line.getOptionValue("port"), line.getOptionValue("proto"));
        boolean summaryOnly = line.hasOption("summary-only");
        boolean withPath = line.hasOption("path");
        Style style = new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR));
        try (LoadedInput in = BundleSource.open(line, Args.at(args, 0), ctx.err()); Spool spool = new Spool(format.equals("json") ? "," : "")) {
            AnalysisOptions options = in.options().withMisses(line.hasOption("misses"));
            // frames are written as JSON tokens straight to the output (jsonl, in the replay's order) or to the spool
            // (json), with no tree and, for jsonl, no String in between
            Writer jsonlText = new OutputStreamWriter(ctx.out(), StandardCharsets.UTF_8);
            JsonGenerator jsonl = TraceJson.generator(jsonlText);
            StringWriter frameText = new StringWriter(2048);
            JsonGenerator json = TraceJson.generator(frameText);
            TraceSink sink = summaryOnly ? t -> { } : switch (format) {
                case "jsonl" -> t -> {
                    if (filter.test(t)) {
                        try {
                            TraceJson.writeFrameLine(jsonl, t, withPath);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                };
                case "json" -> t -> {
                    if (filter.test(t)) {
                        try {
                            TraceJson.writeFrame(json, t, withPath);
                            json.flush();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        spool.add(frameText.toString()); // one String: a StringBuffer's charAt locks per character
                        frameText.getBuffer().setLength(0);
                    }
                };
                default -> {
                    FrameLines lines = new FrameLines(style);
                    yield t -> {
                        if (filter.test(t)) {
                            spool.add(lines.render(t));
                        }
                    };
                }
            };
            AnalysisResult result;
            try {
                result = Replay.run(in, options, sink, ctx);
            } finally {
                jsonl.flush();
                jsonlText.flush();
            }
            switch (format) {
                case "jsonl" -> SummaryText.render(in.name(), result, Style.PLAIN, ctx.err());
                case "json" -> json(in.name(), result, spool, ctx.out());
                default -> text(in.name(), result, spool, summaryOnly, style, ctx.out());
            }
            Replay.requireReadableCapture(result);
            return FailOn.exitCode(failOn, result.findings(), in.bundle().diagnostics());
        }
    }

    private static void text(String name, AnalysisResult result, Spool spool, boolean summaryOnly, Style style,
                             PrintStream out) throws IOException {
        SummaryText.render(name, result, style, out);
        if (summaryOnly) {
            return;
        }
        out.println(style.bold("frames (" + spool.lines() + " shown):"));
        spool.copyTo(out);
    }

    private static void json(String name, AnalysisResult result, Spool spool, PrintStream out) throws IOException {
        out.println("{");
        out.println("\"bundle\": " + TraceJson.line(com.fasterxml.jackson.databind.node.TextNode.valueOf(name)) + ",");
        out.println("\"summary\": " + TraceJson.line(ReportJson.summary(result)) + ",");
        out.println("\"frames\": [");
        spool.copyTo(out);
        out.println("],");
        out.println("\"flows\": " + TraceJson.line(ReportJson.flows(result.flows())) + ",");
        out.println("\"findings\": " + TraceJson.line(ReportJson.findings(result.findings())) + ",");
        ArrayNode diags = ReportJson.diagnostics(result.bundle().diagnostics());
        out.println("\"diagnostics\": " + TraceJson.line(diags) + ",");
        out.println("\"inventory\": " + TraceJson.line(ReportJson.inventory(result.bundle().inventory())));
        out.println("}");
    }
}
