package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.analysis.AnalysisOptions;
import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.Analyzer;
import io.pktpath.core.findings.Codes;
import io.pktpath.core.findings.SampleBundles;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.bundle.BundleLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native nftables filter chains replayed on the recorded nft-native-firewall node (its capture, iptables rules,
 * addresses and routes) with other native rulesets in place of its own: the chain runs at its priority among iptables'
 * tables (the kernel's trace of that node shows {@code ip filter INPUT policy accept} then {@code inet pkp_fw input ...
 * drop} for priority filter + 10), its steps name the nft table and carry the rule's nft text and line, and its
 * verdicts, conntrack states, jumps, returns and rejects are iptables'.
 */
class NativeChainReplayTest {
    /** Frames of the recording: 3 (SYN to 10250), 4 (the node's SYN-ACK), 13 (first SYN to 8081). */
    private static final long SYN_10250 = 3;
    private static final long SYN_ACK = 4;
    private static final long SYN_8081 = 13;

    @TempDir
    Path dir;

    private final List<PacketTrace> traces = new ArrayList<>();

    private static Path sample() {
        return SampleBundles.sample("nft-native-firewall");
    }

    private AnalysisResult withRuleset(String ruleset) throws IOException {
        try (Stream<Path> files = Files.list(sample())) {
            for (Path f : files.filter(p -> !p.getFileName().toString().startsWith("nft-")
                    && !p.getFileName().toString().equals("README.md")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("nft.txt"), ruleset);
        return Analyzer.analyze(BundleLoader.loadDirectory(dir), Optional.of(dir.resolve("capture.pcap")),
                AnalysisOptions.DEFAULT, traces::add, n -> { }, () -> false);
    }

    private PacketTrace frame(long n) {
        return traces.stream().filter(t -> t.packet().frame() == n).findFirst().orElseThrow();
    }

    /** Each step at a hook as {@code table chain #pos VERDICT}, {@code table chain policy VERDICT} or {@code HOOK [tables]}. */
    private static List<String> steps(PacketTrace t, Hook hook) {
        List<String> out = new ArrayList<>();
        for (TraceStep s : t.path()) {
            if (s instanceof HookStep h && h.hook() == hook) {
                out.add(hook + " " + h.tables());
            } else if (s instanceof RuleStep r && r.hook() == hook) {
                out.add(r.rule().table() + " " + r.rule().chain() + " #" + r.rule().position() + " " + r.verdict());
            } else if (s instanceof PolicyStep p && p.hook() == hook) {
                out.add(p.table() + " " + p.chain() + " policy " + p.verdict());
            } else if (s instanceof ChainReturnStep c && c.hook() == hook) {
                out.add(c.table() + " " + c.chain() + " return");
            }
        }
        return out;
    }

    @Test
    void aChainAfterIptablesFilterRunsAfterItAsTheKernelTraced() throws IOException {
        AnalysisResult r = withRuleset("""
                table inet pkp_fw {
                	chain input {
                		type filter hook input priority filter + 10; policy accept;
                		tcp dport 8081 counter drop
                	}
                }
                """);
        PacketTrace syn = frame(SYN_8081);
        assertEquals(Disposition.DROPPED_BY_RULE, syn.disposition());
        assertEquals(List.of("INPUT [filter, inet pkp_fw]", "filter INPUT policy POLICY:ACCEPT", "inet pkp_fw input #1 DROP"),
                steps(syn, Hook.INPUT));
        assertEquals("dropped by inet pkp_fw input rule 1 (nft.txt:4): tcp dport 8081 counter drop", syn.reason());
        RuleStep drop = (RuleStep) syn.path().stream().filter(s -> s instanceof RuleStep rs
                && rs.rule().table().equals("inet pkp_fw")).findFirst().orElseThrow();
        assertEquals("nft.txt", drop.rule().span().file());
        assertEquals(4, drop.rule().span().line());
        assertEquals(Disposition.DELIVERED_LOCALLY, frame(SYN_10250).disposition());
        assertTrue(r.findings().stream().noneMatch(f -> f.code().equals(Codes.NFT_NATIVE_CHAINS)),
                "a replayed chain is no NFT_NATIVE_CHAINS finding");
        assertTrue(r.assumptions().stream().anyMatch(a -> a.startsWith("the native nftables filter chains of nft.txt "
                + "(inet pkp_fw input) are replayed")), r.assumptions().toString());
    }

    @Test
    void aChainBeforeIptablesFilterDropsBeforeIptablesSeesThePacket() throws IOException {
        withRuleset("""
                table ip early {
                	chain in {
                		type filter hook input priority filter - 5; policy accept;
                		ip saddr 172.18.0.1 tcp dport 10250 counter drop
                	}
                }
                """);
        assertEquals(List.of("INPUT [ip early, filter]", "ip early in #1 DROP"), steps(frame(SYN_10250), Hook.INPUT));
        assertEquals(Disposition.DROPPED_BY_RULE, frame(SYN_10250).disposition());
        assertEquals(List.of("INPUT [ip early, filter]", "ip early in policy POLICY:ACCEPT", "filter INPUT policy POLICY:ACCEPT"),
                steps(frame(SYN_8081), Hook.INPUT));
    }

    @Test
    void atTheSamePriorityAsIptablesFilterTheNativeChainIsTakenToRunAfterIt() throws IOException {
        withRuleset("""
                table inet tie {
                	chain in {
                		type filter hook input priority filter; policy accept;
                		tcp dport 8081 drop
                	}
                	chain in2 {
                		type filter hook input priority mangle; policy accept;
                		counter
                	}
                }
                """);
        assertEquals(List.of("INPUT [inet tie, filter]", "inet tie in2 #1 CONTINUE", "inet tie in2 policy POLICY:ACCEPT",
                "filter INPUT policy POLICY:ACCEPT", "inet tie in #1 DROP"), steps(frame(SYN_8081), Hook.INPUT));
    }

    @Test
    void conntrackStatesAndADropPolicy() throws IOException {
        AnalysisResult r = withRuleset("""
                table inet fw {
                	chain input {
                		type filter hook input priority filter; policy drop;
                		ct state established,related accept
                		tcp dport 10250 ct state new accept
                	}
                }
                """);
        assertTrue(r.assumptions().stream().noneMatch(a -> a.startsWith("conntrack is off")), "ct state loads conntrack");
        assertEquals(List.of("INPUT [filter, inet fw]", "filter INPUT #1 ACCEPT", "inet fw input #2 ACCEPT"),
                steps(frame(SYN_10250), Hook.INPUT));
        assertEquals("inet fw input #1 ACCEPT", steps(frame(5), Hook.INPUT).get(2), "the handshake's ACK is established");
        assertEquals(Disposition.DROPPED_BY_POLICY, frame(SYN_8081).disposition());
        assertEquals("dropped by the DROP policy of inet fw input (no rule accepted it)", frame(SYN_8081).reason());
    }

    @Test
    void aRejectWithTcpResetAndAnIcmpxReject() throws IOException {
        withRuleset("""
                table inet fw {
                	chain input {
                		type filter hook input priority 0; policy accept;
                		tcp dport 8081 reject with tcp reset
                		tcp dport 10250 reject with icmpx type admin-prohibited
                	}
                }
                """);
        assertEquals(Disposition.REJECTED, frame(SYN_8081).disposition());
        assertTrue(frame(SYN_8081).reason().startsWith("rejected by inet fw input rule 1 (nft.txt:4) with TCP_RESET: "),
                frame(SYN_8081).reason());
        assertTrue(frame(SYN_10250).reason().startsWith("rejected by inet fw input rule 2 (nft.txt:5) with "
                + "ICMP_ADMIN_PROHIBITED: "), frame(SYN_10250).reason());
    }

    @Test
    void jumpsReturnsSetsWildcardsAndTheOtherFamilysRules() throws IOException {
        withRuleset("""
                table ip t {
                	chain in {
                		type filter hook input priority 0; policy accept;
                		ip6 saddr ::/0 drop
                		meta nfproto ipv6 drop
                		jump sub
                		tcp dport { 8081, 9000 } drop
                	}
                	chain sub {
                		tcp dport 10250 return
                		iifname "eth*" counter
                	}
                }
                """);
        assertEquals(List.of("INPUT [filter, ip t]", "filter INPUT #1 ACCEPT", "ip t in #3 JUMP:sub", "ip t sub #1 RETURN",
                "ip t in policy POLICY:ACCEPT"), steps(frame(SYN_10250), Hook.INPUT));
        assertEquals(List.of("INPUT [filter, ip t]", "filter INPUT policy POLICY:ACCEPT", "ip t in #3 JUMP:sub",
                "ip t sub #2 CONTINUE", "ip t sub return", "ip t in #4 DROP"), steps(frame(SYN_8081), Hook.INPUT));
    }

    @Test
    void anOutputChainSeesWhatTheNodeSends() throws IOException {
        withRuleset("""
                table inet pkp_fw {
                	chain output {
                		type filter hook output priority filter + 10; policy accept;
                		oifname "eth0" tcp sport 10250 counter
                	}
                }
                """);
        assertEquals(List.of("OUTPUT [raw, filter, inet pkp_fw]", "raw OUTPUT #1 CONTINUE", "raw OUTPUT policy POLICY:ACCEPT",
                "filter OUTPUT policy POLICY:ACCEPT",
                "inet pkp_fw output #1 CONTINUE", "inet pkp_fw output policy POLICY:ACCEPT"), steps(frame(SYN_ACK), Hook.OUTPUT));
        assertEquals(Disposition.SENT, frame(SYN_ACK).disposition());
    }

    @Test
    void aChainWithARuleOutsideTheSubsetIsNotReplayedAndTheFindingSaysWhichRule() throws IOException {
        AnalysisResult r = withRuleset("""
                table inet fw {
                	chain input {
                		type filter hook input priority 0; policy accept;
                		tcp flags syn tcp dport 8081 drop
                	}
                }
                """);
        assertEquals(Disposition.DELIVERED_LOCALLY, frame(SYN_8081).disposition());
        assertEquals(List.of("INPUT [filter]", "filter INPUT policy POLICY:ACCEPT"), steps(frame(SYN_8081), Hook.INPUT));
        var f = r.findings().stream().filter(x -> x.code().equals(Codes.NFT_NATIVE_CHAINS)).findFirst().orElseThrow();
        assertTrue(f.evidence().get(0).endsWith("; not replayed: rule at nft.txt:4 (`tcp flags syn tcp dport 8081 drop`) in "
                + "chain input: 'tcp flags syn' is not in the replayed subset"), f.evidence().get(0));
    }

    /** The steps at a hook up to and with its conntrack step ({@code conntrack STATE}). */
    private static List<String> untilConntrack(PacketTrace t, Hook hook) {
        List<String> out = new ArrayList<>();
        for (TraceStep s : t.path()) {
            if (s instanceof io.pktpath.core.trace.ConntrackStep c && c.hook() == hook) {
                out.add("conntrack " + c.state());
                return out;
            }
            if (s instanceof RuleStep r && r.hook() == hook) {
                out.add(r.rule().table() + " " + r.rule().chain() + " #" + r.rule().position() + " " + r.verdict());
            } else if (s instanceof PolicyStep p && p.hook() == hook) {
                out.add(p.table() + " " + p.chain() + " policy " + p.verdict());
            } else if (s instanceof HookStep h && h.hook() == hook) {
                out.add(hook + " " + h.tables());
            }
        }
        return out;
    }

    @Test
    void chainsBelowConntracksPriorityRunBeforeTheLookupOrderedAgainstRawByPriority() throws IOException {
        withRuleset("""
                table inet late {
                	chain pre {
                		type filter hook prerouting priority raw + 10; policy accept;
                		ct state invalid counter
                		ct state new counter
                	}
                }
                table ip early {
                	chain pre {
                		type filter hook prerouting priority -310; policy accept;
                		ct state invalid counter
                	}
                	chain after {
                		type filter hook prerouting priority -150; policy accept;
                		ct state new counter
                	}
                }
                """);
        assertEquals(List.of("PREROUTING [ip early, raw, inet late]", "ip early pre #1 CONTINUE",
                        "ip early pre policy POLICY:ACCEPT", "raw PREROUTING #1 CONTINUE", "raw PREROUTING policy POLICY:ACCEPT",
                        "inet late pre #1 CONTINUE", "inet late pre policy POLICY:ACCEPT", "conntrack NEW"),
                untilConntrack(frame(SYN_10250), Hook.PREROUTING),
                "before the lookup the SYN reads ct state invalid, not new; -310 runs before raw (-300), -290 after");
        assertTrue(steps(frame(SYN_10250), Hook.PREROUTING).contains("ip early after #1 CONTINUE"),
                "after the lookup (-150) it reads new: " + steps(frame(SYN_10250), Hook.PREROUTING));
    }

    @Test
    void notrackBeforeConntrackLeavesThePacketUntrackedAndItReadsUntracked() throws IOException {
        withRuleset("""
                table inet raw {
                	chain pre {
                		type filter hook prerouting priority -290; policy accept;
                		tcp dport 10250 notrack
                		ct state untracked counter
                	}
                	chain out {
                		type filter hook output priority -250; policy accept;
                		tcp sport 10250 notrack
                	}
                }
                """);
        PacketTrace syn = frame(SYN_10250);
        assertEquals(List.of("PREROUTING [raw, inet raw]", "raw PREROUTING #1 CONTINUE",
                        "raw PREROUTING policy POLICY:ACCEPT", "inet raw pre #1 CONTINUE", "inet raw pre #2 CONTINUE",
                        "inet raw pre policy POLICY:ACCEPT", "conntrack UNTRACKED"),
                untilConntrack(syn, Hook.PREROUTING));
        assertEquals(Disposition.DELIVERED_LOCALLY, syn.disposition());
        assertTrue(syn.notes().contains("NOTRACK in inet raw PREROUTING: the packet gets no conntrack entry and no NAT"),
                syn.notes().toString());
        assertEquals("conntrack UNTRACKED", untilConntrack(frame(SYN_ACK), Hook.OUTPUT).get(
                untilConntrack(frame(SYN_ACK), Hook.OUTPUT).size() - 1), "the reply is notracked at output too");
        assertEquals("conntrack NEW", untilConntrack(frame(SYN_8081), Hook.PREROUTING).get(
                untilConntrack(frame(SYN_8081), Hook.PREROUTING).size() - 1), "another port is tracked");
    }

    @Test
    void aPacketNotrackedInAnEarlierChainReadsUntrackedInTheLaterOnesBeforeTheLookup() throws IOException {
        withRuleset("""
                table ip first {
                	chain pre {
                		type filter hook prerouting priority -310; policy accept;
                		tcp dport 10250 notrack
                	}
                }
                table ip second {
                	chain pre {
                		type filter hook prerouting priority -290; policy accept;
                		ct state untracked counter
                		ct state invalid counter
                	}
                }
                """);
        assertEquals(List.of("PREROUTING [ip first, raw, ip second]", "ip first pre #1 CONTINUE",
                        "ip first pre policy POLICY:ACCEPT", "raw PREROUTING #1 CONTINUE",
                        "raw PREROUTING policy POLICY:ACCEPT", "ip second pre #1 CONTINUE",
                        "ip second pre policy POLICY:ACCEPT", "conntrack UNTRACKED"),
                untilConntrack(frame(SYN_10250), Hook.PREROUTING), "nft_notrack set the skb untracked for what follows");
        assertEquals(List.of("PREROUTING [ip first, raw, ip second]", "ip first pre policy POLICY:ACCEPT",
                        "raw PREROUTING #1 CONTINUE", "raw PREROUTING policy POLICY:ACCEPT", "ip second pre #2 CONTINUE",
                        "ip second pre policy POLICY:ACCEPT", "conntrack NEW"),
                untilConntrack(frame(SYN_8081), Hook.PREROUTING), "another port still reads invalid");
    }
}
