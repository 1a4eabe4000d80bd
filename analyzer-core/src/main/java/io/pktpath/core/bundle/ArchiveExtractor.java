package io.pktpath.core.bundle;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Extracts a tar, tar.gz or tar.xz bundle into a directory, safely: entries with absolute names or {@code ..} segments
 * reject the archive, links and device entries are skipped, and the total extracted size and entry count are capped.
 */
final class ArchiveExtractor {
    private final long maxTotalBytes;
    private final int maxEntries;

    ArchiveExtractor(long maxTotalBytes, int maxEntries) {
        this.maxTotalBytes = maxTotalBytes;
        this.maxEntries = maxEntries;
    }

    void extract(Path archive, ArchiveFormat format, Path target) throws IOException, BundleOpenException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
             InputStream decompressed = decompress(raw, format);
             TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            long total = 0;
            int count = 0;
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++count > maxEntries) {
                    throw new BundleOpenException(archive + ": more than " + maxEntries + " entries; not extracted");
                }
                Path out = safeTarget(archive, target, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isFile()) {
                    Files.createDirectories(out.getParent());
                    total += copy(tar, out, maxTotalBytes - total, archive);
                }
            }
        }
    }

    private static InputStream decompress(InputStream raw, ArchiveFormat format) throws IOException {
        return switch (format) {
            case TAR_GZ -> new GzipCompressorInputStream(raw, true);
            case TAR_XZ -> new XZCompressorInputStream(raw);
            case TAR -> raw;
        };
    }

    /** The extraction path of an entry, or an error when the name is absolute or climbs out with {@code ..}. */
    static Path safeTarget(Path archive, Path target, String name) throws BundleOpenException {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw new BundleOpenException(archive + ": entry '" + name + "' has an absolute path; archive rejected");
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new BundleOpenException(archive + ": entry '" + name + "' climbs out with '..'; archive rejected");
            }
        }
        Path out = target.resolve(n).normalize();
        if (!out.startsWith(target)) {
            throw new BundleOpenException(archive + ": entry '" + name + "' escapes the extraction directory");
        }
        return out;
    }

    private static long copy(InputStream in, Path out, long budget, Path archive) throws IOException, BundleOpenException {
        byte[] buf = new byte[64 * 1024];
        long written = 0;
        try (OutputStream os = Files.newOutputStream(out)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                written += n;
                if (written > budget) {
                    throw new BundleOpenException(archive + ": extracted size exceeds the limit; archive rejected");
                }
                os.write(buf, 0, n);
            }
        }
        return written;
    }
}
