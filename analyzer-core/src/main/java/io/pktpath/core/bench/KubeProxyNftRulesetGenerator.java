package io.pktpath.core.bench;

import io.pktpath.core.bench.KubeCluster.Endpoint;
import io.pktpath.core.bench.KubeCluster.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the ruleset kube-proxy's nftables mode keeps for a {@link KubeCluster}, as {@code nft -a list ruleset} prints
 * it on the node: table {@code ip kube-proxy} with the {@code service-ips} / {@code service-nodeports} verdict maps
 * keyed by address, protocol and port, one {@code service-}, {@code external-}, {@code local-} and {@code endpoint-}
 * chain per service and endpoint (named as kube-proxy names them: eight base32 characters of the SHA-256 of the service
 * port name and protocol, and for an endpoint its address and port, then the name), {@code numgen random mod N} choosing the endpoint, the masquerade mark, and the fixed chains of the
 * recorded {@code samples/bundles/nft-kube-proxy}.
 */
public final class KubeProxyNftRulesetGenerator {
    private final StringBuilder chains = new StringBuilder();
    private final List<String> clusterIps = new ArrayList<>();
    private final List<String> serviceIps = new ArrayList<>();
    private final List<String> serviceNodePorts = new ArrayList<>();
    private final List<String> noEndpointNodePorts = new ArrayList<>();
    private int handle = 100;

    private KubeProxyNftRulesetGenerator() {
    }

    /** The whole {@code nft -a list ruleset} text of the node (kube-proxy's table only). */
    public static String generate(KubeCluster cluster) {
        KubeProxyNftRulesetGenerator g = new KubeProxyNftRulesetGenerator();
        for (Service s : cluster.services()) {
            g.service(s);
        }
        StringBuilder out = new StringBuilder(cluster.serviceCount() * 900 + 8192);
        out.append("table ip kube-proxy { # handle 1\n\tcomment \"rules for kube-proxy\"\n");
        set(out, "set cluster-ips", "ipv4_addr", "Active ClusterIPs", g.clusterIps);
        set(out, "set nodeport-ips", "ipv4_addr", "IPs that accept NodePort traffic",
                List.of(KubeCluster.ip(KubeCluster.NODE_IP)));
        set(out, "map firewall-ips", "ipv4_addr . inet_proto . inet_service : verdict",
                "destinations that are subject to LoadBalancerSourceRanges", List.of());
        set(out, "map no-endpoint-nodeports", "inet_proto . inet_service : verdict",
                "vmap to drop or reject packets to service nodeports with no endpoints", g.noEndpointNodePorts);
        set(out, "map no-endpoint-services", "ipv4_addr . inet_proto . inet_service : verdict",
                "vmap to drop or reject packets to services with no endpoints", List.of());
        set(out, "map service-ips", "ipv4_addr . inet_proto . inet_service : verdict",
                "ClusterIP, ExternalIP and LoadBalancer IP traffic", g.serviceIps);
        set(out, "map service-nodeports", "inet_proto . inet_service : verdict", "NodePort traffic", g.serviceNodePorts);
        out.append(FIXED_CHAINS);
        out.append(g.chains);
        return out.append("}\n").toString();
    }

    /** A set or map with its elements, one per line as nft wraps long element lists. */
    private static void set(StringBuilder out, String head, String type, String comment, List<String> elements) {
        out.append('\t').append(head).append(" {\n\t\ttype ").append(type).append("\n\t\tcomment \"").append(comment)
                .append("\"\n");
        if (!elements.isEmpty()) {
            out.append("\t\telements = { ");
            for (int i = 0; i < elements.size(); i++) {
                out.append(i == 0 ? "" : ",\n\t\t\t     ").append(elements.get(i));
            }
            out.append(" }\n");
        }
        out.append("\t}\n\n");
    }

    private void service(Service s) {
        // the chains show namespace/name/protocol/port name; the hash is of namespace/name:port name/protocol
        String name = s.portName().replace(':', '/').replaceFirst("/([^/]+)$", "/" + s.proto() + "/$1");
        String hashed = s.portName() + "/" + s.proto();
        String hash = hash8(hashed);
        String vip = KubeCluster.ip(s.clusterIp());
        String svc = "service-" + hash + "-" + name;
        clusterIps.add(vip);
        serviceIps.add(vip + " . " + s.proto() + " . " + s.port() + " : goto " + svc);
        List<String> endpoints = new ArrayList<>();
        List<String> local = new ArrayList<>();
        for (Endpoint e : s.endpoints()) {
            String ip = KubeCluster.ip(e.ip());
            String chain = "endpoint-" + hash8(hashed + ip + ":" + e.port()) + "-" + name + "__" + ip + "/" + e.port();
            endpoints.add(chain);
            if (e.local()) {
                local.add(chain);
            }
            chain(chain, List.of("ip saddr " + ip + " jump mark-for-masquerade",
                    "meta l4proto " + s.proto() + " dnat to " + ip + ":" + e.port()));
        }
        chain(svc, List.of("ip daddr " + vip + " " + s.proto() + " dport " + s.port() + " ip saddr != "
                + KubeCluster.POD_CIDR + " jump mark-for-masquerade", numgen(endpoints)));
        if (s.nodePort() == 0) {
            return;
        }
        String ext = "external-" + hash + "-" + name;
        String key = s.proto() + " . " + s.nodePort();
        if (!s.localPolicy()) {
            serviceNodePorts.add(key + " : goto " + ext);
            chain(ext, List.of("jump mark-for-masquerade", "goto " + svc));
            return;
        }
        if (local.isEmpty()) {
            noEndpointNodePorts.add(key + " : drop");
            return;
        }
        String loc = "local-" + hash + "-" + name;
        serviceNodePorts.add(key + " : goto " + ext);
        chain(ext, List.of("ip saddr " + KubeCluster.POD_CIDR + " goto " + svc,
                "fib saddr type local jump mark-for-masquerade", "fib saddr type local goto " + svc, "goto " + loc));
        chain(loc, List.of(numgen(local)));
    }

    /** {@code numgen random mod N vmap { 0 : goto A, 1 : goto B }}: kube-proxy's even choice of an endpoint. */
    private static String numgen(List<String> endpoints) {
        StringBuilder sb = new StringBuilder("numgen random mod ").append(endpoints.size()).append(" vmap { ");
        for (int i = 0; i < endpoints.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(endpoints.get(i));
        }
        return sb.append(" }").toString();
    }

    private void chain(String name, List<String> rules) {
        chains.append("\n\tchain ").append(name).append(" { # handle ").append(handle++).append('\n');
        for (String rule : rules) {
            chains.append("\t\t").append(rule).append(" # handle ").append(handle++).append('\n');
        }
        chains.append("\t}\n");
    }

    /** The first eight characters of kube-proxy's hash in a chain's name: base32 of the SHA-256 of {@code text}. */
    static String hash8(String text) {
        return KubeNames.chain("", text).substring(0, 8);
    }

    /** The chains every node has, whatever its services (as the recorded nft-kube-proxy bundle lists them). */
    private static final String FIXED_CHAINS = """
            \tchain cluster-ips-check { # handle 2
            \t\tip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs" # handle 3
            \t\tip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs" # handle 4
            \t}

            \tchain filter-prerouting-pre-dnat { # handle 5
            \t\ttype filter hook prerouting priority dstnat - 10; policy accept;
            \t\tct state new jump firewall-check # handle 6
            \t}

            \tchain filter-output-pre-dnat { # handle 7
            \t\ttype filter hook output priority -110; policy accept;
            \t\tct state new jump firewall-check # handle 8
            \t}

            \tchain filter-forward { # handle 9
            \t\ttype filter hook forward priority filter; policy accept;
            \t\tct state new jump service-endpoints-check # handle 10
            \t\tct state new jump cluster-ips-check # handle 11
            \t}

            \tchain filter-input { # handle 12
            \t\ttype filter hook input priority filter; policy accept;
            \t\tct state new jump nodeport-endpoints-check # handle 13
            \t\tct state new jump service-endpoints-check # handle 14
            \t}

            \tchain filter-output { # handle 15
            \t\ttype filter hook output priority filter; policy accept;
            \t\tct state new jump service-endpoints-check # handle 16
            \t\tct state new jump cluster-ips-check # handle 17
            \t}

            \tchain firewall-check { # handle 18
            \t\tip daddr . meta l4proto . th dport vmap @firewall-ips # handle 19
            \t}

            \tchain mark-for-masquerade { # handle 20
            \t\tmeta mark set meta mark | 0x00004000 # handle 21
            \t}

            \tchain masquerading { # handle 22
            \t\tmeta mark & 0x00004000 == 0x00000000 return # handle 23
            \t\tmeta mark set meta mark ^ 0x00004000 # handle 24
            \t\tmasquerade fully-random # handle 25
            \t}

            \tchain nat-output { # handle 26
            \t\ttype nat hook output priority -100; policy accept;
            \t\tjump services # handle 27
            \t}

            \tchain nat-postrouting { # handle 28
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\tjump masquerading # handle 29
            \t}

            \tchain nat-prerouting { # handle 30
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t\tjump services # handle 31
            \t}

            \tchain nodeport-endpoints-check { # handle 32
            \t\tip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports # handle 33
            \t}

            \tchain reject-chain { # handle 34
            \t\tcomment "helper for @no-endpoint-services / @no-endpoint-nodeports"
            \t\treject # handle 35
            \t}

            \tchain services { # handle 36
            \t\tip daddr . meta l4proto . th dport vmap @service-ips # handle 37
            \t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports # handle 38
            \t}

            \tchain service-endpoints-check { # handle 39
            \t\tip daddr . meta l4proto . th dport vmap @no-endpoint-services # handle 40
            \t}
            """;
}
