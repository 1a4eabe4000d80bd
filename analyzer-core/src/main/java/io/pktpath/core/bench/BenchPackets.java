package io.pktpath.core.bench;

import io.pktpath.core.bench.KubeCluster.Pod;
import io.pktpath.core.bench.KubeCluster.Service;
import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;
import java.util.SplittableRandom;

/** Engine packets for micro-benchmarks: the first packet (SYN, or a UDP request) of a pod's connection to a service. */
public final class BenchPackets {
    private BenchPackets() {
    }

    /** {@code n} first packets from random client pods to random services of the cluster, arriving on the pod's veth. */
    public static Packet[] firstPackets(KubeCluster cluster, int n, long seed) {
        return firstPackets(cluster, n, seed, cluster.services().size());
    }

    /**
     * {@code n} first packets from random client pods to random services among the cluster's first {@code services},
     * so that clusters of different sizes can be compared with the same number of services in use.
     */
    public static Packet[] firstPackets(KubeCluster cluster, int n, long seed, int services) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Packet[] out = new Packet[n];
        int among = Math.min(services, cluster.services().size());
        for (int i = 0; i < n; i++) {
            Service s = cluster.services().get(rnd.nextInt(among));
            Pod c = cluster.clients().get(rnd.nextInt(cluster.clients().size()));
            out[i] = first(c, s, 32768 + i % 28000, i);
        }
        return out;
    }

    static Packet first(Pod client, Service s, int sport, long frame) {
        boolean tcp = s.tcp();
        return new Packet(frame + 1, frame * 1000, IpFamily.V4, tcp ? Packet.TCP : Packet.UDP, IpAddress.v4(client.ip()),
                IpAddress.v4(s.clusterIp()), sport, s.port(), tcp ? Packet.SYN : 0, tcp ? 1000 : 0, 0, tcp ? 0 : 40,
                (int) (frame & 0xffff), tcp ? 40 : 68, 64, -1, -1, 0, Optional.empty(), false, true, false,
                LinkClass.UNICAST, Optional.empty(), client.veth(), "", "", "", false, 0, false);
    }
}
