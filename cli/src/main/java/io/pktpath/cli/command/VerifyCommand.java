package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.EmptyInputs;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.VerifyJson;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code pktpath verify}: compares the replay with the kernel's own TRACE log and rule counters of a recorded bundle. */
public final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String arguments() {
        return "BUNDLE";
    }

    @Override
    public String summary() {
        return "check the replay against the kernel's TRACE log and iptables-save -c counters in the bundle";
    }

    @Override
    public String examples() {
        return """
                  pktpath verify samples/bundles/clusterip-tcp          # exit 1 when pktpath and the kernel differ
                  pktpath verify recorded-bundle.tar.gz
                  pktpath verify samples/bundles/conntrack-events --format json   # counts and differences for a script
                  pktpath verify samples/bundles/iptables-legacy-nft --nft-first  # differs: the kernel ran the legacy tables first
                """;
    }

    @Override
    public Options options() {
        return Args.with(new Options(), Args.format("text", "json"), io.pktpath.cli.input.BundleOptions.nftFirst());
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException, IOException {
        List<String> args = Args.positional(line, name(), 1, "BUNDLE");
        String format = Args.format(line, name(), "text", "json");
        try (LoadedInput in = BundleSource.open(line, Optional.of(args.get(0)), ctx.err())) {
            Path log = in.bundle().traceLogs().stream()
                    .min(Comparator.comparing((Path p) -> !String.valueOf(p.getFileName()).equals("trace.txt"))
                            .thenComparing(Path::toString))
                    .orElseThrow(() -> CliException.input(in.name() + ": no netfilter trace log in the bundle (expected"
                            + " trace.txt, the output of xtables-monitor --trace, recorded with the capture)"
                            + EmptyInputs.suffix(in.bundle().inventory())));
            Path dir = log.toAbsolutePath().getParent();
            if (!Files.isRegularFile(dir.resolve("trace.txt"))) {
                throw CliException.input(in.name() + ": the trace log " + log.getFileName() + " is not named trace.txt;"
                        + " verify reads a recorded bundle's trace.txt, capture.pcap and scenario.env");
            }
            VerifyReport report = Verifier.verify(dir, in.bundle().legacy().legacyFirst());
            if (format.equals("json")) {
                ctx.out().println(VerifyJson.of(report).toPrettyString());
            } else {
                ctx.out().print(report.text());
            }
            return report.agrees() ? ExitCode.OK : ExitCode.FINDINGS;
        }
    }
}
