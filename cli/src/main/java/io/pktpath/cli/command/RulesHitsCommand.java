package io.pktpath.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.EmptyInputs;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.Labels;
import io.pktpath.cli.render.RuleReportText;
import io.pktpath.cli.render.Style;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.rules.RuleReport;
import io.pktpath.core.rules.RuleUsage;
import io.pktpath.core.rules.ShadowedRule;
import io.pktpath.parser.iptables.model.Counters;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath rules hits}: per-rule hits of the replay beside the dump's counters, never-hit and shadowed rules. */
public final class RulesHitsCommand implements Command {
    @Override
    public String name() {
        return "rules hits";
    }

    @Override
    public String arguments() {
        return "[BUNDLE]";
    }

    @Override
    public String summary() {
        return "per-rule hit counts of the replay beside iptables-save -c deltas; rules never hit; shadowed rules";
    }

    @Override
    public String examples() {
        return """
                  pktpath rules hits samples/bundles/clusterip-tcp
                  pktpath rules hits bundle/ --all                    # also rules no packet hit
                  pktpath rules hits --rules iptables-save.txt        # no capture: shadowed rules only
                  pktpath rules hits bundle/ --format json --fail-on error   # exit 1 when a counter differs
                """;
    }

    @Override
    public Options options() {
        return Args.with(BundleOptions.addTo(new Options()), Args.format("text", "json"),
                Option.builder().longOpt("all").desc("list every rule in the hits table, also those with no hits, and every rule never hit (without it: the first 100)").build(),
                Args.failOn("counter differences (error) or shadowed rules (warning)"));
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException {
        List<String> args = Args.positional(line, name(), 0, "BUNDLE");
        String format = Args.format(line, name(), "text", "json");
        int failOn = Args.failOn(line);
        try (LoadedInput in = BundleSource.open(line, Args.at(args, 0), ctx.err())) {
            if (in.bundle().rulesetV4().isEmpty() && in.bundle().rulesetV6().isEmpty() && in.bundle().legacy().isEmpty()
                    && in.bundle().nftReplay().isEmpty()) {
                throw CliException.input(in.name() + ": no iptables-save dump and no replayed nftables chain in the bundle, so there are no rules to count"
                        + EmptyInputs.suffix(in.bundle().inventory()));
            }
            EmptyInputs.note(in.bundle().inventory(), List.of("no capture", "no iptables-save -c"), ctx.err());
            Optional<io.pktpath.core.netfilter.RuleHits> hits = Optional.empty();
            if (in.capture().isPresent() || Analyzer.mainCapture(in.bundle()).isPresent()) {
                AnalysisResult result = Replay.run(in, in.options(), t -> { }, ctx);
                Replay.requireReadableCapture(result);
                hits = result.hits();
            }
            RuleReport report = RuleReport.of(in.bundle(), hits);
            if (format.equals("json")) {
                ctx.out().println(json(report).toPrettyString());
            } else {
                RuleReportText.render(report, line.hasOption("all"),
                        new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR)), ctx.out());
            }
            boolean fail = failOn >= 1 && !report.disagreements().isEmpty() || failOn >= 2 && !report.shadowed().isEmpty();
            return fail ? ExitCode.FINDINGS : ExitCode.OK;
        }
    }

    private static ObjectNode json(RuleReport r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("replayed", r.replayed());
        o.put("kernelCounters", r.kernelCounters());
        ArrayNode rows = o.putArray("rules");
        for (RuleUsage u : r.rows()) {
            ObjectNode n = rows.addObject();
            n.put("family", u.family());
            n.put("table", u.table());
            n.put("chain", u.chain());
            if (io.pktpath.core.netfilter.LegacyTables.isLegacy(u.table())) {
                n.put("backend", io.pktpath.core.netfilter.LegacyTables.BACKEND);
            }
            if (u.isPolicy()) {
                n.putNull("rule");
                n.putNull("text");
                n.putNull("line");
            } else {
                n.put("rule", u.position());
                n.put("text", u.rule().get().text());
                n.put("line", u.rule().get().span().line());
                if (u.rule().get().span().column() > 0) {
                    n.put("column", u.rule().get().span().column());
                }
            }
            n.set("replay", counters(u.replayed()));
            u.kernel().ifPresentOrElse(k -> n.set("kernel", counters(k)), () -> n.putNull("kernel"));
            n.put("differs", u.disagrees());
            n.put("neverHit", r.replayed() && !u.isPolicy() && u.replayed().packets() == 0);
            u.shadowed().ifPresentOrElse(s -> n.put("shadowedBy", s.by().position()), () -> n.putNull("shadowedBy"));
        }
        ArrayNode shadowed = o.putArray("shadowed");
        for (ShadowedRule s : r.shadowed()) {
            ObjectNode n = shadowed.addObject();
            n.put("rule", Labels.rule(s.rule()));
            n.put("text", s.rule().text());
            n.put("by", Labels.rule(s.by()));
            n.put("byText", s.by().text());
            n.put("why", s.why());
        }
        ArrayNode notes = o.putArray("notes");
        r.notes().forEach(notes::add);
        return o;
    }

    private static ObjectNode counters(Counters c) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("packets", c.packets());
        n.put("bytes", c.bytes());
        return n;
    }
}
