package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.verify.Verifier;
import io.pktpath.core.verify.VerifyReport;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bundles/podman-netavark replayed: a Podman host whose firewall is netavark's nftables driver (table inet netavark,
 * bridge podman0 10.88.0.0/16, published 8080/tcp to web 10.88.0.2:80 and 5300/udp to dns 10.88.0.3). Every
 * expectation comes from the kernel's recording: nft-trace.txt (which native rules each packet met), conntrack-L.txt
 * (the NAT of each connection and its ct mark), the capture and probes.txt. The published port is DNATed through
 * PREROUTING's {@code fib daddr type local} jump and the network's dnat chain, whose {@code ct mark set meta mark |
 * 0x00001000} FORWARD's ct mark rule then accepts; containers and localhost reaching the host port are marked 0x2000 and
 * masqueraded to the gateway; a container reaching its own published port is bridged back to its own port by
 * br_netfilter and dropped by the bridge (no hairpin mode), each SYN a new connection.
 */
class PodmanNetavarkReplayTest {
    private static final Path DIR = RecordedBundles.bundlesDir().resolve("podman-netavark");
    private static final String NV = "nv_2f259bab_10_88_0_0_nm16";
    private static final Pattern NFT_RULE = Pattern.compile(
            "^trace id \\S+ inet netavark (\\S+) rule (.+?) \\(verdict [^)]+\\)$");
    private static final Pattern CT = Pattern.compile("^(tcp|udp) .*? src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) "
            + "src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) .*mark=(\\d+) ");

    private static List<PacketTrace> replay() throws IOException {
        Bundle bundle = BundleLoader.loadDirectory(DIR);
        return CaptureReplays.replay(bundle, DIR.resolve("capture.pcap"));
    }

    /** The native steps of a packet (raw's TRACE rule and policy left out), as "chain verdict". */
    private static List<String> nativeSteps(PacketTrace t) {
        return t.kernelSteps().stream().map(s -> s instanceof RuleStep r ? r.rule().table() + ":" + r.rule().chain()
                + " " + r.verdict() : s instanceof PolicyStep p ? p.table() + ":" + p.chain() + " " + p.verdict() : "")
                .filter(s -> s.startsWith("inet netavark:")).map(s -> s.substring("inet netavark:".length())).toList();
    }

    /** The SYNs replayed (not copies) from {@code from} to {@code to} as the node's first hook saw them. */
    private static List<PacketTrace> syns(List<PacketTrace> traces, String from, String to) {
        return traces.stream().filter(t -> (t.role() == FrameRole.INGRESS || t.role() == FrameRole.LOCAL_OUT)
                && t.packet().info().contains(" [S] ") && (t.nat().isPresent()
                        ? t.nat().get().before().toString().startsWith(from) && t.nat().get().before().toString()
                                .endsWith("-> " + to)
                        : t.packet().info().contains(from) && t.packet().info().contains("> " + to + " "))).toList();
    }

    /** conntrack-L.txt: "proto src:sport>dst:dport" (original) → {reply src, reply dst, reply dport, ct mark}. */
    private static Map<String, String[]> conntrack() throws IOException {
        Map<String, String[]> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("conntrack-L.txt"))) {
            Matcher m = CT.matcher(line);
            if (m.find()) {
                out.put(m.group(1) + " " + m.group(2) + ":" + m.group(4) + ">" + m.group(3) + ":" + m.group(5),
                        new String[] {m.group(6) + ":" + m.group(8), m.group(7), m.group(9), m.group(10)});
            }
        }
        return out;
    }

    /** Every native rule the kernel traced (nft-trace.txt), "chain rule text" → how many packets met it. */
    private static Map<String, Integer> kernelRuleHits() throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : Files.readAllLines(DIR.resolve("nft-trace.txt"))) {
            Matcher m = NFT_RULE.matcher(line.strip());
            if (m.find()) {
                out.merge(m.group(1) + " " + m.group(2), 1, Integer::sum);
            }
        }
        return out;
    }

    @Test
    void verifyFindsEveryTracedPacketEqualAndEveryCounterEqual() throws IOException {
        VerifyReport report = Verifier.verify(DIR);
        assertEquals(List.of(), report.differences(), report.text());
        assertTrue(report.compared() >= 90, "the packets of trace.txt: " + report.compared());
        assertEquals(report.compared(), report.equal());
        assertEquals(List.of(), report.untied(), report.untied().toString());
        assertTrue(report.hitsCompared() >= 4, "raw's TRACE rules and policies: " + report.hitsCompared());
        assertEquals(report.hitsCompared(), report.hitsEqual());
    }

    @Test
    void eachNativeRuleMatchesAsManyPacketsAsTheKernelTraced() throws IOException {
        Map<String, Integer> replayed = new TreeMap<>();
        for (PacketTrace t : replay()) {
            if (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT) {
                continue;
            }
            for (var s : t.kernelSteps()) {
                if (s instanceof RuleStep r && r.rule().table().equals("inet netavark")) {
                    replayed.merge(r.rule().chain() + " " + r.rule().text(), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> kernel = kernelRuleHits();
        assertTrue(kernel.containsKey(NV + "_dnat tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80"),
                kernel.keySet().toString());
        assertEquals(kernel, replayed, "per native rule: packets in nft-trace.txt vs the replay");
    }

    @Test
    void thePublishedPortsAreDnatedByTheNetworksDnatChainAndForwardedByTheCtMark() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String[]> ct = conntrack();
        List<PacketTrace> tcp = syns(traces, "172.18.0.1:4100", "172.18.0.2:8080");
        assertEquals(3, tcp.size(), "the uplink's 3 connections");
        for (PacketTrace t : tcp) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            assertEquals(List.of("PREROUTING JUMP:NETAVARK-HOSTPORT-DNAT", "NETAVARK-HOSTPORT-DNAT JUMP:" + NV + "_dnat",
                    NV + "_dnat ACCEPT", "FORWARD ACCEPT", "POSTROUTING POLICY:ACCEPT"), nativeSteps(t));
            String[] kernel = ct.get("tcp " + t.nat().orElseThrow().before().toString().replace(" -> ", ">"));
            assertEquals(kernel[0], t.nat().get().after().dst() + ":" + t.nat().get().after().dport(), "DNAT target");
            assertEquals(kernel[1], t.nat().get().after().src().toString(), "the client's source kept");
            assertFalse(t.nat().get().masquerade());
            assertTrue(ctMarkEffects(t).contains("ctmark 0x0 -> 0x" + Long.toHexString(Long.parseLong(kernel[3]))),
                    ctMarkEffects(t).toString());
        }
        List<PacketTrace> udp = traces.stream().filter(t -> t.role() == FrameRole.INGRESS
                && t.packet().info().contains("172.18.0.1:4200") && t.packet().info().contains("> 172.18.0.2:5300"))
                .toList();
        assertEquals(2, udp.size(), "the uplink's 2 datagrams");
        for (PacketTrace t : udp) {
            assertEquals(Disposition.FORWARDED, t.disposition(), t.reason());
            String[] kernel = ct.get("udp " + t.nat().orElseThrow().before().toString().replace(" -> ", ">"));
            assertEquals(kernel[0], t.nat().get().after().dst() + ":" + t.nat().get().after().dport());
        }
    }

    @Test
    void containersAndLocalhostReachingTheHostPortAreMarkedAndMasqueradedToTheGateway() throws IOException {
        List<PacketTrace> traces = replay();
        Map<String, String[]> ct = conntrack();
        PacketTrace fromDns = syns(traces, "10.88.0.3:43003", "172.18.0.2:8080").get(0);
        PacketTrace localhost = syns(traces, "127.0.0.1:43006", "127.0.0.1:8080").get(0);
        for (PacketTrace t : List.of(fromDns, localhost)) {
            List<String> s = nativeSteps(t);
            assertTrue(s.contains(NV + "_dnat JUMP:NETAVARK-HOSTPORT-SETMARK"), s.toString());
            assertEquals("POSTROUTING ACCEPT", s.get(s.size() - 1), "meta mark & 0x2000 masquerade: " + s);
            String[] kernel = ct.get("tcp " + t.nat().orElseThrow().before().toString().replace(" -> ", ">"));
            assertTrue(t.nat().get().masquerade());
            assertEquals(kernel[1], t.nat().get().after().src().toString(), "masqueraded to the gateway");
            assertEquals(kernel[0], t.nat().get().after().dst() + ":" + t.nat().get().after().dport());
            assertTrue(ctMarkEffects(t).contains("ctmark 0x0 -> 0x" + Long.toHexString(Long.parseLong(kernel[3]))),
                    "meta mark 0x2000 | 0x1000 saved: " + ctMarkEffects(t));
        }
        assertTrue(nativeSteps(fromDns).contains("FORWARD ACCEPT"), "br_netfilter's FORWARD, iif and oif podman0");
        PacketTrace egress = syns(traces, "10.88.0.2:43001", "172.18.0.1:9000").get(0);
        List<String> s = nativeSteps(egress);
        assertEquals(List.of("PREROUTING POLICY:ACCEPT", "FORWARD JUMP:NETAVARK-ISOLATION-1", "FORWARD ACCEPT",
                "POSTROUTING JUMP:" + NV, NV + " ACCEPT"), s);
        String[] kernel = ct.get("tcp 10.88.0.2:43001>172.18.0.1:9000");
        assertEquals(kernel[1], egress.nat().orElseThrow().after().src().toString());
        assertEquals(kernel[2], Integer.toString(egress.nat().get().after().sport()), "the kernel kept the port");
    }

    @Test
    void aContainerReachingItsOwnPublishedPortIsBridgedBackToItsPortAndDroppedEachSynAnew() throws IOException {
        List<PacketTrace> self = syns(replay(), "10.88.0.2:43004", "172.18.0.2:8080");
        long frames = Files.readAllLines(DIR.resolve("probes.txt")).stream()
                .filter(l -> l.startsWith("[web] tcp 172.18.0.2:8080 result=timeout")).count();
        assertEquals(1, frames, "probes.txt: web's connection to its own published port timed out");
        assertTrue(self.size() >= 2, "the SYN and its retransmissions: " + self.size());
        for (PacketTrace t : self) {
            assertEquals(Disposition.BRIDGE_HAIRPIN_OFF, t.disposition(), t.reason());
            assertEquals(List.of("PREROUTING JUMP:NETAVARK-HOSTPORT-DNAT", "NETAVARK-HOSTPORT-DNAT JUMP:" + NV + "_dnat",
                    NV + "_dnat JUMP:NETAVARK-HOSTPORT-SETMARK", "NETAVARK-HOSTPORT-SETMARK CONTINUE", NV + "_dnat ACCEPT"),
                    nativeSteps(t), "every SYN walks the nat chains: no connection was confirmed");
            assertEquals(List.of(), t.correlated(), "no frame left towards web");
        }
        assertTrue(conntrack().keySet().stream().noneMatch(k -> k.contains(":43004>")), "conntrack-L has no entry");
        var result = Analyzer.analyze(BundleLoader.loadDirectory(DIR), Optional.empty(), AnalysisOptions.DEFAULT,
                t -> { }, n -> { }, () -> false);
        assertTrue(result.findings().stream().anyMatch(f -> f.code().equals(Codes.BRIDGE_HAIRPIN_OFF)
                && f.frames().size() == self.size()), result.findings().toString());
        assertTrue(result.findings().stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)),
                "every netavark chain is replayed");
    }

    private static List<String> ctMarkEffects(PacketTrace t) {
        return t.kernelSteps().stream().filter(s -> s instanceof RuleStep r && r.rule().chain().equals(NV + "_dnat"))
                .flatMap(s -> ((RuleStep) s).effects().stream()).filter(e -> e.startsWith("ctmark")).toList();
    }
}
