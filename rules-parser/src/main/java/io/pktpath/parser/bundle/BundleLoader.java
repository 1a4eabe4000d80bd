package io.pktpath.parser.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a node bundle from a directory (recursively) or from files named one by one, recognizing every file by its
 * content ({@link ContentSniffer}) so that sosreports, Kubernetes node dumps and hand-collected bundles all work; files
 * are handled in sorted path order, so the result and its {@link BundleInventory} are deterministic.
 */
public final class BundleLoader {
    /** Text inputs larger than this are not read (a capture is only sniffed, never read whole). */
    public static final long MAX_TEXT_BYTES = 256L * 1024 * 1024;
    private static final int MAGIC_BYTES = 4;

    private BundleLoader() {
    }

    /** Loads every regular file under {@code dir}; names in diagnostics are paths relative to it, with {@code /}. */
    public static Bundle loadDirectory(Path dir) throws IOException {
        List<BundleInput> inputs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                String rel = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                inputs.add(new BundleInput(p, rel, Optional.empty()));
            }
        }
        return loadFiles(inputs);
    }

    /** Loads the given files; an unreadable file is listed as ignored with the reason, never thrown. */
    public static Bundle loadFiles(List<BundleInput> inputs) {
        List<BundleInput> sorted = inputs.stream().sorted(Comparator.comparing(BundleInput::displayName)).toList();
        List<LoadedFile> loaded = new ArrayList<>();
        List<BundleInventory.Ignored> ignored = new ArrayList<>();
        for (BundleInput in : sorted) {
            Optional<String> netns = in.kindOverride().isPresent() ? Optional.empty() : otherNamespace(in.displayName());
            if (netns.isPresent()) {
                ignored.add(new BundleInventory.Ignored(in.displayName(), netns.get()));
                continue;
            }
            try {
                Either result = read(in);
                if (result.file != null) {
                    loaded.add(result.file);
                } else {
                    ignored.add(new BundleInventory.Ignored(in.displayName(), result.reason));
                }
            } catch (IOException e) {
                ignored.add(new BundleInventory.Ignored(in.displayName(), "unreadable: " + describe(e)));
            }
        }
        return new BundleAssembler(loaded).assemble(ignored);
    }

    /** An sosreport's per-namespace directory: {@code sos_commands/networking/namespaces/NAME/...}. */
    private static final java.util.regex.Pattern NAMESPACE_DIR =
            java.util.regex.Pattern.compile("(?:^|/)sos_commands/networking/namespaces/([^/]+)/");
    /** An older sosreport's per-namespace output beside the node's: {@code ip_netns_exec_NAME_COMMAND}. */
    private static final java.util.regex.Pattern NAMESPACE_FILE =
            java.util.regex.Pattern.compile("(?:^|/)sos_commands/networking/ip_netns_exec_[^/]+$");

    /**
     * Why a file of an sosreport is another network namespace's output, not the node's (sos runs ip, iptables-save and
     * ss in every namespace, a Kubernetes node's pods' too: read as the node's, a pod's rules or addresses would be
     * taken for the node's); empty for the node's own files.
     */
    static Optional<String> otherNamespace(String name) {
        java.util.regex.Matcher dir = NAMESPACE_DIR.matcher(name);
        if (dir.find()) {
            return Optional.of("network namespace " + dir.group(1) + "'s output, not the node's (to analyze that"
                    + " namespace, give its directory " + name.substring(0, dir.end() - 1) + ")");
        }
        if (NAMESPACE_FILE.matcher(name).find()) {
            return Optional.of("a network namespace's output (ip netns exec), not the node's (to analyze that"
                    + " namespace, give its files one by one)");
        }
        return Optional.empty();
    }

    /** A recognized file, or the reason it was not. */
    private record Either(LoadedFile file, String reason) {
    }

    private static Either read(BundleInput in) throws IOException {
        byte[] head = new byte[MAGIC_BYTES];
        int n;
        try (InputStream s = Files.newInputStream(in.path())) {
            n = s.readNBytes(head, 0, MAGIC_BYTES);
        }
        byte[] magic = java.util.Arrays.copyOf(head, n);
        boolean capture = ContentSniffer.isCapture(magic);
        if (n == 0 && in.kindOverride().filter(k -> k == InputKind.TRACE_LOG).isPresent()) {
            return new Either(null, ContentSniffer.EMPTY_FILE + " (expected " + InputKind.TRACE_LOG.label() + " output)");
        }
        if (capture || in.kindOverride().filter(k -> k == InputKind.CAPTURE || k == InputKind.TRACE_LOG).isPresent()) {
            InputKind kind = in.kindOverride().orElse(InputKind.CAPTURE);
            return new Either(new LoadedFile(in.displayName(), in.path(), kind, ""), "");
        }
        long size = Files.size(in.path());
        if (size > MAX_TEXT_BYTES) {
            return new Either(null, "too large for a text input (" + size + " bytes, limit " + MAX_TEXT_BYTES + ")");
        }
        String text = new String(Files.readAllBytes(in.path()), StandardCharsets.UTF_8);
        if (in.kindOverride().isPresent() && text.isBlank()) {
            // a file named with its kind but emptied: said as a directory's empty file is, with what was expected
            return new Either(null, ContentSniffer.EMPTY_FILE + " (expected " + in.kindOverride().get().label() + " output)");
        }
        Recognition r = in.kindOverride().map(k -> k == InputKind.IPTABLES_SAVE && listing(text) ? InputKind.IPTABLES_LISTING
                : k).map(Recognition::of).orElseGet(() -> ContentSniffer.recognize(magic, text));
        if (r.kind().isEmpty()) {
            return new Either(null, r.reason());
        }
        InputKind kind = r.kind().get();
        return new Either(new LoadedFile(in.displayName(), in.path(), kind, kind == InputKind.TRACE_LOG ? "" : text), "");
    }

    /** Whether a file named as iptables-save ({@code --rules}) is an {@code iptables -nvL} listing, read as one. */
    private static boolean listing(String text) {
        java.util.List<String> lines = ContentSniffer.significantLines(text);
        return !lines.isEmpty() && ContentSniffer.iptablesListing(lines) != null
                && ContentSniffer.iptablesListing(lines).kind().isPresent();
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : " " + m);
    }
}
