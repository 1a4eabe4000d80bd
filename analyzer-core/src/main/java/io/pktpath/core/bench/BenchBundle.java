package io.pktpath.core.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a whole benchmark bundle into a directory: {@code iptables-save.txt} from {@link KubeProxyRulesetGenerator},
 * {@code ip-addr.txt}, {@code ip-link.txt}, {@code ip-route.txt}, {@code ip-neigh.txt}, {@code sysctl.txt} from
 * {@link NodeTextGenerator}, and {@code capture.pcap} from {@link PodTrafficCaptureGenerator}; the same arguments give the same bytes
 * (kube-proxy's nftables mode instead: {@link #writeText(Path, int, long, boolean)}).
 * Usage: {@code BenchBundle DIR SERVICES FRAMES [SEED]}.
 */
public final class BenchBundle {
    /** Seed used when none is given. */
    public static final long DEFAULT_SEED = 20261122L;

    private BenchBundle() {
    }

    /** Writes the bundle; returns the cluster it describes. */
    public static KubeCluster write(Path dir, int services, long frames, long seed) throws IOException {
        KubeCluster cluster = writeText(dir, services, seed);
        PodTrafficCaptureGenerator.write(dir.resolve("capture.pcap"), cluster, frames, seed + 1);
        return cluster;
    }

    /** Writes the text files only (rules, addresses, routes, neighbors, sysctls); returns the cluster they describe. */
    public static KubeCluster writeText(Path dir, int services, long seed) throws IOException {
        return writeText(dir, services, seed, false);
    }

    /**
     * Writes the text files only; with {@code nftMode} the node runs kube-proxy's nftables mode: {@code nft-ruleset.txt}
     * from {@link KubeProxyNftRulesetGenerator} and an {@code iptables-save.txt} whose tables hold no rule.
     */
    public static KubeCluster writeText(Path dir, int services, long seed, boolean nftMode) throws IOException {
        Files.createDirectories(dir);
        KubeCluster cluster = KubeCluster.generate(services, seed);
        if (nftMode) {
            text(dir.resolve("iptables-save.txt"), EMPTY_IPTABLES);
            text(dir.resolve("nft-ruleset.txt"), KubeProxyNftRulesetGenerator.generate(cluster));
        } else {
            text(dir.resolve("iptables-save.txt"), KubeProxyRulesetGenerator.generate(cluster));
        }
        text(dir.resolve("ip-addr.txt"), NodeTextGenerator.ipAddr(cluster));
        text(dir.resolve("ip-link.txt"), NodeTextGenerator.ipLink(cluster));
        text(dir.resolve("ip-route.txt"), NodeTextGenerator.ipRoute(cluster));
        text(dir.resolve("ip-neigh.txt"), NodeTextGenerator.ipNeigh(cluster));
        text(dir.resolve("sysctl.txt"), NodeTextGenerator.sysctl(cluster));
        return cluster;
    }

    /** The {@code iptables-save} of a node whose kube-proxy runs in nftables mode: the tables, no rule. */
    static final String EMPTY_IPTABLES = """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            COMMIT
            """;

    private static void text(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: BenchBundle DIR SERVICES FRAMES [SEED]");
            System.exit(2);
        }
        write(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]),
                args.length > 3 ? Long.parseLong(args[3]) : DEFAULT_SEED);
    }
}
