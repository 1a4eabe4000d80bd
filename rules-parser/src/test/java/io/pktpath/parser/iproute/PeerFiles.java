package io.pktpath.parser.iproute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the public {@code ip} outputs of {@code /work/shared/peer/ip}, removing the AWS design doc's annotations as its SOURCE.txt asks. */
final class PeerFiles {
    static final Path DIR = Path.of("/work/shared/peer/ip");

    private PeerFiles() {
    }

    static String read(String name) {
        try {
            return Files.readString(DIR.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops {@code <----- note} / {@code <<<<<<< note} annotations and elided {@code ...} lines. */
    static String readStripped(String name) {
        StringBuilder sb = new StringBuilder();
        for (String line : read(name).split("\n", -1)) {
            if (line.strip().equals("...")) {
                continue;
            }
            sb.append(line.replaceAll("\\s*<[-<]{3,}.*$", " ")).append('\n');
        }
        return sb.toString();
    }
}
