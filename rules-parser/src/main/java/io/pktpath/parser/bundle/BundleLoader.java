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
        return loadDirectory(dir, Optional.empty());
    }

    /**
     * As {@link #loadDirectory(Path)}, read as the sosreport's network namespace {@code netns} when given (see
     * {@link #loadFiles(List, Optional)}).
     */
    public static Bundle loadDirectory(Path dir, Optional<String> netns) throws IOException {
        return loadFiles(inputs(dir), netns);
    }

    /** The network namespaces whose outputs an sosreport directory holds, sorted. */
    public static List<String> namespaces(Path dir) throws IOException {
        return SosNamespaces.names(inputs(dir).stream().map(BundleInput::displayName).toList());
    }

    private static List<BundleInput> inputs(Path dir) throws IOException {
        List<BundleInput> inputs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
                String rel = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                inputs.add(new BundleInput(p, rel, Optional.empty()));
            }
        }
        return inputs;
    }

    /** Loads the given files as the node; an unreadable file is listed as ignored with the reason, never thrown. */
    public static Bundle loadFiles(List<BundleInput> inputs) {
        try {
            return loadFiles(inputs, Optional.empty());
        } catch (UnknownNamespaceException e) {
            throw new IllegalStateException("no namespace was asked for", e);
        }
    }

    /**
     * Loads the given files as the node (an sosreport's other network namespaces' outputs ignored with the reason) or,
     * with {@code netns}, as that namespace: its outputs are the networking state, and of the other files only those
     * that hold for every namespace (the kernel version, captures, trace logs) are read, the rest ignored with the
     * reason.
     *
     * @throws UnknownNamespaceException when the files hold no output of {@code netns} (the message lists the names)
     */
    public static Bundle loadFiles(List<BundleInput> inputs, Optional<String> netns) throws UnknownNamespaceException {
        List<BundleInput> sorted = inputs.stream().sorted(Comparator.comparing(BundleInput::displayName)).toList();
        List<String> namespaces = SosNamespaces.names(sorted.stream().filter(in -> in.kindOverride().isEmpty())
                .map(BundleInput::displayName).toList());
        if (netns.isPresent() && !namespaces.contains(netns.get())) {
            throw new UnknownNamespaceException(netns.get(), namespaces);
        }
        List<LoadedFile> loaded = new ArrayList<>();
        List<BundleInventory.Ignored> ignored = new ArrayList<>();
        for (BundleInput in : sorted) {
            Optional<String> skip = in.kindOverride().isPresent() ? Optional.empty() : notRead(in.displayName(), netns);
            if (skip.isPresent()) {
                ignored.add(new BundleInventory.Ignored(in.displayName(), skip.get()));
                continue;
            }
            try {
                Either result = read(in);
                if (result.file != null && netns.isPresent() && in.kindOverride().isEmpty()
                        && SosNamespaces.of(in.displayName()).isEmpty() && !NAMESPACE_WIDE.contains(result.file.kind())) {
                    ignored.add(new BundleInventory.Ignored(in.displayName(), "the node's " + result.file.kind().label()
                            + " output, not network namespace " + netns.get() + "'s"));
                } else if (result.file != null) {
                    loaded.add(result.file);
                } else {
                    ignored.add(new BundleInventory.Ignored(in.displayName(), result.reason));
                }
            } catch (IOException e) {
                ignored.add(new BundleInventory.Ignored(in.displayName(), "unreadable: " + describe(e)));
            }
        }
        Bundle bundle = new BundleAssembler(loaded).assemble(ignored);
        return namespaces.isEmpty() ? bundle
                : bundle.withInventory(bundle.inventory().withNamespaces(netns.orElse(""), namespaces));
    }

    /** The inputs that hold in a network namespace as on its node: read whichever namespace the bundle is read as. */
    private static final java.util.Set<InputKind> NAMESPACE_WIDE =
            java.util.EnumSet.of(InputKind.KERNEL_VERSION, InputKind.CAPTURE, InputKind.TRACE_LOG);

    /**
     * Why a file of an sosreport is not read as the node's (or as namespace {@code netns}'s) networking state: sos runs
     * ip, iptables-save and ss in every namespace, a Kubernetes node's pods' too, and read as the node's a pod's rules
     * or addresses would be taken for the node's; empty for a file that is read.
     */
    static Optional<String> notRead(String name, Optional<String> netns) {
        Optional<String> owner = SosNamespaces.of(name);
        if (netns.isEmpty()) {
            if (owner.isPresent()) {
                return Optional.of("network namespace " + owner.get() + "'s output, not the node's (read as that"
                        + " namespace with --netns " + owner.get() + ")");
            }
            return SosNamespaces.unknownNamespaceOutput(name)
                    ? Optional.of("a network namespace's output (ip netns exec), not the node's") : Optional.empty();
        }
        if (owner.isPresent()) {
            return owner.equals(netns) ? Optional.empty() : Optional.of("network namespace " + owner.get()
                    + "'s output, not network namespace " + netns.get() + "'s");
        }
        if (SosNamespaces.unknownNamespaceOutput(name)) {
            return Optional.of("a network namespace's output (ip netns exec), not network namespace " + netns.get() + "'s");
        }
        return SosNamespaces.nodeNetworking(name) ? Optional.of("the node's networking output, not network namespace "
                + netns.get() + "'s") : Optional.empty();
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
