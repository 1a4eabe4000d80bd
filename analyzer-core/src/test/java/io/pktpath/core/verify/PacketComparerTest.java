package io.pktpath.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.NatChange;
import io.pktpath.core.trace.PacketSummary;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RouteDecision;
import io.pktpath.core.trace.RuleRef;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.Tuple;
import io.pktpath.core.trace.Verdict;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketComparerTest {
    // A DNATed SYN as xtables-monitor printed it (clusterip-tcp, kernel 6.18), shortened to the tables it crossed.
    private static final String LOG = """
            PACKET: 2 aa000001 IN=cali1 SRC=10.244.1.2 DST=10.96.0.10 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=40000 DPORT=80 SYN
             TRACE: 2 aa000001 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
             TRACE: 2 aa000001 raw:PREROUTING:policy:ACCEPT
            PACKET: 2 aa000001 IN=cali1 SRC=10.244.1.2 DST=10.96.0.10 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=40000 DPORT=80 SYN
             TRACE: 2 aa000001 nat:PREROUTING:rule:0x5:ACCEPT  -4 -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.244.1.3:8080
            PACKET: 2 aa000001 IN=cali1 OUT=cali2 SRC=10.244.1.2 DST=10.244.1.3 LEN=60 TOS=0x0 TTL=63 ID=100 DF SPORT=40000 DPORT=8080 SYN
             TRACE: 2 aa000001 filter:FORWARD:policy:ACCEPT
            """;

    private static IpAddress ip(String s) {
        try {
            return IpAddress.parse(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static PacketSummary frame(long n, String iface, String dir, String src, int sport, String dst, int dport) {
        return new PacketSummary(n, n * 1000, iface, dir, 4, 6, Optional.of(ip(src)), Optional.of(ip(dst)), sport, dport,
                100, 60, -1, -1, 2, "");
    }

    private static RuleStep rule(Hook hook, String table, String chain, String text, Verdict verdict) {
        return new RuleStep(hook, new RuleRef(4, table, chain, 1, SourceSpan.line("iptables-save.txt", 1), text), verdict,
                List.of());
    }

    private static PacketTrace trace(PacketSummary p, List<TraceStep> steps, String natTo, String dev) {
        Tuple before = new Tuple(6, p.src().orElseThrow(), p.sport(), p.dst().orElseThrow(), p.dport());
        Tuple after = new Tuple(6, p.src().orElseThrow(), p.sport(), ip(natTo), 8080);
        return new PacketTrace(p, FrameRole.INGRESS, steps, Disposition.FORWARDED, "forwarded",
                Optional.of(new NatChange(before, after, false)),
                Optional.of(new RouteDecision(32766, "main", natTo, "unicast", dev, "", "", "")), List.of(), List.of(),
                List.of(), List.of(), 1);
    }

    private static List<TraceStep> kernelLikeSteps(String dnatText) {
        return List.of(rule(Hook.PREROUTING, "raw", "PREROUTING", "-A PREROUTING -j TRACE", Verdict.CONTINUE),
                new PolicyStep(Hook.PREROUTING, "raw", "PREROUTING", Verdict.POLICY_ACCEPT),
                rule(Hook.PREROUTING, "nat", "PREROUTING", dnatText, Verdict.ACCEPT),
                new PolicyStep(Hook.FORWARD, "filter", "FORWARD", Verdict.POLICY_ACCEPT));
    }

    private static final String DNAT = "-A PREROUTING -p tcp -j DNAT --to-destination 10.244.1.3:8080";

    @Test
    void equalStepsNatAndEgressGiveNoDifference() {
        KernelPacket k = KernelTraceParser.parse("trace.txt", LOG).value().get(0);
        PacketSummary in = frame(1, "cali1", "in", "10.244.1.2", 40000, "10.96.0.10", 80);
        PacketSummary out = frame(2, "cali2", "out", "10.244.1.2", 40000, "10.244.1.3", 8080);
        PacketTrace t = trace(in, kernelLikeSteps(DNAT), "10.244.1.3", "cali2");
        PacketTrace copy = new PacketTrace(out, FrameRole.EGRESS_COPY, List.of(), Disposition.FORWARDED, "copy",
                t.nat(), t.route(), List.of(1L), List.of(), List.of(), List.of(), 1);
        FrameTies ties = new FrameTies(List.of(t, copy));
        assertEquals(Optional.of(t), ties.tie(k).trace());
        assertEquals(List.of(), new PacketComparer(ties, false).compare(k, "trace.txt", t, false));
    }

    @Test
    void differencesAreReportedSideBySide() {
        KernelPacket k = KernelTraceParser.parse("trace.txt", LOG).value().get(0);
        PacketSummary in = frame(1, "cali1", "in", "10.244.1.2", 40000, "10.96.0.10", 80);
        PacketTrace t = trace(in, kernelLikeSteps("-A PREROUTING -p udp -j DNAT --to-destination 10.244.1.4:8080"),
                "10.244.1.4", "cali3");
        FrameTies ties = new FrameTies(List.of(t));
        PacketTrace tied = ties.tie(k).trace().orElseThrow();
        List<Difference> diffs = new PacketComparer(ties, false).compare(k, "trace.txt", tied, false);
        assertEquals(3, diffs.size());
        assertEquals("frame 1 steps #3: kernel \"nat:PREROUTING " + DNAT + " => ACCEPT\" vs pktpath \"nat:PREROUTING"
                + " -A PREROUTING -p udp -j DNAT --to-destination 10.244.1.4:8080 => ACCEPT\"", diffs.get(0).key());
        assertEquals(4, diffs.get(0).rows().size());
        assertTrue(diffs.get(0).rows().get(0).equal());
        assertEquals("frame 1 nat/route: kernel \"dst 10.244.1.3:8080 out cali2\" vs pktpath \"dst 10.244.1.4:8080 out"
                + " cali3\"", diffs.get(1).key());
        assertEquals("frame 1 egress: kernel \"no egress frame on cali2 in the capture\" vs pktpath \"FORWARDED"
                + " 10.244.1.2:40000 -> 10.244.1.4:8080 on cali3\"", diffs.get(2).key());
    }

    @Test
    void aPartialTraceComparesOnlyWhatWasTraced() {
        String cut = LOG.substring(0, LOG.indexOf("PACKET: 2 aa000001 IN=cali1 OUT"));
        KernelPacket k = KernelTraceParser.parse("trace.txt", cut).value().get(0);
        PacketTrace t = trace(frame(1, "cali1", "in", "10.244.1.2", 40000, "10.96.0.10", 80), kernelLikeSteps(DNAT),
                "10.244.1.3", "cali2");
        FrameTies ties = new FrameTies(List.of(t));
        assertEquals(List.of(), new PacketComparer(ties, true).compare(k, "trace.txt", t, true));
        assertEquals("steps #4", new PacketComparer(ties, false).compare(k, "trace.txt", t, true).get(0).aspect());
    }

    @Test
    void aLocallyGeneratedPacketIsTiedOnIdLengthAndOutDevice() {
        String log = """
                PACKET: 2 bb000001 OUT=eth0 SRC=172.18.0.2 DST=10.96.0.40 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=45718 DPORT=80 SYN
                 TRACE: 2 bb000001 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
                """;
        KernelPacket k = KernelTraceParser.parse("trace.txt", log).value().get(0);
        PacketSummary wire = frame(3, "cali2", "out", "172.18.0.2", 32157, "10.244.1.3", 8080);
        PacketTrace t = new PacketTrace(wire, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
        FrameTies.Tie tie = new FrameTies(List.of(t)).tie(k);
        assertEquals(Optional.of(t), tie.trace());
        assertEquals("locally generated: tied on ID+LEN+OUT (the kernel's first PACKET is before NAT, the capture after)",
                tie.how());
    }

    @Test
    void aPacketLoopedBackOnLoIsTiedToItsInboundLoFrame() {
        // redirect-proxy: the ACK after the SYN REDIRECTed to 127.0.0.1:15002 keeps OUT=eth0 in its output pass; the
        // capture (tcpdump -i any) holds it once, inbound on lo.
        String log = """
                PACKET: 2 7148c9b3 OUT=eth0 SRC=172.18.0.2 DST=172.18.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=8080 ACK
                 TRACE: 2 7148c9b3 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -j TRACE
                PACKET: 2 7148c9b3 OUT=eth0 SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=15002 ACK
                 TRACE: 2 7148c9b3 filter:OUTPUT:policy:ACCEPT
                PACKET: 2 9955202c IN=lo LOOPBACK SRC=172.18.0.2 DST=127.0.0.1 LEN=52 TOS=0x0 TTL=64 ID=39912 DF SPORT=43005 DPORT=15002 ACK
                 TRACE: 2 9955202c raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -j TRACE
                 TRACE: 2 9955202c filter:INPUT:rule:0x4:ACCEPT  -4 -t filter -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
                """;
        List<KernelPacket> packets = KernelTraceParser.parse("trace.txt", log).value();
        assertEquals(1, packets.size());
        PacketSummary other = new PacketSummary(29, 29000, "lo", "in", 4, 6, Optional.of(ip("172.18.0.2")),
                Optional.of(ip("127.0.0.1")), 43005, 15002, 39912, 71, -1, -1, 2, "");
        PacketSummary lo = new PacketSummary(30, 30000, "lo", "in", 4, 6, Optional.of(ip("172.18.0.2")),
                Optional.of(ip("127.0.0.1")), 43005, 15002, 39912, 52, -1, -1, 2, "");
        PacketTrace o = new PacketTrace(other, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent",
                Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
        PacketTrace t = new PacketTrace(lo, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
        FrameTies ties = new FrameTies(List.of(o, t));
        FrameTies.Tie tie = ties.tie(packets.get(0));
        assertEquals(Optional.of(t), tie.trace());
        assertTrue(tie.how().startsWith("locally generated and looped back"), tie.how());
        assertEquals(List.of(o), ties.untied());
    }

    @Test
    void aFrameBridgedAfterBrNetfiltersForwardLeavesOnAPortOfTheBridge() {
        // podman-netavark: dns -> web on podman0, traced by br_netfilter with IN and OUT the bridge; the capture has it
        // only on the ports (in on veth-dns, out on veth-web)
        String log = """
                PACKET: 2 dd000001 IN=podman0 SRC=10.88.0.3 DST=10.88.0.2 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=43002 DPORT=80 SYN
                 TRACE: 2 dd000001 raw:PREROUTING:policy:ACCEPT
                PACKET: 2 dd000001 IN=podman0 OUT=podman0 SRC=10.88.0.3 DST=10.88.0.2 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=43002 DPORT=80 SYN
                 TRACE: 2 dd000001 filter:FORWARD:policy:ACCEPT
                """;
        KernelPacket k = KernelTraceParser.parse("trace.txt", log).value().get(0);
        PacketSummary in = frame(1, "veth-dns", "in", "10.88.0.3", 43002, "10.88.0.2", 80);
        PacketSummary out = frame(2, "veth-web", "out", "10.88.0.3", 43002, "10.88.0.2", 80);
        List<TraceStep> steps = List.of(new PolicyStep(Hook.PREROUTING, "raw", "PREROUTING", Verdict.POLICY_ACCEPT),
                new PolicyStep(Hook.FORWARD, "filter", "FORWARD", Verdict.POLICY_ACCEPT));
        PacketTrace t = new PacketTrace(in, FrameRole.INGRESS, steps, Disposition.FORWARDED, "bridged", Optional.empty(),
                Optional.of(new RouteDecision(0, "", "", "", "podman0", "", "", "")), List.of(2L), List.of(), List.of(),
                List.of(), 1);
        PacketTrace copy = new PacketTrace(out, FrameRole.EGRESS_COPY, List.of(), Disposition.FORWARDED, "copy",
                Optional.empty(), t.route(), List.of(1L), List.of(), List.of(), List.of(), 1);
        java.util.Map<String, String> ports = java.util.Map.of("veth-dns", "podman0", "veth-web", "podman0");
        FrameTies ties = new FrameTies(List.of(t, copy), ports);
        assertEquals(Optional.of(t), ties.tie(k).trace());
        assertEquals(List.of(), new PacketComparer(ties, false).compare(k, "trace.txt", t, false));
        FrameTies unbridged = new FrameTies(List.of(t, copy));
        unbridged.tie(k);
        List<Difference> d = new PacketComparer(unbridged, false).compare(k, "trace.txt", t, false);
        assertEquals(1, d.size(), "without the bridge's ports the egress frame is not found: " + d);
        assertEquals("no egress frame on podman0 in the capture", d.get(0).kernel());
    }

    @Test
    void aBridgedDnatsFrameOnTheBridgeDeviceIsNotItsEgress() {
        // cni-hostport: web's answer to cli, un-masqueraded by br_netfilter's PREROUTING and bridged back; the capture
        // holds it on cni0 before POSTROUTING (the neighbour's output, br_nf_pre_routing_finish_bridge) and on cli's
        // port after POSTROUTING's un-DNAT: the port's frame is the packet leaving
        String log = """
                PACKET: 2 ff000001 IN=cni0 SRC=10.244.1.2 DST=10.244.1.1 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=80 DPORT=45041 SYN ACK
                 TRACE: 2 ff000001 raw:PREROUTING:policy:ACCEPT
                PACKET: 2 ff000001 IN=cni0 OUT=cni0 SRC=10.244.1.2 DST=10.244.1.3 LEN=60 TOS=0x0 TTL=64 ID=100 DF SPORT=80 DPORT=45041 SYN ACK
                 TRACE: 2 ff000001 filter:FORWARD:policy:ACCEPT
                """;
        KernelPacket k = KernelTraceParser.parse("trace.txt", log).value().get(0);
        PacketSummary in = frame(1, "veth-web", "in", "10.244.1.2", 80, "10.244.1.1", 45041);
        PacketSummary onBridge = frame(2, "cni0", "out", "10.244.1.2", 80, "10.244.1.3", 45041);
        PacketSummary out = frame(3, "veth-cli", "out", "172.18.0.2", 8080, "10.244.1.3", 45041);
        List<TraceStep> steps = List.of(new PolicyStep(Hook.PREROUTING, "raw", "PREROUTING", Verdict.POLICY_ACCEPT),
                new PolicyStep(Hook.FORWARD, "filter", "FORWARD", Verdict.POLICY_ACCEPT));
        NatChange nat = new NatChange(new Tuple(6, ip("10.244.1.2"), 80, ip("10.244.1.1"), 45041),
                new Tuple(6, ip("172.18.0.2"), 8080, ip("10.244.1.3"), 45041), false);
        PacketTrace t = new PacketTrace(in, FrameRole.INGRESS, steps, Disposition.FORWARDED, "bridged", Optional.of(nat),
                Optional.of(new RouteDecision(32766, "main", "", "unicast", "cni0", "", "", "")), List.of(3L, 2L),
                List.of(), List.of(), List.of(), 1);
        PacketTrace early = new PacketTrace(onBridge, FrameRole.EGRESS_COPY, List.of(), Disposition.FORWARDED, "copy",
                t.nat(), t.route(), List.of(1L), List.of(), List.of(), List.of(), 1);
        PacketTrace leaving = new PacketTrace(out, FrameRole.EGRESS_COPY, List.of(), Disposition.FORWARDED, "copy",
                t.nat(), t.route(), List.of(1L), List.of(), List.of(), List.of(), 1);
        java.util.Map<String, String> ports = java.util.Map.of("veth-web", "cni0", "veth-cli", "cni0");
        FrameTies ties = new FrameTies(List.of(t, early, leaving), ports);
        assertEquals(Optional.of(t), ties.tie(k).trace());
        assertEquals(List.of(), new PacketComparer(ties, false).compare(k, "trace.txt", t, false));
        FrameTies noPorts = new FrameTies(List.of(t, early, leaving));
        noPorts.tie(k);
        List<Difference> d = new PacketComparer(noPorts, false).compare(k, "trace.txt", t, false);
        assertEquals(1, d.size(), "without the bridge's ports only the bridge device's frame is found: " + d);
        assertEquals("FORWARDED 10.244.1.2:80 -> 10.244.1.3:45041 on cni0 (frame 2)", d.get(0).kernel());
    }

    @Test
    void aPacketLineBeforeANativeDnatChainShowsThePacketBeforeItsDnat() {
        // podman-netavark: web's SYN to its own published port, DNATed by netavark's chains and then dropped by the
        // bridge: no PACKET line shows it after the DNAT
        String log = """
                PACKET: 2 ee000001 IN=podman0 SRC=10.88.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=7 DF SPORT=43004 DPORT=8080 SYN
                 TRACE: 2 ee000001 raw:PREROUTING:policy:ACCEPT
                PACKET: 1 ee000001 IN=podman0 NFPROTO=2 SRC=10.88.0.2 DST=172.18.0.2 LEN=60 TOS=0x0 TTL=64 ID=7 DF SPORT=43004 DPORT=8080 SYN
                 TRACE: 1 ee000001 netavark:PREROUTING:rule:0x16:JUMP:NETAVARK-HOSTPORT-DNAT
                 TRACE: 1 ee000001 netavark:NETAVARK-HOSTPORT-DNAT:rule:0x18:ACCEPT
                """;
        KernelPacket k = KernelTraceParser.parse("trace.txt", log).value().get(0);
        assertTrue(PacketComparer.afterDestinationNat(k).isPresent(), "unknown native chains: taken as after the DNAT");
        assertEquals(Optional.empty(), PacketComparer.afterDestinationNat(k,
                java.util.Set.of("inet netavark:PREROUTING", "inet netavark:NETAVARK-HOSTPORT-DNAT")));
    }

    @Test
    void anIpv6PacketDnatedInNatOutputIsTiedToItsReroutedFrameAndSoAreItsConnectionsLaterPackets() {
        // docker-nftables-ipv6 (nft monitor trace): the node's SYN to its own published port, DNATed to a container and
        // rerouted out the bridge, then its ACK, traced in raw OUTPUT only; IPv6 has no IP id, and the SYN to ::1 that
        // followed has the SYN's length and is on lo
        String nft = """
                trace id e9c05c37 ip6 raw OUTPUT packet: oif "lo" ip6 saddr fd00:18::2 ip6 daddr fd00:18::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 669237 ip6 length 40 tcp sport 43005 tcp dport 8080 tcp flags == syn tcp window 65476
                trace id e9c05c37 ip6 raw OUTPUT policy accept
                trace id e9c05c37 ip6 docker-bridges nat-OUTPUT packet: oif "lo" ip6 saddr fd00:18::2 ip6 daddr fd00:18::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 669237 ip6 length 40 tcp sport 43005 tcp dport 8080 tcp flags == syn tcp window 65476
                trace id e9c05c37 ip6 docker-bridges nat-OUTPUT rule ip6 daddr != ::1 fib daddr type local counter packets 0 bytes 0 jump nat-prerouting-and-output (verdict jump nat-prerouting-and-output)
                trace id e9c05c37 ip6 docker-bridges nat-prerouting-and-output rule iifname != "br-8a3c41d2e6f0" ip6 saddr != fe80::/10 tcp dport 8080 counter packets 0 bytes 0 dnat to [fd49:efd7:54aa::2]:80 comment "DNAT" (verdict accept)
                trace id e9c05c37 ip6 docker-bridges nat-POSTROUTING packet: oif "br-8a3c41d2e6f0" ip6 saddr fd00:18::2 ip6 daddr fd49:efd7:54aa::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 669237 ip6 length 40 tcp sport 43005 tcp dport 80 tcp flags == syn tcp window 65476
                trace id e9c05c37 ip6 docker-bridges nat-POSTROUTING policy accept
                trace id e01ac75a ip6 raw OUTPUT packet: oif "lo" ip6 saddr fd00:18::2 ip6 daddr fd00:18::2 ip6 dscp cs0 ip6 ecn not-ect ip6 hoplimit 64 ip6 flowlabel 669237 ip6 length 32 tcp sport 43005 tcp dport 8080 tcp flags == ack tcp window 64
                trace id e01ac75a ip6 raw OUTPUT policy accept
                """;
        List<KernelPacket> packets = KernelTraceParser.parse("nft-trace.txt",
                NftTraceConverter.convert(nft, "", Optional.empty())).value();
        assertEquals(2, packets.size());
        PacketTrace lo = sent(new PacketSummary(9, 9000, "lo", "in", 6, 6, Optional.of(ip("::1")), Optional.of(ip("::1")),
                43006, 8080, -1, 80, -1, -1, 2, ""));
        PacketTrace syn = sent(new PacketSummary(3, 3000, "br-8a3c41d2e6f0", "out", 6, 6, Optional.of(ip("fd00:18::2")),
                Optional.of(ip("fd49:efd7:54aa::2")), 43005, 80, -1, 80, -1, -1, 2, ""));
        PacketTrace ack = sent(new PacketSummary(5, 5000, "br-8a3c41d2e6f0", "out", 6, 6, Optional.of(ip("fd00:18::2")),
                Optional.of(ip("fd49:efd7:54aa::2")), 43005, 80, -1, 72, -1, -1, 16, ""));
        FrameTies ties = new FrameTies(List.of(syn, ack, lo));
        FrameTies.Tie first = ties.tie(packets.get(0));
        assertEquals(Optional.of(syn), first.trace(), first.how());
        FrameTies.Tie next = ties.tie(packets.get(1));
        assertEquals(Optional.of(ack), next.trace(), next.how());
        assertEquals(List.of(lo), ties.untied(), "the SYN to ::1 is left to its own kernel packet");
    }

    private static PacketTrace sent(PacketSummary p) {
        return new PacketTrace(p, FrameRole.LOCAL_OUT, List.of(), Disposition.SENT, "sent", Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), List.of(), 0);
    }

    @Test
    void aReplyTracedOnlyInANativeRawPriorityChainWasSeenBeforeItsDeSnat() {
        // docker-nftables-hairpin: web's SYN-ACK to a connection MASQUERADE FROM HOST rewrote, delivered locally: the
        // kernel printed it in Docker's raw-PREROUTING (priority raw) only, before conntrack's de-SNAT
        String nft = """
                trace id fd00e2f2 ip docker-bridges raw-PREROUTING packet: iif "docker0" ether saddr da:af:1b:77:e3:95 ether daddr 42:cf:46:af:9c:70 ip saddr 172.17.0.2 ip daddr 172.17.0.1 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 0 ip length 60 tcp sport 80 tcp dport 42005 tcp flags == 0x12 tcp window 65160
                trace id fd00e2f2 ip docker-bridges raw-PREROUTING policy accept
                """;
        KernelPacket k = KernelTraceParser.parse("nft-trace.txt", NftTraceConverter.convert(nft, "", Optional.empty(),
                "ip")).value().get(0);
        assertTrue(PacketComparer.afterDestinationNat(k).isPresent(), "unknown native chains: taken as after the DNAT");
        assertEquals(Optional.empty(), PacketComparer.afterDestinationNat(k, java.util.Set.of("ip docker-bridges:raw-PREROUTING")));
    }
}
