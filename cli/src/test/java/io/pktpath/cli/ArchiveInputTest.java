package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle packed as a .tar.gz (or .zip) gives the analysis of the same bundle as a directory, files named by their path
 * inside; an archive cut short keeps every member before the cut and says at which byte and in which member it ends.
 */
class ArchiveInputTest {
    @TempDir
    Path tmp;

    @Test
    void tarGzBundleAnalyzesLikeItsDirectory() throws IOException {
        Path dir = Path.of(Cli.bundle("no-endpoints-reject"));
        Path archive = tmp.resolve("node.tgz");
        try (OutputStream os = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(os));
             Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                TarArchiveEntry e = new TarArchiveEntry(f.toFile(), "node/" + f.getFileName());
                tar.putArchiveEntry(e);
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        Cli.Result fromArchive = Cli.run("analyze", archive.toString(), "--format", "jsonl");
        Cli.Result fromDir = Cli.run("analyze", dir.toString(), "--format", "jsonl");
        assertEquals(0, fromArchive.exit(), fromArchive.err());
        List<String> a = fromArchive.out().lines().toList();
        assertEquals(13, a.size());
        assertEquals(fromDir.out(), fromArchive.out().replace("node/", ""), "the same frames; only file names differ"
                + " (node/iptables-save.txt:33 inside the archive)");
        assertEquals(true, fromArchive.out().contains("node/iptables-save.txt:33"));
    }

    @Test
    void zipBundleAnalyzesLikeItsDirectory() throws IOException {
        Path dir = Path.of(Cli.bundle("no-endpoints-reject"));
        Path archive = tmp.resolve("node.zip");
        Files.write(archive, Archives.pack(Archives.files(dir), "node/", Archives.Kind.ZIP));
        Cli.Result fromArchive = Cli.run("analyze", archive.toString(), "--format", "jsonl");
        Cli.Result fromDir = Cli.run("analyze", dir.toString(), "--format", "jsonl");
        assertEquals(0, fromArchive.exit(), fromArchive.err());
        assertEquals(fromDir.out(), fromArchive.out().replace("node/", ""));
    }

    @Test
    void anArchiveCutInItsLastMemberKeepsEveryMemberBeforeIt() throws IOException {
        Path dir = Path.of(Cli.bundle("clusterip-tcp"));
        // trace.txt (87 kB) last: the cut falls inside it, after the capture and every dump the replay needs
        List<Path> files = new ArrayList<>(Archives.files(dir));
        files.sort(Comparator.comparing((Path f) -> f.getFileName().toString().equals("trace.txt")));
        List<Path> before = files.subList(0, files.size() - 1);
        Cli.Result whole = Cli.run("analyze", dir.toString(), "--summary-only", "--no-color");
        String frames = whole.out().lines().filter(l -> l.startsWith("frames: ")).findFirst().orElseThrow();
        String flows = whole.out().lines().filter(l -> l.startsWith("flows: ")).findFirst().orElseThrow();
        for (Archives.Kind kind : List.of(Archives.Kind.TAR, Archives.Kind.TAR_GZ, Archives.Kind.ZIP)) {
            byte[] all = Archives.pack(files, "node/", kind);
            int start = Archives.pack(before, "node/", kind).length;
            int end = all.length;
            if (kind == Archives.Kind.ZIP) {
                // the central directory follows the members: between trace.txt's local header (30 bytes before its
                // name's first appearance) and it
                String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
                start = text.indexOf("node/trace.txt") - 30;
                end = text.indexOf("PK\1\2");
            }
            int cut = start + (end - start) * 3 / 4;
            Path archive = tmp.resolve("cut" + kind.suffix);
            Files.write(archive, Arrays.copyOf(all, cut));
            Cli.Result r = Cli.run("analyze", archive.toString(), "--summary-only", "--no-color");
            assertEquals(0, r.exit(), kind + ": " + r.err());
            assertTrue(r.err().startsWith("pktpath: warning: cut" + kind.suffix + ": warning[ARC001]: cut short at byte "
                    + cut + ", its end ("), kind + ": " + r.err());
            assertTrue(r.err().contains(", inside member node/trace.txt after "), kind + ": " + r.err());
            assertTrue(r.out().contains("\n" + frames + "\n") && r.out().contains("\n" + flows + "\n"),
                    kind + ": every frame of the capture before the cut is replayed: " + r.out());
            assertTrue(r.out().contains("cut" + kind.suffix + ": warning[ARC001]: "), kind + ": listed with the diagnostics");
            Cli.Result check = Cli.run("rules", "check", archive.toString(), "--no-color");
            for (Path f : before) {
                assertTrue(check.out().contains("node/" + f.getFileName() + ": "), kind + ": " + f + " read: " + check.out());
            }
            if (kind != Archives.Kind.TAR_GZ) {
                assertTrue(check.out().contains("found node/trace.txt: netfilter trace log"), kind + ": what was read"
                        + " of the cut member is kept: " + check.out());
            } else {
                // gzip writes a deflate block when it is full, so the last member's bytes come at the very end: none
                // of them was read, and the member is missing rather than said to be an empty file
                assertTrue(check.out().contains("missing: no trace log"), check.out());
                assertFalse(check.out().contains("node/trace.txt: empty file"), check.out());
            }
        }
    }

    @Test
    void aTarXzCutBeforeItsFirstMemberCouldBeDecodedSaysWhere() throws IOException {
        // xz decodes a block only whole: an archive of one block cut anywhere has no member to keep
        List<Path> files = Archives.files(Path.of(Cli.bundle("clusterip-tcp")));
        byte[] all = Archives.pack(files, "node/", Archives.Kind.TAR_XZ);
        Path archive = tmp.resolve("cut.tar.xz");
        Files.write(archive, Arrays.copyOf(all, all.length / 2));
        Cli.Result r = Cli.run("flows", archive.toString());
        assertEquals(ExitCode.INPUT, r.exit(), r.err());
        assertEquals("pktpath: " + archive + ": corrupt or unreadable tar.xz archive: cut short at byte " + all.length / 2
                + ", its end (EOFException), before any member could be read", r.err().strip());
        assertFalse(r.err().contains("\tat "));
    }
}
