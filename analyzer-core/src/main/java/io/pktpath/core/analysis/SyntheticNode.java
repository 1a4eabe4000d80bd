package io.pktpath.core.analysis;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.net.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node made up for {@code pktpath trace --rules FILE}: the rules file as given, {@code lo} plus one interface
 * {@code eth0} holding the {@code --local-ip} addresses, a default route through it, and forwarding on (as on any
 * Kubernetes or Docker node); send_redirects off, since every forwarded packet leaves on the one made-up interface it
 * came in on, which a real node's routes would not do. Written as real {@code ip}/{@code sysctl} text and read by the real parsers.
 */
public final class SyntheticNode {
    /** The interface synthetic packets enter on unless told otherwise. */
    public static final String UPLINK = "eth0";

    private SyntheticNode() {
    }

    /** The made-up node and what was added to the rules to make it whole (kube-proxy's jumps), one line each. */
    public record Made(Bundle bundle, List<String> notes) {
        public Made {
            notes = List.copyOf(notes);
        }
    }

    /** A bundle of the rules file (read as given) and a made-up node with these local addresses. */
    public static Bundle bundle(Path rulesFile, List<IpAddress> localAddresses) {
        return make(rulesFile, localAddresses, false).bundle();
    }

    /**
     * The made-up node; with {@code kubeProxyHooks}, a dump holding only kube-proxy's chains gets kube-proxy's jumps
     * from the built-in chains (see {@link KubeProxyHooks}), and the notes say which were added.
     */
    public static Made make(Path rulesFile, List<IpAddress> localAddresses, boolean kubeProxyHooks) {
        return make(rulesFile, List.of(), localAddresses, kubeProxyHooks);
    }

    /**
     * As {@link #make(Path, List, boolean)}, with more dumps beside the rules file as given (an iptables-legacy dump
     * named by {@code trace --rules-legacy}, its kind stated), each completed with kube-proxy's jumps the same way.
     */
    public static Made make(Path rulesFile, List<BundleInput> moreRules, List<IpAddress> localAddresses,
                            boolean kubeProxyHooks) {
        try {
            Path dir = Files.createTempDirectory("pktpath-node");
            dir.toFile().deleteOnExit();
            List<BundleInput> inputs = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            inputs.add(withHooks(BundleInput.of(rulesFile), dir.resolve("rules-0"), kubeProxyHooks, notes));
            for (int i = 0; i < moreRules.size(); i++) {
                inputs.add(withHooks(moreRules.get(i), dir.resolve("rules-" + (i + 1)), kubeProxyHooks, notes));
            }
            inputs.add(BundleInput.of(write(dir, "ip-addr.txt", addresses(localAddresses))));
            inputs.add(BundleInput.of(write(dir, "ip-route.txt", routes(localAddresses))));
            inputs.add(BundleInput.of(write(dir, "ip-6-route.txt", routes6(localAddresses))));
            inputs.add(BundleInput.of(write(dir, "sysctl.txt", """
                    net.ipv4.ip_forward = 1
                    net.ipv4.conf.all.forwarding = 1
                    net.ipv4.conf.eth0.forwarding = 1
                    net.ipv6.conf.all.forwarding = 1
                    net.ipv4.conf.all.rp_filter = 0
                    net.ipv4.conf.eth0.rp_filter = 0
                    net.ipv4.conf.all.send_redirects = 0
                    net.ipv4.conf.eth0.send_redirects = 0
                    """)));
            return new Made(BundleLoader.loadFiles(inputs), notes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic node's files to a temporary directory", e);
        }
    }

    /** {@code rules}, or a copy in {@code sub} with kube-proxy's jumps added (one note per chain added). */
    private static BundleInput withHooks(BundleInput rules, Path sub, boolean kubeProxyHooks, List<String> notes)
            throws IOException {
        if (!kubeProxyHooks) {
            return rules;
        }
        KubeProxyHooks.Augmented augmented = KubeProxyHooks.augment(
                new String(Files.readAllBytes(rules.path()), StandardCharsets.UTF_8));
        if (augmented.added().isEmpty()) {
            return rules;
        }
        Path named = rules.path().getFileName() == null ? Path.of("rules") : rules.path().getFileName();
        Files.createDirectories(sub).toFile().deleteOnExit();
        Path copy = write(sub, named.toString(), augmented.text());
        for (String chain : augmented.added()) {
            notes.add((rules.kindOverride().isPresent() ? rules.displayName() + " " : "the dump ") + "has no " + chain
                    + " chain: added it with kube-proxy's standard jumps (appended after the dump's last line)");
        }
        return new BundleInput(copy, rules.displayName(), rules.kindOverride());
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        p.toFile().deleteOnExit();
        return p;
    }

    static String addresses(List<IpAddress> local) {
        StringBuilder sb = new StringBuilder();
        sb.append("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n")
                .append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
                .append("    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n")
                .append("    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n")
                .append("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n")
                .append("    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n");
        for (IpAddress a : local) {
            sb.append(a.isV4() ? "    inet " + a + "/32 scope global eth0\n" : "    inet6 " + a + "/128 scope global \n")
                    .append("       valid_lft forever preferred_lft forever\n");
        }
        return sb.toString();
    }

    /** {@code ip route show table all}: a default route through eth0 and the local table of lo and the IPv4 addresses. */
    static String routes(List<IpAddress> local) {
        StringBuilder sb = new StringBuilder("default dev eth0 scope link \n");
        sb.append("local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n");
        sb.append("local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n");
        for (IpAddress a : local) {
            if (a.isV4()) {
                sb.append("local " + a + " dev eth0 table local proto kernel scope host src " + a + " \n");
            }
        }
        return sb.toString();
    }

    /**
     * {@code ip -6 route show table all}, a file of its own as on a real node (its {@code default} line reads as IPv6
     * only there: a route listing's family is its file's): the local table of lo and the IPv6 addresses, then a
     * default route through eth0.
     */
    static String routes6(List<IpAddress> local) {
        StringBuilder sb = new StringBuilder("local ::1 dev lo table local proto kernel metric 0 pref medium\n");
        for (IpAddress a : local) {
            if (!a.isV4()) {
                sb.append("local " + a + " dev eth0 table local proto kernel metric 0 pref medium\n");
            }
        }
        sb.append("default dev eth0 metric 1024 pref medium\n");
        return sb.toString();
    }
}
