package io.pktpath.core.bench;

import io.pktpath.core.bench.KubeCluster.Endpoint;
import io.pktpath.core.bench.KubeCluster.Pod;
import io.pktpath.core.bench.KubeCluster.Service;
import io.pktpath.core.capture.CaptureWriter;
import io.pktpath.core.capture.LinkType;
import io.pktpath.core.capture.PcapWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a node-wide ({@code tcpdump -i any}, Linux cooked v2, snap length 128) capture of pod-to-service traffic for a
 * {@link KubeCluster}: client pods open TCP connections (handshake, 1-14 request/response exchanges, FIN both ways)
 * and UDP exchanges to random services, a fixed number at a time, interleaved; every forwarded packet shows up twice,
 * coming in (to the cluster IP) and going out (DNATed to the endpoint the generator picked), as the kernel sends it.
 */
public final class PodTrafficCaptureGenerator {
    /** Frames are cut to this many bytes, as {@code tcpdump -s 128} does. */
    public static final int SNAPLEN = 128;
    static final int CONCURRENT = 1000;
    static final long START_NANOS = 1_763_769_600_000_000_000L;
    private static final int ETH0 = 2;
    private static final int OUT = 4;
    private static final int SYN = 0x02;
    private static final int FIN = 0x01;
    private static final int PSH_ACK = 0x18;
    private static final int ACK = 0x10;

    private final KubeCluster cluster;
    private final SplittableRandom rnd;
    private final PcapWriter writer;
    private final byte[] buf = new byte[SNAPLEN];
    private long nanos = START_NANOS;
    private long frames;
    private int nextSport = 32768;

    private PodTrafficCaptureGenerator(KubeCluster cluster, long seed, PcapWriter writer) {
        this.cluster = cluster;
        this.rnd = new SplittableRandom(seed);
        this.writer = writer;
    }

    /** Writes at least {@code frames} frames (stopping at the end of a packet pair); returns the count written. */
    public static long write(Path file, KubeCluster cluster, long frames, long seed) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             PcapWriter w = CaptureWriter.pcap(out, LinkType.LINUX_SLL2, false, true, SNAPLEN)) {
            PodTrafficCaptureGenerator g = new PodTrafficCaptureGenerator(cluster, seed, w);
            Conn[] slots = new Conn[CONCURRENT];
            while (g.frames < frames) {
                int i = g.rnd.nextInt(CONCURRENT);
                if (slots[i] == null || slots[i].done()) {
                    slots[i] = g.open();
                }
                g.step(slots[i]);
            }
            return g.frames;
        }
    }

    /** One connection in progress: who talks to which endpoint, sequence numbers and how far it got. */
    private static final class Conn {
        Pod client;
        Service service;
        Endpoint endpoint;
        int sport;
        int clientSeq;
        int serverSeq;
        int exchanges;
        int phase;
        int clientIpId;
        int serverIpId;

        boolean done() {
            return phase >= (service.tcp() ? 6 + 2 * exchanges : 2 * exchanges);
        }
    }

    private Conn open() {
        Conn c = new Conn();
        c.client = cluster.clients().get(rnd.nextInt(cluster.clients().size()));
        c.service = cluster.services().get(rnd.nextInt(cluster.services().size()));
        c.endpoint = c.service.endpoints().get(rnd.nextInt(c.service.endpoints().size()));
        c.sport = nextSport;
        nextSport = nextSport == 60999 ? 32768 : nextSport + 1;
        c.clientSeq = rnd.nextInt();
        c.serverSeq = rnd.nextInt();
        c.exchanges = c.service.tcp() ? 1 + rnd.nextInt(14) : 1 + rnd.nextInt(3);
        c.clientIpId = rnd.nextInt(65536);
        c.serverIpId = rnd.nextInt(65536);
        return c;
    }

    private void step(Conn c) throws IOException {
        int p = c.phase++;
        if (!c.service.tcp()) {
            boolean request = p % 2 == 0;
            send(c, request, request ? 40 : 120, 0);
            return;
        }
        int last = 3 + 2 * c.exchanges;
        if (p == 0) {
            send(c, true, 0, SYN);
        } else if (p == 1) {
            send(c, false, 0, SYN | ACK);
        } else if (p == 2) {
            send(c, true, 0, ACK);
        } else if (p < last) {
            boolean request = (p - 3) % 2 == 0;
            send(c, request, request ? 100 : 1000, PSH_ACK);
        } else if (p == last) {
            send(c, true, 0, FIN | ACK);
        } else if (p == last + 1) {
            send(c, false, 0, FIN | ACK);
        } else {
            send(c, true, 0, ACK);
        }
    }

    /** One packet: its arrival frame and, 2 µs later, its departure frame after the node's NAT. */
    private void send(Conn c, boolean fromClient, int payload, int flags) throws IOException {
        Service s = c.service;
        Endpoint e = c.endpoint;
        int epIf = e.local() ? localIfindex(e.ip()) : ETH0;
        int ipId = fromClient ? c.clientIpId++ & 0xffff : c.serverIpId++ & 0xffff;
        int seq = fromClient ? c.clientSeq : c.serverSeq;
        int ack = fromClient ? c.serverSeq : c.clientSeq;
        if (fromClient) {
            frame(c.client.ifindex(), 0, c.client.mac(), c.client.ip(), c.sport, s.clusterIp(), s.port(), ipId, 64, s, seq, ack, flags, payload);
            frame(epIf, OUT, 0x02420a000001L, c.client.ip(), c.sport, e.ip(), e.port(), ipId, 63, s, seq, ack, flags, payload);
        } else {
            long mac = e.local() ? 0x0a5800000000L | e.ip() & 0xffffffffL : 0x0242c0a80101L;
            frame(epIf, 0, mac, e.ip(), e.port(), c.client.ip(), c.sport, ipId, 64, s, seq, ack, flags, payload);
            frame(c.client.ifindex(), OUT, 0xeeeeeeeeeeeeL, s.clusterIp(), s.port(), c.client.ip(), c.sport, ipId, 63, s, seq, ack,
                    flags, payload);
        }
        if (s.tcp()) {
            int used = payload + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            if (fromClient) {
                c.clientSeq += used;
            } else {
                c.serverSeq += used;
            }
        }
        nanos += 3_000;
    }

    private int localIfindex(int ip) {
        for (Pod p : cluster.localEndpoints()) {
            if (p.ip() == ip) {
                return p.ifindex();
            }
        }
        throw new IllegalStateException("local endpoint " + KubeCluster.ip(ip) + " has no pod");
    }

    private void frame(int ifindex, int pktType, long mac, int src, int sport, int dst, int dport, int ipId, int ttl,
                       Service s, int seq, int ack, int flags, int payload) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf);
        b.putShort((short) 0x0800).putShort((short) 0).putInt(ifindex).putShort((short) 1).put((byte) pktType)
                .put((byte) 6).putLong(mac << 16);
        int l4 = s.tcp() ? 20 : 8;
        int total = 20 + l4 + payload;
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) ipId).putShort((short) 0x4000)
                .put((byte) ttl).put((byte) (s.tcp() ? 6 : 17)).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort(ipStart + 10, (short) checksum(ipStart));
        if (s.tcp()) {
            b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt((flags & ACK) != 0 ? ack : 0)
                    .put((byte) 0x50).put((byte) flags).putShort((short) 64240).putInt(0);
        } else {
            b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload)).putShort((short) 0);
        }
        int captured = Math.min(b.position() + payload, SNAPLEN);
        while (b.position() < captured) {
            b.put((byte) 0);
        }
        writer.write(nanos + (pktType == OUT ? 2_000 : 0), buf, 0, captured, 20 + total);
        frames++;
    }

    private int checksum(int start) {
        int sum = 0;
        for (int i = start; i < start + 20; i += 2) {
            sum += (buf[i] & 0xff) << 8 | buf[i + 1] & 0xff;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }
}
