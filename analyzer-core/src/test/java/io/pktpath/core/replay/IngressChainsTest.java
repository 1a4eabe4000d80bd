package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.conntrack.CtTimeouts;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.routing.NetworkInputs;
import io.pktpath.core.routing.NodeNetwork;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Native ingress chains in the replay: a received packet walks the chains bound to its input device, in priority order
 * whatever their family (inet before netdev here), before PREROUTING; a drop there ends it; a device no chain is
 * bound to walks none.
 */
class IngressChainsTest {
    private static final String RULESET = """
            table netdev nd {
            	chain ing {
            		type filter hook ingress devices = { "eth0", "eth1" } priority filter; policy accept;
            		tcp dport 23 drop
            		counter
            	}
            }
            table inet ig {
            	chain ing {
            		type filter hook ingress device "eth0" priority filter - 10; policy accept;
            		meta nftrace set 1
            		udp dport 5353 drop
            	}
            }
            """;
    private static final KernelNodePath PATH = new KernelNodePath(NodeInputs.of(NodeNetwork.of(new NetworkInputs(
                    List.of(), List.of(), Optional.empty(), Optional.empty(), List.of(), Sysctls.empty(),
                    new IpSets(new TreeMap<>()))), Optional.empty(), Optional.empty(), CtTimeouts.defaults())
            .withNativeChains(NftNativeReplay.of(NftRulesetParser.parse("nft.txt", RULESET).value())));

    private static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (InvalidValueException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static Packet packet(int proto, int dport, String in) {
        return new Packet(1, 0, IpFamily.V4, proto, ip("10.0.0.2"), ip("10.0.0.9"), 40000, dport,
                proto == Packet.TCP ? Packet.SYN : 0, 1, 0, 0, 1, 60, 64, -1, -1, 0, Optional.empty(), false, true,
                false, LinkClass.UNICAST, Optional.empty(), in, "", "", "", false, 0, false);
    }

    /** The steps as {@code HOOK table:chain verdict} ({@code hook INGRESS [tables]} for a hook step), up to PREROUTING's. */
    private static List<String> steps(PathRun run) {
        List<String> out = new java.util.ArrayList<>();
        for (TraceStep s : run.steps()) {
            if (s instanceof HookStep h) {
                out.add("hook " + h.hook() + " " + h.tables());
                if (h.hook() == Hook.PREROUTING) {
                    break;
                }
            } else if (s instanceof RuleStep r) {
                out.add(r.hook() + " " + r.rule().table() + ":" + r.rule().chain() + "#" + r.rule().position() + " "
                        + r.verdict());
            } else if (s instanceof PolicyStep p) {
                out.add(p.hook() + " " + p.table() + ":" + p.chain() + " " + p.verdict());
            }
        }
        return out;
    }

    @Test
    void onEth0TheInetChainAtMinus10RunsBeforeTheNetdevChainAndItsDropEndsThePacket() {
        PathRun run = PATH.ingress(packet(Packet.TCP, 23, "eth0"), ChoiceOracle.FIRST, false);
        assertEquals(List.of("hook INGRESS [inet ig, netdev nd]", "INGRESS inet ig:ing#1 CONTINUE",
                "INGRESS inet ig:ing POLICY:ACCEPT", "INGRESS netdev nd:ing#1 DROP"), steps(run));
        assertEquals(Disposition.DROPPED_BY_RULE, run.disposition());
        PathRun udp = PATH.ingress(packet(Packet.UDP, 5353, "eth0"), ChoiceOracle.FIRST, false);
        assertEquals(List.of("hook INGRESS [inet ig, netdev nd]", "INGRESS inet ig:ing#1 CONTINUE",
                "INGRESS inet ig:ing#2 DROP"), steps(udp));
        assertEquals(Disposition.DROPPED_BY_RULE, udp.disposition());
    }

    @Test
    void aPacketThatPassesGoesOnToPreroutingAndOnlyTheChainsOfItsDeviceRun() {
        PathRun eth1 = PATH.ingress(packet(Packet.UDP, 5353, "eth1"), ChoiceOracle.FIRST, false);
        assertEquals(List.of("hook INGRESS [netdev nd]", "INGRESS netdev nd:ing#2 CONTINUE",
                "INGRESS netdev nd:ing POLICY:ACCEPT", "hook PREROUTING []"), steps(eth1));
        PathRun eth2 = PATH.ingress(packet(Packet.TCP, 23, "eth2"), ChoiceOracle.FIRST, false);
        assertEquals(List.of("hook PREROUTING []"), steps(eth2));
        assertTrue(eth2.disposition() != Disposition.DROPPED_BY_RULE, eth2.disposition().toString());
    }
}
