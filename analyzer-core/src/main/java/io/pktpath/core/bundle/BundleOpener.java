package io.pktpath.core.bundle;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.UnknownNamespaceException;
import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.SourceSpan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Opens a bundle given as a directory, a {@code .tar}/{@code .tar.gz}/{@code .tgz}/{@code .tar.xz}/{@code .zip} archive (recognized
 * by magic bytes and extracted safely to a temporary directory) or a single file, and loads it with {@link BundleLoader};
 * every failure is a {@link BundleOpenException} whose message names the file.
 */
public final class BundleOpener {
    /** Default cap on the bytes extracted from one archive. */
    public static final long DEFAULT_MAX_EXTRACTED_BYTES = 2L * 1024 * 1024 * 1024;
    /** Default cap on the entries of one archive. */
    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    /**
     * The code of the warning on an archive cut short or damaged part way: its message says at which byte and inside
     * which member reading stopped; the members read before are loaded.
     */
    public static final String ARCHIVE_CUT = "ARC001";
    private static final int HEAD_BYTES = 512;

    private final ArchiveExtractor extractor;

    public BundleOpener() {
        this(DEFAULT_MAX_EXTRACTED_BYTES, DEFAULT_MAX_ENTRIES);
    }

    public BundleOpener(long maxExtractedBytes, int maxEntries) {
        this.extractor = new ArchiveExtractor(maxExtractedBytes, maxEntries);
    }

    public OpenedBundle open(Path path) throws BundleOpenException {
        return open(path, Optional.empty());
    }

    /**
     * Opens the bundle read as the sosreport's network namespace {@code netns} when given (its outputs are the node's
     * networking state, see {@link BundleLoader#loadFiles(List, Optional)}); a name the bundle has no output of is a
     * {@link BundleOpenException} listing the namespaces it holds.
     */
    public OpenedBundle open(Path path, Optional<String> netns) throws BundleOpenException {
        if (!Files.exists(path)) {
            throw new BundleOpenException(path + ": no such file or directory");
        }
        try {
            if (Files.isDirectory(path)) {
                return new OpenedBundle(BundleLoader.loadDirectory(path, netns), Optional.empty());
            }
            Optional<ArchiveFormat> format = ArchiveFormat.detect(head(path));
            if (format.isEmpty()) {
                return new OpenedBundle(BundleLoader.loadFiles(List.of(BundleInput.of(path)), netns), Optional.empty());
            }
            return openArchive(path, format.get(), netns);
        } catch (UnknownNamespaceException e) {
            throw new BundleOpenException(path + ": " + e.getMessage());
        } catch (IOException e) {
            throw new BundleOpenException(path + ": cannot read: " + describe(e));
        }
    }

    /** Loads files named one by one (with optional kinds), as the command line gives them. */
    public OpenedBundle openFiles(List<BundleInput> inputs) {
        return new OpenedBundle(BundleLoader.loadFiles(inputs), Optional.empty());
    }

    /** As {@link #openFiles(List)}, read as network namespace {@code netns} when given. */
    public OpenedBundle openFiles(List<BundleInput> inputs, Optional<String> netns) throws BundleOpenException {
        try {
            return new OpenedBundle(BundleLoader.loadFiles(inputs, netns), Optional.empty());
        } catch (UnknownNamespaceException e) {
            throw new BundleOpenException(inputs.get(0).path() + ": " + e.getMessage());
        }
    }

    private OpenedBundle openArchive(Path path, ArchiveFormat format, Optional<String> netns)
            throws IOException, BundleOpenException {
        Path dir = Files.createTempDirectory("pktpath-bundle-");
        try {
            ArchiveExtractor.Extraction got = extractor.extract(path, format, dir);
            Bundle bundle;
            try {
                bundle = BundleLoader.loadDirectory(dir, netns);
            } catch (UnknownNamespaceException e) {
                throw new BundleOpenException(path + ": " + e.getMessage());
            }
            if (got.stopped().isPresent()) {
                bundle = bundle.withDiagnostics(List.of(Diagnostic.warning(ARCHIVE_CUT, got.stopped().get(), "",
                        SourceSpan.line(String.valueOf(path.getFileName()), 0), "")));
            }
            return new OpenedBundle(bundle, Optional.of(dir));
        } catch (IOException e) {
            OpenedBundle.deleteTree(dir);
            throw new BundleOpenException(path + ": corrupt or unreadable " + label(format) + " archive: " + describe(e));
        } catch (BundleOpenException | RuntimeException e) {
            OpenedBundle.deleteTree(dir);
            throw e;
        }
    }

    private static byte[] head(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(HEAD_BYTES);
        }
    }

    private static String label(ArchiveFormat format) {
        return switch (format) {
            case TAR_GZ -> "tar.gz";
            case TAR_XZ -> "tar.xz";
            case TAR -> "tar";
            case ZIP -> "zip";
        };
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
