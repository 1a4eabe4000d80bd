package io.pktpath.core.bundle;

import io.pktpath.parser.bundle.InputKind;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleOpenerTest {
    private static final String ROUTES = "default via 10.0.0.1 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.5\n";
    private static final String SYSCTL = "net.ipv4.ip_forward = 1\n";

    @TempDir
    Path tmp;

    private enum Kind { TAR, GZ, XZ }

    private Path archive(String name, Kind kind, Map<String, String> entries) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream file = Files.newOutputStream(p);
             OutputStream compressed = kind == Kind.GZ ? new GzipCompressorOutputStream(file)
                     : kind == Kind.XZ ? new XZCompressorOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(compressed)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] data = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                entry.setSize(data.length);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return p;
    }

    private static Map<String, String> bundleEntries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("node/net/routes", ROUTES);
        m.put("node/sysctl", SYSCTL);
        return m;
    }

    @Test
    void tarGzTarXzAndTarOpenToTheSameBundleAndCleanUp() throws Exception {
        BundleOpener opener = new BundleOpener();
        for (Path p : List.of(archive("b.tar.gz", Kind.GZ, bundleEntries()), archive("b.tar.xz", Kind.XZ, bundleEntries()),
                archive("b.tar", Kind.TAR, bundleEntries()))) {
            Path extracted;
            try (OpenedBundle ob = opener.open(p)) {
                extracted = ob.extractedTo().orElseThrow();
                assertEquals(2, ob.bundle().routesV4().size(), p.toString());
                assertEquals(1L, ob.bundle().sysctls().ipForward().value());
                assertEquals(List.of("found node/net/routes: ip route (IPv4)", "found node/sysctl: sysctl"),
                        ob.bundle().inventory().lines().subList(0, 2));
                assertEquals("node/net/routes:1", ob.bundle().routesV4().get(0).span().toString());
            }
            assertFalse(Files.exists(extracted));
        }
    }

    @Test
    void directoryAndSingleFileOpenWithoutExtraction() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("dir"));
        Files.writeString(dir.resolve("routes.txt"), ROUTES);
        try (OpenedBundle ob = new BundleOpener().open(dir)) {
            assertTrue(ob.extractedTo().isEmpty());
            assertEquals(2, ob.bundle().routesV4().size());
        }
        try (OpenedBundle ob = new BundleOpener().open(dir.resolve("routes.txt"))) {
            assertTrue(ob.bundle().has(InputKind.IP_ROUTE));
        }
    }

    @Test
    void entriesClimbingOutOrAbsoluteRejectTheArchive() throws Exception {
        Path climb = archive("evil.tgz", Kind.GZ, Map.of("../../etc/cron.d/x", "boom"));
        BundleOpenException e = assertThrows(BundleOpenException.class, () -> new BundleOpener().open(climb));
        assertEquals(climb + ": entry '../../etc/cron.d/x' climbs out with '..'; archive rejected", e.getMessage());
        Path absolute = archive("abs.tar", Kind.TAR, Map.of("/etc/passwd", "root"));
        BundleOpenException a = assertThrows(BundleOpenException.class, () -> new BundleOpener().open(absolute));
        assertEquals(absolute + ": entry '/etc/passwd' has an absolute path; archive rejected", a.getMessage());
    }

    @Test
    void sizeAndEntryCapsRejectTheArchive() throws Exception {
        Path big = archive("big.tar.gz", Kind.GZ, Map.of("a", "x".repeat(5000)));
        BundleOpenException e = assertThrows(BundleOpenException.class, () -> new BundleOpener(1000, 10).open(big));
        assertEquals(big + ": extracted size exceeds the limit; archive rejected", e.getMessage());
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            many.put("f" + i, "x");
        }
        Path lots = archive("lots.tar", Kind.TAR, many);
        BundleOpenException n = assertThrows(BundleOpenException.class, () -> new BundleOpener(1000, 3).open(lots));
        assertEquals(lots + ": more than 3 entries; not extracted", n.getMessage());
    }

    @Test
    void corruptAndMissingInputsGiveMessagesNamingTheFile() throws Exception {
        Path good = archive("c.tar.gz", Kind.GZ, bundleEntries());
        byte[] bytes = Files.readAllBytes(good);
        Path corrupt = tmp.resolve("corrupt.tar.gz");
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, 30));
        BundleOpenException e = assertThrows(BundleOpenException.class, () -> new BundleOpener().open(corrupt));
        assertTrue(e.getMessage().startsWith(corrupt + ": corrupt or unreadable tar.gz archive: "), e.getMessage());
        Path missing = tmp.resolve("nope.tgz");
        BundleOpenException m = assertThrows(BundleOpenException.class, () -> new BundleOpener().open(missing));
        assertEquals(missing + ": no such file or directory", m.getMessage());
    }

    @Test
    void anArchiveCutShortKeepsTheMembersBeforeTheCutAndSaysWhereItEnds() throws Exception {
        // found by CorruptedBundleTest's archive cases: a cut archive was refused whole ("EOFException"), its intact
        // members lost with it
        Map<String, String> entries = bundleEntries();
        entries.put("node/iptables-save", "*filter\n:INPUT ACCEPT [0:0]\n" + "-A INPUT -p tcp --dport 22 -j ACCEPT\n"
                .repeat(200) + "COMMIT\n");
        byte[] bytes = Files.readAllBytes(archive("whole.tar", Kind.TAR, entries));
        // the routes and sysctl members take 4 blocks of 512 bytes; cut 1000 bytes into the dump's data
        Path cut = tmp.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(bytes, 2048 + 512 + 1000));
        try (OpenedBundle opened = new BundleOpener().open(cut)) {
            assertEquals(2, opened.bundle().routesV4().size());
            assertEquals("1", opened.bundle().sysctls().values().get("net.ipv4.ip_forward"), "sysctl, before the cut, is read");
            assertEquals(List.of("cut.tar: warning[ARC001]: cut short at byte 3560, its end (Truncated TAR archive),"
                    + " inside member node/iptables-save after 1000 of its " + (entries.get("node/iptables-save").length())
                    + " bytes: the 2 members before it and the first 1000 bytes of node/iptables-save are analyzed;"
                    + " any member after it is missing"), opened.bundle().diagnostics().stream()
                    .filter(d -> d.code().equals(BundleOpener.ARCHIVE_CUT)).map(d -> d.headline()).toList());
        }
        // cut at a block boundary, between two members: only the missing end-of-archive record tells
        Path between = tmp.resolve("between.tar");
        Files.write(between, java.util.Arrays.copyOf(bytes, 2048));
        try (OpenedBundle opened = new BundleOpener().open(between)) {
            assertEquals(2, opened.bundle().routesV4().size());
            assertTrue(opened.bundle().diagnostics().stream().anyMatch(d -> d.headline().equals("between.tar:"
                    + " warning[ARC001]: cut short at byte 2048, its end, without tar's end-of-archive record, after"
                    + " member node/sysctl: the 2 members are analyzed; any member after it is missing")),
                    opened.bundle().diagnostics().toString());
        }
        try (OpenedBundle opened = new BundleOpener().open(archive("intact.tar", Kind.TAR, entries))) {
            assertTrue(opened.bundle().diagnostics().stream().noneMatch(d -> d.code().equals(BundleOpener.ARCHIVE_CUT)));
        }
    }

    @Test
    void aZipOpensLikeATarAndACutOneKeepsItsFirstMembers() throws Exception {
        Path zip = tmp.resolve("b.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, String> e : bundleEntries().entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        try (OpenedBundle opened = new BundleOpener().open(zip)) {
            assertTrue(opened.bundle().diagnostics().isEmpty(), opened.bundle().diagnostics().toString());
            assertEquals(2, opened.bundle().routesV4().size());
            assertEquals("1", opened.bundle().sysctls().values().get("net.ipv4.ip_forward"));
            assertTrue(opened.extractedTo().isPresent());
        }
        byte[] bytes = Files.readAllBytes(zip);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        Path cut = tmp.resolve("cut.zip");
        // inside the second member's local header: the first member (the routes) is whole
        Files.write(cut, java.util.Arrays.copyOf(bytes, text.indexOf("node/sysctl") + 3));
        // cut inside the second member's 30-byte local header: the zip reader takes the short header for the end, only
        // the missing end of central directory tells (found by CorruptedBundleTest's archive sweep over
        // nft-native-firewall and policy-routing-reply-mark: a zip cut there lost its later members without a word)
        Path atHeader = tmp.resolve("at-header.zip");
        int inHeader = text.indexOf("PK\3\4", 4) + 20;
        Files.write(atHeader, java.util.Arrays.copyOf(bytes, inHeader));
        try (OpenedBundle opened = new BundleOpener().open(atHeader)) {
            assertEquals(2, opened.bundle().routesV4().size());
            assertEquals(List.of("at-header.zip: warning[ARC001]: cut short at byte " + inHeader
                    + ", its end, without zip's end of central directory, after member node/net/routes: the 1 member is"
                    + " analyzed; any member after it is missing"), opened.bundle().diagnostics().stream()
                    .map(d -> d.headline()).toList());
        }
        try (OpenedBundle opened = new BundleOpener().open(cut)) {
            assertEquals(2, opened.bundle().routesV4().size());
            assertTrue(opened.bundle().diagnostics().stream().anyMatch(d -> d.headline().startsWith(
                    "cut.zip: warning[ARC001]: cut short at byte " + (text.indexOf("node/sysctl") + 3) + ", its end (")
                    && d.headline().endsWith(": the 1 member before it is analyzed; any member after it is missing")),
                    opened.bundle().diagnostics().toString());
        }
    }

    @Test
    void aMemberWhoseNameNoFileSystemTakesIsReadUnderAUsableName() throws Exception {
        // found by CorruptedBundleTest's archive sweep (no-endpoints-reject, a zip with random bytes overwritten): a NUL
        // in a member's name threw InvalidPathException out of the extraction (exit 4)
        Path zip = tmp.resolve("names.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, String> e : bundleEntries().entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        byte[] bytes = Files.readAllBytes(zip);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("node/sysctl") + 6;
        bytes[at] = 0;
        bytes[at + 1] = 0x7f;
        Files.write(zip, bytes);
        try (OpenedBundle opened = new BundleOpener().open(zip)) {
            assertEquals("1", opened.bundle().sysctls().values().get("net.ipv4.ip_forward"));
            assertTrue(opened.bundle().inventory().found().stream().anyMatch(f -> f.file().equals("node/s__ctl")),
                    opened.bundle().inventory().lines().toString());
        }
        assertEquals("a/" + "x".repeat(255) + "/b_c", ArchiveExtractor.usable("a/" + "x".repeat(300) + "/b\u0001c"));
    }
}
