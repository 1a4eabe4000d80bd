package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.EmptyInputs;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.ExplainText;
import io.pktpath.cli.render.Style;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.analysis.FrameTraces;
import io.pktpath.core.report.TraceJson;
import io.pktpath.core.trace.PacketTrace;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath explain}: one frame's whole path through the node; only that frame's trace is kept in memory. */
public final class ExplainCommand implements Command {
    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String arguments() {
        return "[BUNDLE] FRAME";
    }

    @Override
    public String summary() {
        return "one frame's whole path: hooks, tables, chains, rules with file:line, conntrack, NAT, routing, neighbor";
    }

    @Override
    public String examples() {
        return """
                  pktpath explain samples/bundles/no-endpoints-reject 1
                  pktpath explain bundle/ 42 --misses        # also the rules that did not match, and why
                  pktpath explain bundle/ 42 --format json   # the frame's JSON object with every typed step
                """;
    }

    @Override
    public Options options() {
        return Args.with(BundleOptions.addTo(new Options()), Args.format("text", "json"),
                Option.builder().longOpt("misses").desc("also show every rule that did not match, with the first failing match and the packet's value").build());
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException, java.io.IOException {
        List<String> args = Args.positional(line, name(), 1, "BUNDLE", "FRAME");
        String format = Args.format(line, name(), "text", "json");
        long frame = frame(args.get(args.size() - 1));
        Optional<String> bundle = args.size() == 2 ? Optional.of(args.get(0)) : Optional.empty();
        try (LoadedInput in = BundleSource.open(line, bundle, ctx.err())) {
            if (in.capture().isEmpty() && Analyzer.mainCapture(in.bundle()).isEmpty()) {
                throw CliException.input(in.name() + ": no capture in the bundle, so there is no frame " + frame
                        + " to explain (give one with --capture FILE, or use 'pktpath trace' for a made-up packet)"
                        + EmptyInputs.suffix(in.bundle().inventory()));
            }
            EmptyInputs.note(in.bundle().inventory(), List.of("no capture"), ctx.err());
            // misses only for the frame explained: the frames before it replay at full speed, as without
            FrameTraces traces = Replay.traces(in, line.hasOption("misses") ? in.options().withMissesFor(frame)
                    : in.options(), frame, frame, ctx);
            Replay.requireReadableCapture(traces.capture());
            Optional<PacketTrace> found = traces.trace(frame);
            if (found.isEmpty()) {
                long frames = traces.framesSeen();
                throw CliException.usage("frame " + frame + " is out of range: " + traces.capture().map(c -> c.file())
                        .orElse("the capture") + " has " + frames + (frames == 1 ? " frame (1)" : " frames (1-" + frames + ")"));
            }
            if (format.equals("json")) {
                ctx.out().println(TraceJson.frame(found.get(), true).toPrettyString());
            } else {
                ExplainText.render(found.get(), new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR)),
                        ctx.out());
            }
            return ExitCode.OK;
        }
    }

    private static long frame(String text) throws CliException {
        try {
            long n = Long.parseLong(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage("explain: FRAME '" + text + "' is not a frame number (expected 1, 2, ... as the"
                + " first column of 'pktpath analyze' shows)");
    }
}
