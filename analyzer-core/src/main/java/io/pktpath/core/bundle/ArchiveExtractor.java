package io.pktpath.core.bundle;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Extracts a tar, tar.gz, tar.xz or zip bundle into a directory, safely: entries with absolute names or {@code ..}
 * segments reject the archive, links and device entries are skipped, and the total extracted size and entry count are
 * capped. An archive cut short or damaged part way keeps what was read before the damage (the member being read as far
 * as it goes) and says where reading stopped; one unreadable from its start is an {@link IOException}.
 */
final class ArchiveExtractor {
    private final long maxTotalBytes;
    private final int maxEntries;

    ArchiveExtractor(long maxTotalBytes, int maxEntries) {
        this.maxTotalBytes = maxTotalBytes;
        this.maxEntries = maxEntries;
    }

    /** What an extraction got: the members written whole, and where reading stopped early if it did. */
    record Extraction(int members, Optional<String> stopped) {
    }

    Extraction extract(Path archive, ArchiveFormat format, Path target) throws IOException, BundleOpenException {
        long size = Files.size(archive);
        try (Counting counted = new Counting(new BufferedInputStream(Files.newInputStream(archive)));
             Tail tail = new Tail(decompress(counted, format));
             ArchiveInputStream<?> in = format == ArchiveFormat.ZIP
                     // streamed, so that the members before a cut are read without the central directory at the end
                     ? new ZipArchiveInputStream(tail, StandardCharsets.UTF_8.name(), true, true)
                     : new TarArchiveInputStream(tail)) {
            long total = 0;
            int count = 0;
            int whole = 0;
            Progress current = null;
            String last = "";
            try {
                ArchiveEntry entry;
                while ((entry = in.getNextEntry()) != null) {
                    if (++count > maxEntries) {
                        throw new BundleOpenException(archive + ": more than " + maxEntries + " entries; not extracted");
                    }
                    Path out = safeTarget(archive, target, entry.getName());
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (regular(entry)) {
                        Files.createDirectories(out.getParent());
                        current = new Progress(entry.getName(), entry.getSize(), out);
                        total += copy(in, out, maxTotalBytes - total, archive, current);
                        current = null;
                        last = entry.getName();
                        whole++;
                    }
                }
            } catch (IOException e) {
                if (whole == 0 && (current == null || current.bytes == 0)) {
                    throw new IOException(where(counted.count, size, describe(e)) + ", before any member could be read", e);
                }
                if (current != null && current.bytes == 0) {
                    // its header but none of its bytes: missing, rather than an empty file the node never had
                    Files.deleteIfExists(current.out);
                }
                return new Extraction(whole, Optional.of(stopped(counted.count, size, whole, current, describe(e))));
            }
            boolean zip = format == ArchiveFormat.ZIP;
            if (count > 0 && !(zip ? tail.endOfCentralDirectory() : tail.zeroRecord())) {
                // a tar cut at a block boundary, a zip cut at a member's header, reads as if it ended: only the
                // missing end record (tar's all-zero one, zip's end of central directory) tells
                return new Extraction(whole, Optional.of("cut short at byte " + size + ", its end, without "
                        + (zip ? "zip's end of central directory" : "tar's end-of-archive record") + ", after member "
                        + last + ": the " + whole + (whole == 1 ? " member is" : " members are")
                        + " analyzed; any member after it is missing"));
            }
            return new Extraction(whole, Optional.empty());
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Where reading stopped: at the file's end (cut short), or before it (damaged), with the reader's reason. */
    private static String where(long at, long size, String why) {
        return at >= size ? "cut short at byte " + size + ", its end (" + why + ")"
                : "unreadable from about byte " + at + " of " + size + " (" + why + ")";
    }

    private static String stopped(long at, long size, int whole, Progress current, String why) {
        StringBuilder sb = new StringBuilder(where(at, size, why));
        if (current != null) {
            sb.append(", inside member ").append(current.name).append(" after ").append(current.bytes)
                    .append(current.size >= 0 ? " of its " + current.size : "").append(" bytes");
        }
        List<String> kept = new ArrayList<>();
        if (whole > 0) {
            kept.add("the " + whole + (whole == 1 ? " member" : " members") + " before it");
        }
        if (current != null && current.bytes > 0) {
            kept.add("the first " + current.bytes + " bytes of " + current.name);
        }
        sb.append(": ").append(String.join(" and ", kept));
        sb.append(kept.size() == 1 && whole <= 1 ? " is" : " are").append(" analyzed; any member after it is missing");
        return sb.toString();
    }

    /** Files only: tar links and devices, zip symbolic links are skipped. */
    private static boolean regular(ArchiveEntry entry) {
        if (entry instanceof TarArchiveEntry t) {
            return t.isFile();
        }
        if (entry instanceof ZipArchiveEntry z) {
            return !z.isUnixSymlink();
        }
        return false;
    }

    private static InputStream decompress(InputStream raw, ArchiveFormat format) throws IOException {
        return switch (format) {
            case TAR_GZ -> new GzipCompressorInputStream(raw, true);
            case TAR_XZ -> new XZCompressorInputStream(raw);
            case TAR, ZIP -> raw;
        };
    }

    /**
     * The extraction path of an entry, or an error when the name is absolute or climbs out with {@code ..}. A name no
     * file system takes (a damaged archive's: control characters, NUL, a part longer than 255 bytes) is written with
     * those characters as {@code _} and the part shortened, so that the member's content is still read.
     */
    static Path safeTarget(Path archive, Path target, String name) throws BundleOpenException {
        String n = usable(name.replace('\\', '/'));
        if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
            throw new BundleOpenException(archive + ": entry '" + n + "' has an absolute path; archive rejected");
        }
        for (String part : n.split("/")) {
            if (part.equals("..")) {
                throw new BundleOpenException(archive + ": entry '" + n + "' climbs out with '..'; archive rejected");
            }
        }
        Path out;
        try {
            out = target.resolve(n).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new BundleOpenException(archive + ": entry '" + n + "' is not a usable file name (" + e.getReason()
                    + "); archive rejected");
        }
        if (!out.startsWith(target)) {
            throw new BundleOpenException(archive + ": entry '" + n + "' escapes the extraction directory");
        }
        return out;
    }

    /**
     * {@code name} with control characters, lone surrogates and characters file names cannot be encoded in as
     * {@code _}, and each part cut to at most 255 UTF-8 bytes.
     */
    /** The charset file names are encoded in (the JVM's {@code sun.jnu.encoding}: ASCII under the C locale). */
    private static final java.nio.charset.CharsetEncoder PATHS = pathCharset().newEncoder();

    private static java.nio.charset.Charset pathCharset() {
        try {
            return java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    static String usable(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/", -1)) {
            StringBuilder p = new StringBuilder();
            int bytes = 0;
            for (int i = 0; i < part.length(); i += Character.charCount(part.codePointAt(i))) {
                int cp = part.codePointAt(i);
                String c = new String(Character.toChars(cp));
                if (cp < 0x20 || cp == 0x7f || Character.isSurrogate((char) cp) || !PATHS.canEncode(c)) {
                    c = "_";
                }
                bytes += c.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > 255) {
                    break;
                }
                p.append(c);
            }
            parts.add(p.toString());
        }
        return String.join("/", parts);
    }

    private static long copy(InputStream in, Path out, long budget, Path archive, Progress progress)
            throws IOException, BundleOpenException {
        byte[] buf = new byte[64 * 1024];
        try (OutputStream os = Files.newOutputStream(out)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (progress.bytes + n > budget) {
                    throw new BundleOpenException(archive + ": extracted size exceeds the limit; archive rejected");
                }
                os.write(buf, 0, n);
                progress.bytes += n;
            }
        }
        return progress.bytes;
    }

    /**
     * The member being extracted: its name, its declared size (-1 when the archive does not say), where it is written,
     * and the bytes written so far.
     */
    private static final class Progress {
        private final String name;
        private final long size;
        private final Path out;
        private long bytes;

        Progress(String name, long size, Path out) {
            this.name = name;
            this.size = size;
            this.out = out;
        }
    }

    /**
     * Keeps the last bytes read, to tell an archive that ends with its end record (a tar's all-zero record, a zip's end
     * of central directory) from one cut short.
     */
    private static final class Tail extends FilterInputStream {
        private static final int RECORD = 512;
        /** A zip's end of central directory record (22 bytes) and the longest comment it may carry. */
        private static final int KEPT = 22 + 65_535;
        private final byte[] ring = new byte[KEPT];
        private long count;

        Tail(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                ring[(int) (count++ % KEPT)] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            // only the last KEPT bytes matter: copied in at most two runs, around the ring's end
            int from = off + Math.max(0, n - KEPT);
            long at = count + (from - off);
            int left = off + n - from;
            while (left > 0) {
                int pos = (int) (at % KEPT);
                int run = Math.min(left, KEPT - pos);
                System.arraycopy(b, from, ring, pos, run);
                from += run;
                at += run;
                left -= run;
            }
            count += Math.max(n, 0);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read rather than skipped, so that the last bytes are seen
            long done = 0;
            byte[] buf = new byte[8192];
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        /** The last {@code n} bytes read (fewer when fewer were), oldest first. */
        private byte[] last(int n) {
            int kept = (int) Math.min(count, n);
            byte[] out = new byte[kept];
            for (int i = 0; i < kept; i++) {
                out[i] = ring[(int) ((count - kept + i) % KEPT)];
            }
            return out;
        }

        /** Whether the last 512 bytes read are all zero (a tar's end-of-archive record, or its padding after it). */
        boolean zeroRecord() {
            byte[] last = last(RECORD);
            if (last.length < RECORD) {
                return false;
            }
            for (byte b : last) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the last bytes read hold a zip's end of central directory record ({@code PK\5\6}). */
        boolean endOfCentralDirectory() {
            byte[] last = last(KEPT);
            for (int i = last.length - 22; i >= 0; i--) {
                if (last[i] == 'P' && last[i + 1] == 'K' && last[i + 2] == 5 && last[i + 3] == 6) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Counts the archive bytes the decompressor has taken, to say where reading stopped. */
    private static final class Counting extends FilterInputStream {
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
