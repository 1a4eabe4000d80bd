package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.bundle.BundleOpener;
import io.pktpath.core.capture.CaptureReader;
import io.pktpath.core.packet.DecodeStatus;
import io.pktpath.core.packet.PacketDecoder;
import io.pktpath.core.packet.PacketView;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.FrameRole;
import io.pktpath.parser.bundle.Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated pod-traffic capture decodes cleanly and replays through its generated node as the kernel would. */
class PodTrafficCaptureGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void framesComeInPairsAndDecode() throws Exception {
        KubeCluster c = KubeCluster.generate(50, 9);
        Path file = tmp.resolve("c.pcap");
        assertEquals(1000, PodTrafficCaptureGenerator.write(file, c, 1000, 10));
        PacketDecoder decoder = new PacketDecoder();
        PacketView v = new PacketView();
        List<String> firstTwo = new ArrayList<>();
        long[] ok = {0};
        CaptureReader.open(file).read(f -> {
            decoder.decode(f, v);
            ok[0] += v.status() == DecodeStatus.OK ? 1 : 0;
            if (f.frameNumber() <= 2) {
                firstTwo.add(f.direction() + " " + KubeCluster.ip(v.src4()) + ">" + KubeCluster.ip(v.dst4()) + " flags "
                        + v.tcpFlags() + " ttl " + v.ttl());
            }
        });
        assertEquals(1000, ok[0]);
        // the first packet of the first connection: a SYN to a cluster IP, then the same SYN DNATed to an endpoint
        assertEquals(2, firstTwo.size());
        assertEquals(true, firstTwo.get(0).startsWith("IN 10.244.0."), firstTwo.toString());
        assertEquals(true, firstTwo.get(0).contains(">10.96."), firstTwo.toString());
        assertEquals(true, firstTwo.get(1).startsWith("OUT 10.244.0."), firstTwo.toString());
        assertEquals(true, firstTwo.get(1).matches("OUT 10\\.244\\.0\\.\\d+>10\\.244\\.\\d+\\.\\d+ flags 2 ttl 63"),
                firstTwo.toString());
        byte[] again = Files.readAllBytes(file);
        PodTrafficCaptureGenerator.write(file, c, 1000, 10);
        assertEquals(true, java.util.Arrays.equals(again, Files.readAllBytes(file)), "same seed, same bytes");
    }

    @Test
    void everyPacketIsForwardedAndItsEgressCopyClaimed() throws Exception {
        BenchBundle.write(tmp, 200, 4000, 11);
        Bundle bundle = new BundleOpener().open(tmp).bundle();
        assertEquals(true, bundle.rulesetV4().isPresent());
        long[] withNat = {0};
        AnalysisResult r = Analyzer.analyze(bundle, Optional.empty(), AnalysisOptions.DEFAULT,
                t -> withNat[0] += t.nat().isPresent() && t.nat().get().changed() ? 1 : 0, n -> { }, () -> false);
        assertEquals(Map.of(FrameRole.INGRESS, 2000L, FrameRole.EGRESS_COPY, 2000L), r.summary().roles());
        assertEquals(Map.of(Disposition.FORWARDED, 4000L), r.summary().dispositions());
        // every packet to or from a service is NATed: DNAT on the way in, un-DNAT on the way back
        assertEquals(4000, withNat[0]);
    }
}
