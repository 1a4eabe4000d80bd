package io.pktpath.core.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A made-up Kubernetes node for benchmarks, derived deterministically from a service count and a seed: the node's
 * address, its local pods (client pods and endpoint pods, each on a {@code cali…} veth), the remote nodes' pod
 * subnets, and the services with their endpoints, node ports and traffic policies.
 */
public record KubeCluster(int serviceCount, long seed, List<Service> services, List<Pod> clients,
                          List<Pod> localEndpoints, int remoteNodes) {
    /** Node address on eth0 (192.168.0.10/16). */
    public static final int NODE_IP = 0xc0a8000a;
    /** Cluster pod CIDR 10.244.0.0/16; this node's pods are in 10.244.0.0/24. */
    public static final String POD_CIDR = "10.244.0.0/16";
    /** First node port (kube-proxy's default range is 30000-32767). */
    public static final int FIRST_NODE_PORT = 30000;
    static final int NODE_PORTS = 2768;
    static final int CLIENT_PODS = 20;
    static final int ENDPOINT_PODS = 40;
    static final int REMOTE_NODES = 100;

    public KubeCluster {
        services = List.copyOf(services);
        clients = List.copyOf(clients);
        localEndpoints = List.copyOf(localEndpoints);
    }

    /** A pod on this node: its address, its node-side veth and that veth's interface index. */
    public record Pod(int ip, String veth, int ifindex, long mac) {
    }

    /** One service endpoint: pod address and target port; {@code local} when the pod runs on this node. */
    public record Endpoint(int ip, int port, boolean local) {
    }

    /**
     * One service port as kube-proxy sees it: {@code ns/name:port} name, protocol, cluster IP and port, node port (0 for
     * none), externalTrafficPolicy=Local or not, and 1 to 5 endpoints.
     */
    public record Service(String portName, String proto, int clusterIp, int port, int nodePort, boolean localPolicy,
                          List<Endpoint> endpoints) {
        public Service {
            endpoints = List.copyOf(endpoints);
        }

        public boolean tcp() {
            return proto.equals("tcp");
        }
    }

    /** The cluster of {@code services} services generated from {@code seed}. */
    public static KubeCluster generate(int services, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Pod> clients = new ArrayList<>();
        List<Pod> endpoints = new ArrayList<>();
        for (int i = 0; i < CLIENT_PODS + ENDPOINT_PODS; i++) {
            int ip = 0x0af40000 | (i + 2);
            Pod pod = new Pod(ip, "cali" + KubeNames.hex11("pod-" + i), i + 3, 0x0a5800000000L | ip & 0xffffffffL);
            (i < CLIENT_PODS ? clients : endpoints).add(pod);
        }
        List<Service> list = new ArrayList<>(services);
        int nodePorts = 0;
        for (int i = 0; i < services; i++) {
            boolean udp = rnd.nextInt(10) == 0;
            String portName = "ns-" + (i / 50) + "/svc-" + i + (udp ? ":dns" : ":http");
            int port = udp ? 53 : new int[] {80, 443, 8080, 9090}[rnd.nextInt(4)];
            int targetPort = udp ? 5353 : 8000 + rnd.nextInt(100);
            int n = 1 + rnd.nextInt(5);
            List<Endpoint> eps = new ArrayList<>(n);
            for (int e = 0; e < n; e++) {
                if (rnd.nextInt(10) == 0) {
                    eps.add(new Endpoint(endpoints.get(rnd.nextInt(endpoints.size())).ip(), targetPort, true));
                } else {
                    eps.add(new Endpoint(0x0af40000 | (1 + rnd.nextInt(REMOTE_NODES)) << 8 | (2 + rnd.nextInt(250)),
                            targetPort, false));
                }
            }
            List<Endpoint> distinct = eps.stream().distinct().toList();
            int nodePort = 0;
            if (!udp && rnd.nextInt(5) == 0 && nodePorts < NODE_PORTS) {
                nodePort = FIRST_NODE_PORT + nodePorts++;
            }
            boolean local = nodePort != 0 && rnd.nextInt(3) == 0;
            list.add(new Service(portName, udp ? "udp" : "tcp", 0x0a600000 + i + 1, port, nodePort, local, distinct));
        }
        return new KubeCluster(services, seed, list, clients, endpoints, REMOTE_NODES);
    }

    /** Dotted-quad text of an IPv4 address held in an int. */
    public static String ip(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }
}
