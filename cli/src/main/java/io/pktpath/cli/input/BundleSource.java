package io.pktpath.cli.input;

import io.pktpath.cli.CliException;
import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.bundle.BundleOpenException;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.bundle.OpenedBundle;
import io.pktpath.core.capture.Direction;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleInventory;
import io.pktpath.parser.bundle.InputKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;

/** Opens the bundle a command line names: a BUNDLE argument, or files named one by one with the file options. */
public final class BundleSource {
    private static final int SHOWN_IGNORED = 5;

    private BundleSource() {
    }

    /**
     * Opens the bundle; every failure is a {@link CliException} naming the file and what was expected. An archive cut
     * short or damaged part way is opened with what was read, and a warning on {@code err} says where it stopped (every
     * command prints it; analyze and rules check list it with the other diagnostics too).
     */
    public static LoadedInput open(CommandLine line, Optional<String> bundleArg, PrintStream err) throws CliException {
        List<BundleInput> named = namedFiles(line);
        Optional<Path> capture = existing(line, BundleOptions.CAPTURE);
        AnalysisOptions options = analysisOptions(line);
        Optional<String> netns = Optional.ofNullable(line.getOptionValue(BundleOptions.NETNS));
        if (netns.isPresent() && netns.get().isBlank()) {
            throw CliException.usage("--netns: expected a network namespace's name");
        }
        OpenedBundle opened;
        String name;
        if (bundleArg.isPresent()) {
            if (!named.isEmpty()) {
                throw CliException.usage("give either a BUNDLE or files named one by one (--rules, --addr, ...), not"
                        + " both; --capture, --iface and --dir combine with either");
            }
            Path path = Path.of(bundleArg.get());
            if (!Files.exists(path)) {
                throw CliException.input(bundleArg.get() + ": no such file or directory (expected a bundle directory,"
                        + " a .tar/.tar.gz/.tgz/.tar.xz/.zip archive, or a single dump or capture file)");
            }
            try {
                opened = new BundleOpener().open(path, netns);
            } catch (BundleOpenException e) {
                throw CliException.input(e.getMessage());
            }
            name = bundleArg.get();
        } else if (!named.isEmpty() || capture.isPresent()) {
            List<BundleInput> all = new ArrayList<>(named);
            capture.ifPresent(c -> all.add(BundleInput.of(c, InputKind.CAPTURE)));
            try {
                opened = new BundleOpener().openFiles(all, netns);
            } catch (BundleOpenException e) {
                throw CliException.input(e.getMessage());
            }
            name = all.get(0).path().toString();
        } else {
            throw CliException.usage("no input: give a BUNDLE (a directory, an archive or a file) or files with"
                    + " --rules, --capture, --addr, ...");
        }
        OpenedBundle unordered = opened;
        opened = new OpenedBundle(inOrder(line, unordered.bundle(), name, () -> closeQuietly(unordered)),
                unordered.extractedTo());
        LoadedInput input = new LoadedInput(name, opened, capture, options);
        if (opened.bundle().inventory().found().isEmpty()) {
            input.close();
            throw CliException.input(name + ": no pktpath input found (expected iptables-save, ip addr/route/rule/neigh,"
                    + " sysctl, ipset save, conntrack -L or a pcap/pcapng capture)" + ignored(opened.bundle().inventory()));
        }
        opened.bundle().diagnostics().stream().filter(d -> d.code().equals(BundleOpener.ARCHIVE_CUT))
                .forEach(d -> err.println("pktpath: warning: " + d.headline()));
        return input;
    }

    /**
     * {@code bundle} with the order {@code --nft-first} gives its two iptables backends (unchanged without the option);
     * a usage error, after {@code cleanup}, when the option is given and the bundle holds no iptables-legacy dump.
     */
    public static io.pktpath.parser.bundle.Bundle inOrder(CommandLine line, io.pktpath.parser.bundle.Bundle bundle,
                                                         String name, Runnable cleanup) throws CliException {
        if (!line.hasOption(BundleOptions.NFT_FIRST)) {
            return bundle;
        }
        if (bundle.legacy().isEmpty()) {
            cleanup.run();
            throw CliException.usage("--nft-first orders iptables-nft's chains before the iptables-legacy tables,"
                    + " but " + name + " holds no iptables-legacy dump beside iptables-nft's");
        }
        return bundle.withLegacy(bundle.legacy().withLegacyFirst(false));
    }

    /**
     * The dumps {@code --rules-legacy} and {@code --rules6-legacy} name, as the loader takes them (their kind stated, an
     * IPv6 one's name marked), for a command that makes its node up around {@code --rules}; empty when neither is given.
     */
    public static List<BundleInput> legacyDumps(CommandLine line) throws CliException {
        List<BundleInput> inputs = new ArrayList<>();
        for (BundleOptions.FileOption f : BundleOptions.FILES) {
            if (f.kind() == InputKind.IPTABLES_LEGACY_SAVE) {
                Optional<Path> path = existing(line, f.name());
                if (path.isPresent()) {
                    inputs.add(input(f, path.get()));
                }
            }
        }
        return inputs;
    }

    private static void closeQuietly(OpenedBundle opened) {
        try {
            opened.close();
        } catch (IOException e) {
            // the usage error is what the user needs; a temporary directory left behind is only untidy
        }
    }

    private static String ignored(BundleInventory inventory) {
        StringBuilder sb = new StringBuilder();
        List<BundleInventory.Ignored> list = inventory.ignored();
        for (int i = 0; i < Math.min(SHOWN_IGNORED, list.size()); i++) {
            sb.append("\n  ignored ").append(list.get(i).file()).append(": ").append(list.get(i).reason());
        }
        if (list.size() > SHOWN_IGNORED) {
            sb.append("\n  ... and ").append(list.size() - SHOWN_IGNORED).append(" more files ignored");
        }
        return sb.toString();
    }

    private static List<BundleInput> namedFiles(CommandLine line) throws CliException {
        List<BundleInput> inputs = new ArrayList<>();
        for (BundleOptions.FileOption f : BundleOptions.FILES) {
            Optional<Path> path = existing(line, f.name());
            if (path.isPresent()) {
                inputs.add(input(f, path.get()));
            }
        }
        return inputs;
    }

    private static BundleInput input(BundleOptions.FileOption f, Path path) throws CliException {
        InputKind kind = f.kind();
        boolean json = looksLikeJson(path);
        if (json && kind == InputKind.IP_ADDR) {
            kind = InputKind.IP_ADDR_JSON;
        } else if (json && kind == InputKind.IP_ROUTE) {
            kind = InputKind.IP_ROUTE_JSON;
        } else if (json && kind == InputKind.IP_NEIGH) {
            kind = InputKind.IP_NEIGH_JSON;
        } else if (json && kind == InputKind.IP_RULE) {
            kind = InputKind.IP_RULE_JSON;
        } else if (json && kind == InputKind.IP_MADDR) {
            kind = InputKind.IP_MADDR_JSON;
        }
        String display = String.valueOf(path.getFileName());
        if (f.name().startsWith("rules6") && !display.toLowerCase(Locale.ROOT).contains("ip6")) {
            display = display + " (ip6)";
        }
        return new BundleInput(path, display, Optional.of(kind));
    }

    private static boolean looksLikeJson(Path path) throws CliException {
        try (InputStream in = Files.newInputStream(path)) {
            int c;
            do {
                c = in.read();
            } while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
            return c == '[' || c == '{';
        } catch (IOException e) {
            throw CliException.input(path + ": cannot read: " + e.getMessage());
        }
    }

    private static Optional<Path> existing(CommandLine line, String option) throws CliException {
        String value = line.getOptionValue(option);
        if (value == null) {
            return Optional.empty();
        }
        Path p = Path.of(value);
        if (!Files.exists(p)) {
            throw CliException.input("--" + option + " " + value + ": no such file");
        }
        if (!Files.isRegularFile(p)) {
            throw CliException.input("--" + option + " " + value + ": not a regular file (expected a file, not a directory)");
        }
        if (!Files.isReadable(p)) {
            throw CliException.input("--" + option + " " + value + ": permission denied");
        }
        return Optional.of(p);
    }

    private static AnalysisOptions analysisOptions(CommandLine line) throws CliException {
        String iface = line.getOptionValue(BundleOptions.IFACE, "");
        String dir = line.getOptionValue(BundleOptions.DIR, "");
        Direction direction = switch (dir) {
            case "" -> Direction.UNKNOWN;
            case "in" -> Direction.IN;
            case "out" -> Direction.OUT;
            default -> throw CliException.usage("--dir " + dir + ": expected 'in' or 'out'");
        };
        return new AnalysisOptions(AnalysisOptions.DEFAULT.replay(), iface, direction);
    }
}
