package io.pktpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle packed as a .tar.gz gives the analysis of the same bundle as a directory, files named by their path inside. */
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
}
