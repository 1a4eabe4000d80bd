package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.input.BundleOptions;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.verify.TraceCoverage;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        return "[BUNDLE]";
    }

    @Override
    public String summary() {
        return "check the replay against the kernel's TRACE log and iptables-save -c counters in the bundle";
    }

    @Override
    public String examples() {
        return """
                  pktpath verify samples/bundles/clusterip-tcp          # exit 1 when pktpath and the kernel differ
                  pktpath verify bundle.tar.gz --capture node.pcap
                """;
    }

    @Override
    public Options options() {
        return BundleOptions.addTo(new Options());
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException, IOException {
        List<String> args = Args.positional(line, name(), 0, "BUNDLE");
        try (LoadedInput in = BundleSource.open(line, Args.at(args, 0))) {
            Path log = in.bundle().traceLogs().stream()
                    .min(Comparator.comparing((Path p) -> !String.valueOf(p.getFileName()).equals("trace.txt"))
                            .thenComparing(Path::toString))
                    .orElseThrow(() -> CliException.input(in.name() + ": no netfilter trace log in the bundle (expected"
                            + " the output of xtables-monitor --trace, e.g. trace.txt; give one with --trace-log FILE)"));
            Path dir = log.toAbsolutePath().getParent();
            Optional<Path> capture = in.capture().or(() -> {
                Path named = dir.resolve("capture.pcap");
                return Files.isRegularFile(named) ? Optional.of(named) : Analyzer.mainCapture(in.bundle());
            });
            if (capture.isEmpty()) {
                throw CliException.input(in.name() + ": no capture in the bundle to compare with the trace log");
            }
            String name = Path.of(in.name()).getFileName() == null ? in.name() : String.valueOf(Path.of(in.name()).getFileName());
            VerifyReport report = Verifier.verify(name, in.bundle(), capture,
                    Files.readString(log, StandardCharsets.UTF_8), TraceCoverage.fromScenarioEnv(dir));
            ctx.out().print(report.text());
            return report.agrees() ? ExitCode.OK : ExitCode.FINDINGS;
        }
    }
}
