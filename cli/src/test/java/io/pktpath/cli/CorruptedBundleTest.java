package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.bundle.OpenedBundle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole recorded bundles with one file corrupted (cut, a line doubled or dropped, bytes overwritten, a token swapped, a
 * number made huge or negative, a JSON value's type changed, a capture record's length beyond the file, emptied) go
 * through bundle opening, the analysis and the CLI's commands without a stack trace or an internal error, and the
 * output names the corrupted file. Fixed seeds; {@code -Dpktpath.corruption.sweep=N} runs N seeds per case instead of one.
 */
class CorruptedBundleTest {
    /** One file of one bundle to corrupt, standing for one input kind. */
    private record Target(String bundle, String file) {
    }

    /** Every input kind a bundle holds, each in a bundle that has it. */
    private static final List<Target> TARGETS = List.of(
            new Target("clusterip-tcp", "iptables-save.txt"),
            new Target("clusterip-tcp", "iptables-save-c-after.txt"),
            new Target("clusterip-affinity-dualstack", "ip6tables-save-c-after.txt"),
            new Target("clusterip-affinity-dualstack", "ip-j-rule.json"),
            new Target("clusterip-tcp", "ip-addr.txt"),
            new Target("clusterip-tcp", "ip-link.txt"),
            new Target("clusterip-tcp", "ip-route.txt"),
            new Target("clusterip-tcp", "ip-rule.txt"),
            new Target("clusterip-tcp", "ip-neigh.txt"),
            new Target("clusterip-tcp", "ip-j-addr.json"),
            new Target("clusterip-tcp", "ip-j-route.json"),
            new Target("nft-limit", "ip-j-d-link.json"),
            new Target("clusterip-tcp", "sysctl.txt"),
            new Target("clusterip-tcp", "conntrack-L.txt"),
            new Target("clusterip-tcp", "conntrack-S.txt"),
            new Target("conntrack-events", "conntrack-events.txt"),
            new Target("ipset-calico", "ipset-save.txt"),
            new Target("nft-native-firewall", "nft-ruleset.txt"),
            new Target("nft-limit", "nft-ruleset.json"),
            new Target("nft-native-firewall", "ss-tlnp.txt"),
            new Target("multicast-reports", "ip-maddr.txt"),
            new Target("clusterip-tcp", "uname.txt"),
            new Target("clusterip-tcp", "trace.txt"),
            new Target("nft-native-firewall", "nft-trace.txt"),
            new Target("clusterip-tcp", "capture.pcap"),
            new Target("clusterip-tcp", "capture.pcapng"),
            new Target("clusterip-tcp", "ipvsadm.txt"));

    /** One way to corrupt a file. */
    enum Mutation {
        TRUNCATE, DUPLICATE_LINE, DELETE_LINE, OVERWRITE_BYTES, SWAP_TOKEN, EXTREME_NUMBER, JSON_TYPE, CAPTURE_LENGTH, EMPTY
    }

    private static final String[] EXTREMES = {"99999999999999999999999", "-1", "2147483648", "-2147483649",
        "4294967296", "9223372036854775808", "0", "-0", "1e400"};
    private static final String[] JSON_VALUES = {"null", "\"x\"", "[]", "{}", "-1", "1e400", "true", "99999999999999999999",
        "[[[]]]", "{\"a\":{}}"};
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern JSON_VALUE = Pattern.compile(":\\s*(\"[^\"]*\"|-?[0-9.eE+-]+|true|false|null|\\[|\\{)");

    private static final String IPVS = """
            -A -t 10.96.0.10:80 -s rr -p 10800
            -a -t 10.96.0.10:80 -r 10.244.1.3:8080 -m -w 1
            -a -t 10.96.0.10:80 -r 10.244.1.4:8080 -m -w 1
            -A -u 10.96.0.10:53 -s rr
            -A -f 7 -s sh
            -a -f 7 -r 10.244.1.5:0 -g -w 2
            """;

    @TempDir
    Path tmp;

    @Test
    void noCorruptedFileCrashesAnyEntryPoint() throws IOException {
        int seeds = Integer.getInteger("pktpath.corruption.sweep", 1);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int run = 0;
        for (Target t : targets()) {
            for (Mutation m : Mutation.values()) {
                for (int s = 0; s < seeds; s++) {
                    long seed = (31L * (t.bundle() + "/" + t.file()).hashCode() + m.ordinal()) * 100_003L + s;
                    Path dir = tmp.resolve("case-" + cases++);
                    Optional<String> what = corruptCopy(t, m, new Random(seed), dir);
                    if (what.isEmpty()) {
                        continue;
                    }
                    String label = t.bundle() + "/" + t.file() + " " + m + " seed " + seed + " (" + what.get() + ")";
                    check(dir, t.file(), m, label, run++, failures);
                    deleteTree(dir);
                }
            }
        }
        System.out.println("CorruptedBundleTest: " + targets().size() + " files, " + run + " corrupted bundles run");
        assertTrue(run >= 5 * targets().size() * seeds, "cases run: " + run);
        if (!failures.isEmpty()) {
            fail(failures.size() + " corrupted bundles crashed:\n" + String.join("\n", failures));
        }
    }

    /**
     * {@link #TARGETS}, or with {@code -Dpktpath.corruption.bundles=a,b} every file (but the README) of those bundles.
     */
    private static List<Target> targets() throws IOException {
        String bundles = System.getProperty("pktpath.corruption.bundles", "");
        if (bundles.isBlank()) {
            return TARGETS;
        }
        List<Target> all = new ArrayList<>();
        for (String b : bundles.split(",")) {
            try (Stream<Path> files = Files.list(Cli.root().resolve("samples/bundles").resolve(b.strip()))) {
                files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("README.md")).sorted()
                        .forEach(f -> all.add(new Target(b.strip(), f)));
            }
        }
        return all;
    }

    /**
     * The option that names a target file on its own ({@code --rules FILE}, ...), or empty for a file no option names
     * (it is given as the single-file BUNDLE argument instead).
     */
    static Optional<String> optionFor(String file) {
        String f = file.replace("ip-j-", "ip-").replace(".json", ".txt");
        if (f.startsWith("iptables-legacy-save") && !f.contains("-c-")) {
            return Optional.of("--rules-legacy");
        }
        if (f.startsWith("ip6tables-save")) {
            return Optional.of("--rules6");
        }
        if (f.startsWith("iptables-save")) {
            return Optional.of("--rules");
        }
        String[][] names = {{"ip-addr.txt", "--addr"}, {"ip-link.txt", "--link"}, {"ip-d-link.txt", "--link"},
            {"ip-route.txt", "--routes"}, {"ip-6-route.txt", "--routes6"}, {"ip-rule.txt", "--ip-rule"},
            {"ip-6-rule.txt", "--ip-rule"}, {"ip-neigh.txt", "--neigh"}, {"ip-maddr.txt", "--maddr"},
            {"sysctl.txt", "--sysctl"}, {"conntrack-L.txt", "--conntrack"}, {"conntrack-events.txt", "--conntrack-events"},
            {"ipset-save.txt", "--ipset"}, {"nft-ruleset.txt", "--nft"}, {"ss-tlnp.txt", "--sockets"},
            {"ipvsadm.txt", "--ipvsadm"}, {"trace.txt", "--trace-log"}, {"capture.pcap", "--capture"},
            {"capture.pcapng", "--capture"}};
        for (String[] n : names) {
            if (n[0].equals(f)) {
                return Optional.of(n[1]);
            }
        }
        return Optional.empty();
    }

    @Test
    void noCorruptedFileNamedOnItsOwnCrashesAnyCommand() throws IOException {
        // the --rules/--capture/--addr/... entry points and a single file as BUNDLE: every target file, every mutation
        // in the sweep; one in three mutations per file (in turn) by default
        int seeds = Integer.getInteger("pktpath.corruption.sweep", 0);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int run = 0;
        List<Target> targets = targets();
        for (int t = 0; t < targets.size(); t++) {
            Target target = targets.get(t);
            for (Mutation m : Mutation.values()) {
                if (seeds == 0 && (t + m.ordinal()) % 3 != 0) {
                    continue;
                }
                for (int s = 0; s < Math.max(1, seeds); s++) {
                    long seed = (37L * (target.bundle() + "/" + target.file()).hashCode() + m.ordinal()) * 100_019L + s;
                    Path dir = tmp.resolve("single-" + cases++);
                    Optional<String> what = corruptCopy(target, m, new Random(seed), dir);
                    if (what.isEmpty()) {
                        continue;
                    }
                    String label = target.bundle() + "/" + target.file() + " " + m + " seed " + seed + " (" + what.get()
                            + ")";
                    checkSingle(dir, target.file(), m, label, run++, failures);
                    deleteTree(dir);
                }
            }
        }
        System.out.println("CorruptedBundleTest: " + run + " corrupted files named on their own run");
        assertTrue(run >= targets.size() * 2 * Math.max(1, seeds), "cases run: " + run);
        if (!failures.isEmpty()) {
            fail(failures.size() + " corrupted files named on their own crashed:\n" + String.join("\n", failures));
        }
    }

    /** True when a command failed as pktpath's own bug would: exit 4, a stack trace, or an internal error message. */
    private static boolean crashed(Cli.Result r) {
        return r.exit() == ExitCode.INTERNAL || r.err().contains("\tat ") || r.err().contains("internal error");
    }

    /** What a crashed command printed, and the first pktpath frame of its stack trace (run again with --debug). */
    private static String crash(String[] args, Cli.Result r) {
        String[] debug = Arrays.copyOf(args, args.length + 1);
        debug[args.length] = "--debug";
        String where = Cli.run(debug).err().lines().filter(l -> l.contains("at io.pktpath")).findFirst().orElse("");
        return "exit " + r.exit() + ": " + r.err().strip() + " " + where.strip();
    }

    private static void checkSingle(Path dir, String file, Mutation m, String label, int turn, List<String> failures) {
        Path f = dir.resolve(file);
        Optional<String> option = optionFor(file);
        // the intact rules and capture of the same bundle beside the corrupted file, when it is neither
        // (a file no option names is given alone, as the single-file BUNDLE)
        List<String> named = new ArrayList<>(List.of(f.toString()));
        if (option.isPresent()) {
            named = new ArrayList<>(List.of(option.get(), f.toString()));
            if (!option.get().equals("--rules") && Files.exists(dir.resolve("iptables-save.txt"))) {
                named.addAll(List.of("--rules", dir.resolve("iptables-save.txt").toString()));
            }
            if (!option.get().equals("--capture") && Files.exists(dir.resolve("capture.pcap"))) {
                named.addAll(List.of("--capture", dir.resolve("capture.pcap").toString()));
            }
        }
        List<List<String>> commands = new ArrayList<>();
        commands.add(option.isPresent() ? List.of("rules", "check", option.get(), f.toString())
                : List.of("rules", "check", f.toString()));
        switch (turn % 4) {
            case 0 -> commands.add(concat(List.of("analyze", "--summary-only"), named));
            case 1 -> commands.add(concat(List.of("flows"), named));
            case 2 -> commands.add(List.of("analyze", f.toString(), "--format", "json"));
            default -> commands.add(option.equals(Optional.of("--rules"))
                    ? List.of("trace", "--rules", f.toString(), "--src", "10.244.1.2", "--dst", "10.96.0.10", "--proto",
                            "tcp", "--dport", "80")
                    : option.isPresent() ? concat(List.of("explain", "1"), named) : List.of("explain", f.toString(), "1"));
        }
        if (option.equals(Optional.of("--rules-legacy")) && Files.exists(dir.resolve("iptables-save.txt"))) {
            // trace's own entry point for the legacy dump, beside the intact iptables-nft dump, on every case
            commands.add(List.of("trace", "--rules", dir.resolve("iptables-save.txt").toString(), "--rules-legacy",
                    f.toString(), "--src", "10.244.1.2", "--dst", "10.96.0.10", "--proto", "tcp", "--dport", "80"));
        }
        for (List<String> command : commands) {
            List<String> args = concat(command, List.of("--no-color"));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            String cmd = String.join(" ", args).replace(dir.toString() + "/", "");
            if (crashed(r)) {
                failures.add(label + ": " + cmd + " " + crash(args.toArray(String[]::new), r));
            } else if ((command.get(0).equals("rules") || m == Mutation.EMPTY) && !(r.out() + r.err()).contains(file)) {
                // rules check lists the file it read or ignored; an emptied file is named by every command
                failures.add(label + ": " + cmd + " does not name " + file + ": " + (r.err() + r.out()).strip()
                        .lines().limit(3).toList());
            }
        }
    }

    @Test
    void noCutOrDamagedArchiveCrashesAndACutOneIsNamedOrLosesNothing() throws IOException {
        // each archive kind cut at a random byte, with random bytes overwritten, and with one member corrupted
        int seeds = Integer.getInteger("pktpath.corruption.sweep", 1);
        String named = System.getProperty("pktpath.corruption.bundles", "");
        List<String> bundles = named.isBlank() ? List.of("clusterip-tcp")
                : Arrays.stream(named.split(",")).map(String::strip).toList();
        List<String> failures = new ArrayList<>();
        int run = 0;
        for (String bundle : bundles) {
            List<Path> files = Archives.files(Cli.root().resolve("samples/bundles").resolve(bundle));
            for (Archives.Kind kind : Archives.Kind.values()) {
                byte[] intact = Archives.pack(files, bundle + "/", kind);
                Path whole = tmp.resolve(bundle + "-intact" + kind.suffix);
                Files.write(whole, intact);
                String intactCheck = Cli.run("rules", "check", whole.toString(), "--no-color").out()
                        .replace(whole.toString(), "ARCHIVE");
                for (String how : List.of("cut", "overwritten", "member")) {
                    for (int s = 0; s < seeds; s++) {
                        Random rnd = new Random((41L * (bundle + kind + how).hashCode()) * 100_043L + s);
                        Path archive = tmp.resolve(bundle + "-" + how + "-" + s + kind.suffix);
                        String label = bundle + " " + kind + " " + how + " seed " + s;
                        byte[] bytes = switch (how) {
                            case "cut" -> mutate(intact, Mutation.TRUNCATE, rnd, true, false).orElseThrow();
                            case "overwritten" -> mutate(intact, Mutation.OVERWRITE_BYTES, rnd, true, false).orElseThrow();
                            default -> Archives.pack(corruptedMember(files, rnd, tmp.resolve("member-" + run)),
                                    bundle + "/", kind);
                        };
                        Files.write(archive, bytes);
                        label += " (" + bytes.length + " of " + intact.length + " bytes)";
                        run++;
                        checkArchive(archive, how.equals("cut") ? intactCheck : "", label, run, failures);
                        Files.delete(archive);
                    }
                }
            }
        }
        System.out.println("CorruptedBundleTest: " + run + " cut or damaged archives run");
        if (!failures.isEmpty()) {
            fail(failures.size() + " cut or damaged archives crashed:\n" + String.join("\n", failures));
        }
    }

    /** The bundle's files copied into {@code dir}, one of them (at random) corrupted with a random mutation. */
    private static List<Path> corruptedMember(List<Path> files, Random rnd, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            Path copy = dir.resolve(f.getFileName());
            Files.copy(f, copy);
            out.add(copy);
        }
        Path victim = out.get(rnd.nextInt(out.size()));
        String name = victim.getFileName().toString();
        Mutation m = Mutation.values()[rnd.nextInt(Mutation.values().length)];
        mutate(Files.readAllBytes(victim), m, rnd, name.endsWith(".pcap") || name.endsWith(".pcapng"), name.endsWith(".json"))
                .ifPresent(b -> {
                    try {
                        Files.write(victim, b);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        return out;
    }

    private static void checkArchive(Path archive, String intactCheck, String label, int turn, List<String> failures) {
        String name = archive.getFileName().toString();
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"rules", "check", archive.toString(), "--no-color"});
        commands.add(turn % 2 == 0 ? new String[] {"analyze", archive.toString(), "--summary-only", "--no-color"}
                : new String[] {"flows", archive.toString(), "--no-color"});
        if (turn % 3 == 0 && Integer.getInteger("pktpath.corruption.sweep", 0) > 0) {
            commands.add(new String[] {"verify", archive.toString(), "--no-color"});
        }
        for (String[] args : commands) {
            Cli.Result r = Cli.run(args);
            String cmd = String.join(" ", Arrays.copyOf(args, args[0].equals("rules") ? 2 : 1));
            if (crashed(r)) {
                failures.add(label + ": " + cmd + " " + crash(args, r));
            } else if (args[0].equals("rules") && !intactCheck.isEmpty() && !r.err().contains(name)
                    && !r.out().replace(archive.toString(), "ARCHIVE").equals(intactCheck)) {
                // a cut archive is named with where it ends, or nothing in it was lost (a cut in a tar's padding)
                failures.add(label + ": " + cmd + " neither names the cut archive nor reads all it held: "
                        + r.err().strip());
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void anIpsetDumpWithoutTheSetThatKeepsPodTrafficUnmasqueradedIsAnalyzed() throws IOException {
        // found by this test (DELETE_LINE): ICMP packets predicted masqueraded threw StringIndexOutOfBoundsException
        // in the findings, which compared the packets' addresses as if they had ports
        Path dir = tmp.resolve("ipset");
        corruptCopy(new Target("ipset-calico", "ipset-save.txt"), Mutation.JSON_TYPE, new Random(1), dir);
        Path save = dir.resolve("ipset-save.txt");
        List<String> lines = new ArrayList<>(Files.readAllLines(save));
        assertTrue(lines.remove(3).equals("add cali40all-ipam-pools 10.244.0.0/16"), lines.toString());
        Files.write(save, lines);
        for (String format : new String[] {"text", "json"}) {
            Cli.Result r = Cli.run("analyze", dir.toString(), "--format", format, "--no-color");
            assertNotEquals(ExitCode.INTERNAL, r.exit(), r.err());
            assertTrue(r.out().contains("looks like this packet leaving on cali"), r.out());
        }
    }

    @Test
    void aTraceLogWithAPacketLineBrokenIsStillVerified() throws IOException {
        // found by this test's sweep (iptables-legacy-nft/trace.txt, SWAP_TOKEN): verify exited 4 with
        // ArrayIndexOutOfBoundsException on a traced packet whose PACKET: line was unreadable
        Path dir = tmp.resolve("trace");
        corruptCopy(new Target("iptables-legacy-nft", "trace.txt"), Mutation.JSON_TYPE, new Random(1), dir);
        Path trace = dir.resolve("trace.txt");
        Files.write(trace, mutate(Files.readAllBytes(trace), Mutation.SWAP_TOKEN, new Random(-3124373470492263L), false,
                false).orElseThrow());
        Cli.Result r = Cli.run("verify", dir.toString(), "--no-color");
        assertNotEquals(ExitCode.INTERNAL, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("note: trace\\.txt:\\d+:1: warning\\[TRC004\\]: trace id \\S+ has "
                + "TRACE lines but no PACKET: line; skipped .*")), r.out());
    }

    @Test
    void aBeforeDumpWithCountersAboveTheAfterDumpsIsStillVerified() throws IOException {
        // found by this test's sweep (bridge-hairpin/iptables-save-c-before.txt, EXTREME_NUMBER): verify exited 4 with
        // IllegalArgumentException "negative counters" from the after-minus-before delta
        Path dir = tmp.resolve("counters");
        corruptCopy(new Target("bridge-hairpin", "iptables-save-c-before.txt"), Mutation.JSON_TYPE, new Random(1), dir);
        Path before = dir.resolve("iptables-save-c-before.txt");
        Files.write(before, mutate(Files.readAllBytes(before), Mutation.EXTREME_NUMBER, new Random(4290992269406305L),
                false, false).orElseThrow());
        Cli.Result r = Cli.run("verify", dir.toString(), "--no-color");
        assertNotEquals(ExitCode.INTERNAL, r.exit(), r.err());
        assertTrue(r.out().contains(": counters went down between the before and after dumps (reset or rules reloaded):"
                + " not compared"), r.out());
    }

    @Test
    void thePcapngCopyHoldsTheSameFramesAsThePcap() throws IOException {
        Path dir = tmp.resolve("pcapng");
        Optional<String> made = corruptCopy(new Target("clusterip-tcp", "capture.pcapng"), Mutation.JSON_TYPE, new Random(1), dir);
        assertTrue(made.isEmpty(), "JSON_TYPE does not apply to a capture, the copy is left as written");
        Cli.Result pcapng = Cli.run("analyze", dir.toString(), "--summary-only", "--no-color");
        Cli.Result pcap = Cli.run("analyze", Cli.bundle("clusterip-tcp"), "--summary-only", "--no-color");
        assertNotEquals(ExitCode.INTERNAL, pcapng.exit(), pcapng.err());
        String frames = pcap.out().lines().filter(l -> l.startsWith("capture: ")).findFirst().orElseThrow();
        assertTrue(frames.contains("(pcap, "), frames);
        assertTrue(pcapng.out().contains(frames.replace("capture.pcap (pcap, ", "capture.pcapng (pcapng, ")), pcapng.out());
    }

    private static void check(Path dir, String file, Mutation m, String label, int turn, List<String> failures) {
        try (OpenedBundle opened = new BundleOpener().open(dir)) {
            Analyzer.analyze(opened.bundle(), Optional.empty(), AnalysisOptions.DEFAULT, trace -> { }, n -> { }, () -> false);
        } catch (io.pktpath.core.bundle.BundleOpenException e) {
            // a refused bundle is a user's mistake reported as such
        } catch (IOException e) {
            failures.add(label + ": closing the bundle: " + e);
        } catch (RuntimeException | Error e) {
            failures.add(label + ": direct analysis threw " + e + " at " + Arrays.stream(e.getStackTrace())
                    .filter(f -> f.getClassName().startsWith("io.pktpath")).findFirst().orElse(null));
            return;
        }
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"rules", "check", dir.toString(), "--no-color"});
        commands.add(new String[] {"analyze", dir.toString(), "--no-color"});
        // one more command per case, in turn, so that every target meets each of them under some mutation
        boolean traced = Files.exists(dir.resolve("trace.txt")) || Files.exists(dir.resolve("nft-trace.txt"));
        switch (turn % 3) {
            case 0 -> commands.add(new String[] {"analyze", dir.toString(), "--format", "json"});
            case 1 -> commands.add(new String[] {"flows", dir.toString(), "--no-color"});
            default -> commands.add(traced ? new String[] {"verify", dir.toString(), "--no-color"}
                    : new String[] {"analyze", dir.toString(), "--format", "json"});
        }
        for (String[] args : commands) {
            Cli.Result r = Cli.run(args);
            String cmd = String.join(" ", Arrays.copyOf(args, args[0].equals("rules") ? 2 : 1));
            if (crashed(r)) {
                failures.add(label + ": " + cmd + " " + crash(args, r));
            } else if ((args[0].equals("rules") || args[0].equals("analyze") && m == Mutation.EMPTY
                    || m == Mutation.EMPTY && needs(args[0], file)) && !(r.out() + r.err()).contains(file)) {
                // rules check lists every file it read or ignored; analyze says which files it ignored as empty;
                // flows and verify name an emptied input they need
                failures.add(label + ": " + cmd + " does not name " + file);
            }
        }
    }

    /** Whether {@code command} needs {@code file}'s input: flows the capture; verify the capture and the trace log. */
    private static boolean needs(String command, String file) {
        boolean capture = file.equals("capture.pcap") || file.equals("capture.pcapng");
        return command.equals("flows") && capture || command.equals("verify") && (capture || file.equals("trace.txt"));
    }

    /** Copies the target's bundle into {@code dir} with the target file corrupted; empty when the mutation does not apply. */
    private Optional<String> corruptCopy(Target t, Mutation m, Random rnd, Path dir) throws IOException {
        Path src = Cli.root().resolve("samples/bundles").resolve(t.bundle());
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        Path target = dir.resolve(t.file());
        if (t.file().equals("ipvsadm.txt")) {
            Files.writeString(target, IPVS);
        } else if (t.file().equals("capture.pcapng")) {
            Files.write(target, PcapngOf.pcap(Files.readAllBytes(dir.resolve("capture.pcap"))));
            Files.delete(dir.resolve("capture.pcap"));
        }
        byte[] bytes = Files.readAllBytes(target);
        boolean capture = t.file().endsWith(".pcap") || t.file().endsWith(".pcapng");
        Optional<byte[]> out = mutate(bytes, m, rnd, capture, t.file().endsWith(".json"));
        if (out.isEmpty()) {
            return Optional.empty();
        }
        Files.write(target, out.get());
        return Optional.of(out.get().length + " bytes, was " + bytes.length);
    }

    static Optional<byte[]> mutate(byte[] bytes, Mutation m, Random rnd, boolean capture, boolean json) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        switch (m) {
            case EMPTY:
                return Optional.of(new byte[0]);
            case TRUNCATE:
                return Optional.of(Arrays.copyOf(bytes, bytes.length == 0 ? 0 : rnd.nextInt(bytes.length)));
            case OVERWRITE_BYTES: {
                byte[] b = bytes.clone();
                int n = 1 + rnd.nextInt(8);
                for (int i = 0; i < n && b.length > 0; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return Optional.of(b);
            }
            case CAPTURE_LENGTH:
                return capture ? Optional.of(PcapngOf.breakLength(bytes, rnd)) : Optional.empty();
            default:
                break;
        }
        if (capture || lines.size() < 2) {
            return Optional.empty();
        }
        int i = rnd.nextInt(lines.size() - 1);
        switch (m) {
            case DUPLICATE_LINE -> lines.add(i, lines.get(i));
            case DELETE_LINE -> lines.remove(i);
            case SWAP_TOKEN -> {
                String[] mine = lines.get(i).split(" ", -1);
                String[] other = lines.get(rnd.nextInt(lines.size())).split(" ", -1);
                mine[rnd.nextInt(mine.length)] = other[rnd.nextInt(other.length)];
                lines.set(i, String.join(" ", mine));
            }
            case EXTREME_NUMBER -> {
                return replaceAt(text, NUMBER, rnd, EXTREMES, 0);
            }
            case JSON_TYPE -> {
                return json ? replaceAt(text, JSON_VALUE, rnd, JSON_VALUES, 1) : Optional.empty();
            }
            default -> throw new IllegalStateException(m.toString());
        }
        return Optional.of(String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Replaces a few random matches of {@code p} (group {@code g}) with random picks of {@code values}. */
    private static Optional<byte[]> replaceAt(String text, Pattern p, Random rnd, String[] values, int g) {
        List<int[]> spans = new ArrayList<>();
        Matcher mt = p.matcher(text);
        while (mt.find()) {
            spans.add(new int[] {mt.start(g), mt.end(g)});
        }
        if (spans.isEmpty()) {
            return Optional.empty();
        }
        int[] span = spans.get(rnd.nextInt(spans.size()));
        String value = values[rnd.nextInt(values.length)];
        if (g == 1 && (text.charAt(span[0]) == '[' || text.charAt(span[0]) == '{')) {
            // replace a whole array or object: find its end
            int end = matching(text, span[0]);
            span = new int[] {span[0], end};
        }
        String out = text.substring(0, span[0]) + value + text.substring(span[1]);
        return Optional.of(out.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int matching(String text, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && text.charAt(i - 1) != '\\') {
                quoted = !quoted;
            } else if (!quoted && (c == '[' || c == '{')) {
                depth++;
            } else if (!quoted && (c == ']' || c == '}')) {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return text.length();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Writes a classic pcap as pcapng, and breaks a capture record's length. */
    static final class PcapngOf {
        private PcapngOf() {
        }

        /** The same frames as a pcapng file: one section, one interface, one enhanced packet block per record. */
        static byte[] pcap(byte[] pcap) {
            ByteBuffer in = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
            int linktype = in.getInt(20);
            ByteBuffer out = ByteBuffer.allocate(pcap.length * 2 + 64).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1)
                    .putInt(28);
            out.putInt(1).putInt(20).putShort((short) linktype).putShort((short) 0).putInt(262144).putInt(20);
            int pos = 24;
            while (pos + 16 <= pcap.length) {
                long micros = in.getInt(pos) * 1_000_000L + in.getInt(pos + 4);
                int len = in.getInt(pos + 8);
                int orig = in.getInt(pos + 12);
                int padded = (len + 3) & ~3;
                int total = 32 + padded;
                out.putInt(6).putInt(total).putInt(0).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(len)
                        .putInt(orig);
                out.put(pcap, pos + 16, len);
                out.put(new byte[padded - len]);
                out.putInt(total);
                pos += 16 + len;
            }
            return Arrays.copyOf(out.array(), out.position());
        }

        /** A capture with one record's (or block's) length field set beyond the file or negative. */
        static byte[] breakLength(byte[] bytes, Random rnd) {
            byte[] b = bytes.clone();
            if (b.length < 40) {
                return b;
            }
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            boolean pcapng = buf.getInt(0) == 0x0A0D0D0A;
            List<Integer> fields = new ArrayList<>();
            if (pcapng) {
                int pos = 0;
                while (pos + 12 <= b.length) {
                    int total = buf.getInt(pos + 4);
                    fields.add(pos + 4);
                    if (buf.getInt(pos) == 6 && pos + 28 <= b.length) {
                        fields.add(pos + 20);
                        fields.add(pos + 24);
                    }
                    if (total < 12) {
                        break;
                    }
                    pos += total;
                }
            } else {
                int pos = 24;
                while (pos + 16 <= b.length) {
                    fields.add(pos + 8);
                    fields.add(pos + 12);
                    pos += 16 + buf.getInt(pos + 8);
                }
            }
            int at = fields.get(rnd.nextInt(fields.size()));
            int[] values = {Integer.MAX_VALUE, -1, b.length, b.length - at + 1, 0x10000000, 3};
            buf.putInt(at, values[rnd.nextInt(values.length)]);
            return b;
        }
    }
}
