package io.pktpath.core.bench;

import io.pktpath.core.bench.KubeCluster.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * The node side of a {@link KubeCluster} as {@code ip addr}, {@code ip link}, {@code ip route show table all} and
 * {@code sysctl -a} print it on a Calico node: eth0 192.168.0.10/16, one {@code cali…} veth per local pod with a /32
 * route and proxy_arp, the other nodes' pod subnets via their node address, forwarding on.
 */
public final class NodeTextGenerator {
    private static final String NODE_MAC = "02:42:c0:a8:00:0a";

    private NodeTextGenerator() {
    }

    private static List<Pod> pods(KubeCluster c) {
        List<Pod> all = new ArrayList<>(c.clients());
        all.addAll(c.localEndpoints());
        return all;
    }

    /** {@code ip addr} text. */
    public static String ipAddr(KubeCluster c) {
        StringBuilder sb = new StringBuilder();
        sb.append("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n")
                .append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
                .append("    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n")
                .append("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000\n")
                .append("    link/ether ").append(NODE_MAC).append(" brd ff:ff:ff:ff:ff:ff\n")
                .append("    inet ").append(KubeCluster.ip(KubeCluster.NODE_IP)).append("/16 brd 192.168.255.255 scope global eth0\n")
                .append("       valid_lft forever preferred_lft forever\n");
        for (Pod p : pods(c)) {
            sb.append(p.ifindex()).append(": ").append(p.veth()).append("@if2: ")
                    .append("<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n")
                    .append("    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-").append(p.veth().substring(4))
                    .append('\n');
        }
        return sb.toString();
    }

    /** {@code ip link} text. */
    public static String ipLink(KubeCluster c) {
        StringBuilder sb = new StringBuilder();
        sb.append("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n")
                .append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n")
                .append("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DEFAULT group default qlen 1000\n")
                .append("    link/ether ").append(NODE_MAC).append(" brd ff:ff:ff:ff:ff:ff\n");
        for (Pod p : pods(c)) {
            sb.append(p.ifindex()).append(": ").append(p.veth()).append("@if2: ")
                    .append("<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n")
                    .append("    link/ether ee:ee:ee:ee:ee:ee brd ff:ff:ff:ff:ff:ff link-netns cni-").append(p.veth().substring(4))
                    .append('\n');
        }
        return sb.toString();
    }

    /** {@code ip route show table all} text (main and local tables). */
    public static String ipRoute(KubeCluster c) {
        StringBuilder sb = new StringBuilder();
        sb.append("default via 192.168.0.1 dev eth0 proto dhcp src 192.168.0.10 metric 100 \n");
        for (Pod p : pods(c)) {
            sb.append(KubeCluster.ip(p.ip())).append(" dev ").append(p.veth()).append(" scope link \n");
        }
        for (int n = 1; n <= c.remoteNodes(); n++) {
            sb.append("10.244.").append(n).append(".0/24 via 192.168.1.").append(n).append(" dev eth0 proto bird \n");
        }
        sb.append("192.168.0.0/16 dev eth0 proto kernel scope link src 192.168.0.10 \n")
                .append("local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \n")
                .append("local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 \n")
                .append("broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 \n")
                .append("local 192.168.0.10 dev eth0 table local proto kernel scope host src 192.168.0.10 \n")
                .append("broadcast 192.168.255.255 dev eth0 table local proto kernel scope link src 192.168.0.10 \n");
        return sb.toString();
    }

    /** {@code ip neigh} text: the other nodes on eth0 and the local pods on their veths, all REACHABLE. */
    public static String ipNeigh(KubeCluster c) {
        StringBuilder sb = new StringBuilder();
        sb.append("192.168.0.1 dev eth0 lladdr 02:42:c0:a8:00:01 REACHABLE\n");
        for (int n = 1; n <= c.remoteNodes(); n++) {
            sb.append("192.168.1.").append(n).append(" dev eth0 lladdr 02:42:c0:a8:01:")
                    .append(String.format(java.util.Locale.ROOT, "%02x", n)).append(" REACHABLE\n");
        }
        for (Pod p : pods(c)) {
            sb.append(KubeCluster.ip(p.ip())).append(" dev ").append(p.veth()).append(" lladdr 0a:58:0a:f4:00:")
                    .append(String.format(java.util.Locale.ROOT, "%02x", p.ip() & 255)).append(" REACHABLE\n");
        }
        return sb.toString();
    }

    /** The sysctls that matter for the replay ({@code sysctl -a} lines). */
    public static String sysctl(KubeCluster c) {
        StringBuilder sb = new StringBuilder();
        sb.append("net.ipv4.conf.all.forwarding = 1\nnet.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.default.rp_filter = 0\n")
                .append("net.ipv4.conf.eth0.forwarding = 1\nnet.ipv4.conf.eth0.rp_filter = 0\n");
        for (Pod p : pods(c)) {
            sb.append("net.ipv4.conf.").append(p.veth()).append(".forwarding = 1\n")
                    .append("net.ipv4.conf.").append(p.veth()).append(".proxy_arp = 1\n")
                    .append("net.ipv4.conf.").append(p.veth()).append(".rp_filter = 0\n");
        }
        sb.append("net.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_max = 1048576\n")
                .append("net.netfilter.nf_conntrack_tcp_loose = 1\n");
        return sb.toString();
    }
}
