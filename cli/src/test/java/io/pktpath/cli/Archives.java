package io.pktpath.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** Packs a bundle directory's files as the archives pktpath opens: tar, tar.gz, tar.xz and zip. */
final class Archives {
    /** The archive kinds, with the file name ending each is written under. */
    enum Kind {
        TAR(".tar"), TAR_GZ(".tgz"), TAR_XZ(".tar.xz"), ZIP(".zip");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    private Archives() {
    }

    /** The directory's regular files in the order given, each as {@code prefix + name}, in an archive of kind {@code kind}. */
    static byte[] pack(List<Path> files, String prefix, Kind kind) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (kind == Kind.ZIP) {
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Path f : files) {
                    zip.putNextEntry(new ZipEntry(prefix + f.getFileName()));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        }
        try (OutputStream os = switch (kind) {
            case TAR_GZ -> new GzipCompressorOutputStream(bytes);
            case TAR_XZ -> new XZCompressorOutputStream(bytes);
            default -> bytes;
        }; TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            for (Path f : files) {
                tar.putArchiveEntry(new TarArchiveEntry(f.toFile(), prefix + f.getFileName()));
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A directory's regular files, sorted by name. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
