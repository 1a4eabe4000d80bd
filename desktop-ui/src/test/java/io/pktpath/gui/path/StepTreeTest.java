package io.pktpath.gui.path;

import io.pktpath.core.trace.PacketTrace;
import io.pktpath.gui.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepTreeTest {
    private final PacketTrace rejected = Samples.session("no-endpoints-reject").keptTrace(3).orElseThrow();

    @Test
    void hooksHoldChainsAndTheDecisiveRuleIsMarked() {
        StepNode root = StepTree.of(rejected, false);
        assertEquals(List.of("PREROUTING  [raw, nat]", "FORWARD  [filter]"), root.children().stream()
                .filter(n -> n.kind() == StepNode.Kind.HOOK).map(StepNode::text).toList());
        List<StepNode> decisive = root.flatten().stream().filter(StepNode::decisive).toList();
        assertEquals(1, decisive.size());
        assertEquals("#1 -A KUBE-SERVICES -d 10.96.0.30/32 -p tcp -m comment --comment \"default/gone:http has no "
                + "endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable  "
                + "(iptables-save.txt:33)  → DROP", decisive.get(0).text());
        StepNode forward = root.children().stream().filter(n -> n.text().startsWith("FORWARD")).findFirst().orElseThrow();
        assertEquals("filter KUBE-SERVICES", forward.children().get(forward.children().size() - 1).text());
        assertTrue(root.flatten().stream().noneMatch(n -> n.kind() == StepNode.Kind.MISS));
    }

    @Test
    void aReplayedNativeNftablesChainIsAChainOfItsHookWithTheNftRuleDecisive() {
        PacketTrace syn = Samples.session("nft-native-firewall").keptTrace(13).orElseThrow();
        StepNode root = StepTree.of(syn, false);
        StepNode input = root.children().stream().filter(n -> n.text().startsWith("INPUT")).findFirst().orElseThrow();
        assertEquals("INPUT  [filter, inet pkp_fw]", input.text());
        assertEquals(List.of("filter INPUT", "inet pkp_fw input"), input.children().stream().map(StepNode::text).toList());
        List<StepNode> decisive = root.flatten().stream().filter(StepNode::decisive).toList();
        assertEquals(1, decisive.size());
        assertEquals("#1 tcp dport 8081 counter packets 3 bytes 180 drop  (nft-ruleset.txt:29)  → DROP",
                decisive.get(0).text());
    }

    @Test
    void aTunnelDatagramSaysWhichFrameItCarries() {
        PacketTrace datagram = Samples.session("overlay-vxlan").keptTrace(7).orElseThrow();
        List<String> tunnel = StepTree.of(datagram, false).children().stream().map(StepNode::text)
                .filter(t -> t.startsWith("tunnel: ")).toList();
        assertEquals(1, tunnel.size());
        assertTrue(tunnel.get(0).startsWith("tunnel: the VXLAN (VNI 1) encapsulation of frame 4 (TCP 10.244.1.2:46001 >"
                + " 10.244.2.5:8080 [S]"), tunnel.get(0));
    }

    @Test
    void anArpRequestEndsWithTheRuleOfArpProcessThatDecided() {
        // frame 1: the pod's request for its gateway 169.254.1.1, which the node answers by proxy_arp (frame 2)
        PacketTrace request = Samples.session("clusterip-tcp").keptTrace(1).orElseThrow();
        StepNode root = StepTree.of(request, false);
        StepNode last = root.children().get(root.children().size() - 1);
        assertEquals(StepNode.Kind.NEIGHBOR, last.kind());
        assertTrue(last.text().startsWith("arp proxy_arp on cali62608e08adc: answered — who-has 169.254.1.1 tell"
                + " 10.244.1.2 on cali62608e08adc: proxy_arp=1"), last.text());
        assertTrue(root.text().endsWith("— delivered locally"), root.text());
    }

    @Test
    void missesShowTheFirstFailingMatchInTheirChain() {
        StepNode root = StepTree.of(Samples.session("no-endpoints-reject").traceWithMisses(3).orElseThrow(), true);
        StepNode kubeForward = root.flatten().stream().filter(n -> n.text().equals("filter KUBE-FORWARD"))
                .findFirst().orElseThrow();
        assertEquals("✗ #1 -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP  (iptables-save.txt:30)  "
                + "no match: -m conntrack --ctstate INVALID (packet: ctstate NEW)", kubeForward.children().get(0).text());
        assertEquals(StepNode.Kind.MISS, kubeForward.children().get(0).kind());
        assertEquals("end of KUBE-FORWARD: back to the calling chain",
                kubeForward.children().get(kubeForward.children().size() - 1).text());
    }

    @Test
    void natStepNamesTheRuleThatChoseIt() {
        PacketTrace t = Samples.session("clusterip-tcp").keptTrace(3).orElseThrow();
        String nat = StepTree.of(t, false).flatten().stream().filter(n -> n.kind() == StepNode.Kind.NAT)
                .map(StepNode::text).findFirst().orElseThrow();
        assertTrue(nat.startsWith("DNAT: 10.244.1.2:33324 -> 10.96.0.10:80  →  10.244.1.2:33324 -> 10.244.1.3:8080"
                + "  by nat KUBE-SEP-2AZ33KU3V5PGPQZH #2 (iptables-save.txt:54)"), nat);
    }

    @Test
    void alternativesNameTheFrameThatDecidedAndMarkWhatHappened() {
        PacketTrace t = Samples.session("clusterip-tcp").keptTrace(3).orElseThrow();
        StepNode alternatives = StepTree.of(t, false).children().stream()
                .filter(n -> n.text().startsWith("alternatives")).findFirst().orElseThrow();
        assertEquals("alternatives (the rules allow each; egress frame 6 on calie694aa37abf shows which happened,"
                + " marked *)", alternatives.text());
        assertEquals(3, alternatives.children().size());
        assertTrue(alternatives.children().get(0).text().startsWith("* nat KUBE-SVC-CDGGSHYLG3RE2FKL #2: match"),
                alternatives.children().get(0).text());
        assertTrue(alternatives.children().get(0).text().contains("(p=0.3333): forwarded, forwarded out calie694aa37abf"),
                alternatives.children().get(0).text());
        assertTrue(alternatives.children().get(1).text().startsWith("nat KUBE-SVC-CDGGSHYLG3RE2FKL #2: no match"),
                alternatives.children().get(1).text());
        assertTrue(StepTree.of(rejected, false).children().stream().noneMatch(n -> n.text().startsWith("alternatives")));
    }
}
