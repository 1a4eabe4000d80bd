package io.pktpath.parser.iptables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the shared peer test data: up from the module to the repository root (the parent pom), then ../shared/peer;
 * the system property {@code pktpath.peer} overrides the search.
 */
final class PeerData {
    private PeerData() {
    }

    static Optional<Path> root() {
        String override = System.getProperty("pktpath.peer");
        if (override != null) {
            return Optional.of(Path.of(override)).filter(Files::isDirectory);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    Path peer = dir.resolve("../shared/peer").normalize();
                    return Files.isDirectory(peer) ? Optional.of(peer) : Optional.empty();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** Every dump: iptables-save/*.iptables-save and kube-proxy/*&#47;rules.iptables-save, sorted by path. */
    static List<Path> dumps(Path peer) {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(peer.resolve("iptables-save"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".iptables-save")).forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> s = Files.list(peer.resolve("kube-proxy"))) {
            s.map(d -> d.resolve("rules.iptables-save")).filter(Files::isRegularFile).forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.sort(null);
        return all;
    }

    /** A short name: the file name, or the test folder for kube-proxy dumps. */
    static String name(Path peer, Path dump) {
        return peer.relativize(dump).toString();
    }
}
