package io.pktpath.core.bundle;

import java.util.Optional;

/** The archive containers a bundle may come in, recognized by magic bytes: gzip, xz, a plain POSIX/GNU tar, or zip. */
enum ArchiveFormat {
    TAR_GZ, TAR_XZ, TAR, ZIP;

    private static final int TAR_MAGIC_OFFSET = 257;

    /** The format of a file whose first bytes are {@code head} (at least 262 bytes to see a tar header). */
    static Optional<ArchiveFormat> detect(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Optional.of(TAR_GZ);
        }
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};
        if (head.length >= xz.length && java.util.Arrays.equals(java.util.Arrays.copyOf(head, xz.length), xz)) {
            return Optional.of(TAR_XZ);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6)) {
            // a local file header, or the end record of an empty zip
            return Optional.of(ZIP);
        }
        if (head.length >= TAR_MAGIC_OFFSET + 5
                && new String(head, TAR_MAGIC_OFFSET, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            return Optional.of(TAR);
        }
        return Optional.empty();
    }
}
