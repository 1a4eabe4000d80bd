package io.pktpath.cli.command;

import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.Context;
import io.pktpath.core.bench.EndToEndBench;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code pktpath bench}: generates a kube-proxy-shaped node and pod-to-service capture of the given size and prints
 * parse time, first-packet cost, frames/s, MB/s and peak memory beside tcpdump and tshark on the same capture
 * (docs/benchmarks.md).
 */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String arguments() {
        return "";
    }

    @Override
    public String summary() {
        return "benchmark: generate a kube-proxy node and capture, then time parsing and replay beside tcpdump and tshark";
    }

    @Override
    public String examples() {
        return """
                  pktpath bench --services 10000 --frames 1000000 --tools    # the docs/benchmarks.md workload
                  pktpath bench --services 100 --frames 20000 --dir /tmp/pb  # a quick run
                  pktpath bench --services 10000 --nft                        # the same node in kube-proxy's nftables mode
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("dir").hasArg().argName("DIR")
                .desc("where generated bundles are kept and reused (default: <tmp>/pktpath-bench)").build());
        o.addOption(Option.builder().longOpt("services").hasArg().argName("N").desc("kube-proxy services (default 1000)").build());
        o.addOption(Option.builder().longOpt("frames").hasArg().argName("N").desc("capture frames (default 100000)").build());
        o.addOption(Option.builder().longOpt("runs").hasArg().argName("N").desc("timed replay runs (default 1)").build());
        o.addOption(Option.builder().longOpt("tools").desc("also time tcpdump -r and tshark -T fields when installed").build());
        o.addOption(Option.builder().longOpt("digest").desc("print a digest of every trace (to compare runs)").build());
        o.addOption(Option.builder().longOpt("nft").desc("the node runs kube-proxy's nftables mode (nft ruleset instead"
                + " of iptables-save; the same capture)").build());
        return o;
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException, IOException {
        Args.positional(line, name(), 0, "");
        String dir = line.getOptionValue("dir",
                Path.of(System.getProperty("java.io.tmpdir"), "pktpath-bench").toString());
        List<String> args = new ArrayList<>(List.of(dir, number(line, "services", "1000"), number(line, "frames", "100000")));
        if (line.hasOption("runs")) {
            args.add("--runs");
            args.add(number(line, "runs", "1"));
        }
        if (line.hasOption("tools")) {
            args.add("--tools");
        }
        if (line.hasOption("digest")) {
            args.add("--digest");
        }
        if (line.hasOption("nft")) {
            args.add("--nft");
        }
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            EndToEndBench.main(args.toArray(String[]::new));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.input("bench interrupted");
        } catch (io.pktpath.core.bundle.BundleOpenException e) {
            throw CliException.input(e.getMessage());
        } finally {
            System.setOut(original);
        }
        ctx.out().print(buffer.toString(StandardCharsets.UTF_8));
        return 0;
    }

    private static String number(CommandLine line, String option, String fallback) throws CliException {
        String value = line.getOptionValue(option, fallback);
        try {
            if (Long.parseLong(value) <= 0) {
                throw CliException.usage("--" + option + " must be a positive whole number, not '" + value + "'");
            }
        } catch (NumberFormatException e) {
            throw CliException.usage("--" + option + " must be a positive whole number, not '" + value + "'");
        }
        return value;
    }
}
