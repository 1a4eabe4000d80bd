package io.pktpath.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.DiagnosticText;
import io.pktpath.cli.render.InventoryText;
import io.pktpath.core.report.ReportJson;
import io.pktpath.cli.render.Style;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Severity;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath rules check}: what a bundle or dump holds, and every diagnostic compiler-style with a caret. */
public final class RulesCheckCommand implements Command {
    @Override
    public String name() {
        return "rules check";
    }

    @Override
    public String arguments() {
        return "[PATH]";
    }

    @Override
    public String summary() {
        return "inventory of a bundle or dump (tables, chains, rules, interfaces, routes, ...) and every diagnostic";
    }

    @Override
    public String examples() {
        return """
                  pktpath rules check iptables-save.txt
                  pktpath rules check samples/bundles/route-errors
                  pktpath rules check bundle.tar.gz --strict          # exit 1 when any error is found
                  pktpath rules check --rules rules.txt --format json
                """;
    }

    @Override
    public Options options() {
        return Args.with(BundleOptions.addFilesTo(new Options()), Args.format("text", "json"), BundleOptions.nftFirst(),
                Option.builder().longOpt("strict").desc("errors are fatal: exit 1 when any error diagnostic is found").build(),
                Args.failOn("diagnostics"));
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException {
        List<String> args = Args.positional(line, name(), 0, "PATH");
        String format = Args.format(line, name(), "text", "json");
        int failOn = line.hasOption("strict") ? Math.max(1, Args.failOn(line)) : Args.failOn(line);
        try (LoadedInput in = BundleSource.open(line, Args.at(args, 0), ctx.err())) {
            List<Diagnostic> diags = in.bundle().diagnostics();
            if (format.equals("json")) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("input", in.name());
                o.set("inventory", ReportJson.inventory(in.bundle().inventory()));
                o.set("contents", Contents.json(in.bundle()));
                o.set("diagnostics", ReportJson.diagnostics(diags));
                ctx.out().println(o.toPrettyString());
            } else {
                Style style = new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR));
                ctx.out().println(style.bold("input: " + in.name()));
                InventoryText.render(in.bundle(), style, ctx.out());
                ctx.out().println(style.bold("diagnostics:"));
                diags.forEach(d -> ctx.out().println(DiagnosticText.render(d, style)));
                ctx.out().println(count(diags, Severity.ERROR, "error") + ", " + count(diags, Severity.WARNING, "warning")
                        + ", " + count(diags, Severity.NOTE, "note"));
            }
            return FailOn.exitCode(failOn, List.of(), diags);
        }
    }

    private static String count(List<Diagnostic> diags, Severity s, String word) {
        long n = diags.stream().filter(d -> d.severity() == s).count();
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
