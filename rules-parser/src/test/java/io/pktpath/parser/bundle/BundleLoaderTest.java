package io.pktpath.parser.bundle;

import io.pktpath.parser.iproute.NeighborState;
import io.pktpath.parser.net.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleLoaderTest {
    @TempDir
    Path root;

    @Test
    void sosreportShapedTreeIsRecognizedByContent() throws IOException {
        TreeWriter.write(root, "sos_commands/networking/iptables-save", TreeWriter.IPTABLES_SAVE);
        TreeWriter.write(root, "sos_commands/networking/ip_-d_address", """
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0 minmtu 0 maxmtu 0
                    inet 127.0.0.1/8 scope host lo
                       valid_lft forever preferred_lft forever
                2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
                    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535
                    inet 192.168.122.10/24 brd 192.168.122.255 scope global dynamic eth0
                       valid_lft 3000sec preferred_lft 3000sec
                """);
        TreeWriter.write(root, "sos_commands/networking/ip_route_show_table_all", """
                default via 192.168.122.1 dev eth0 proto dhcp src 192.168.122.10 metric 100
                192.168.122.0/24 dev eth0 proto kernel scope link src 192.168.122.10 metric 100
                local 192.168.122.10 dev eth0 table local proto kernel scope host src 192.168.122.10
                """);
        TreeWriter.write(root, "sos_commands/networking/ip_-6_route_show_table_all", """
                fe80::/64 dev eth0 proto kernel metric 256 pref medium
                local ::1 dev lo table local proto kernel metric 0 pref medium
                """);
        TreeWriter.write(root, "sos_commands/networking/ip_-s_-d_neigh_show", """
                192.168.122.1 dev eth0 lladdr 52:54:00:aa:bb:cc ref 1 used 10/10/3 probes 1 REACHABLE
                """);
        TreeWriter.write(root, "sos_commands/networking/ip_rule", "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n"
                + "32767:\tfrom all lookup default\n");
        TreeWriter.write(root, "sos_commands/networking/ip_-6_rule", "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n");
        TreeWriter.write(root, "sos_commands/kernel/sysctl_-a", "kernel.hostname = node1\nnet.ipv4.ip_forward = 1\n"
                + "net.ipv4.conf.all.rp_filter = 1\n");
        TreeWriter.write(root, "uname", "Linux node1 5.14.0-362.8.1.el9_3.x86_64 #1 SMP PREEMPT_DYNAMIC Tue Oct 3 11:12:36 "
                + "EDT 2023 x86_64 x86_64 x86_64 GNU/Linux\n");
        TreeWriter.write(root, "sos_commands/networking/netstat_-neopa", "Active Internet connections (servers and established)\n");
        TreeWriter.write(root, "version.txt", "sosreport: 4.6.0\n");

        Bundle b = BundleLoader.loadDirectory(root);
        assertTrue(b.nftReplay().isEmpty(), "no nft ruleset: no native chain replayed");
        assertEquals(List.of(
                "found sos_commands/kernel/sysctl_-a: sysctl",
                "found sos_commands/networking/ip_-6_route_show_table_all: ip route (IPv6)",
                "found sos_commands/networking/ip_-6_rule: ip rule (IPv6)",
                "found sos_commands/networking/ip_-d_address: ip addr",
                "found sos_commands/networking/ip_-s_-d_neigh_show: ip neigh",
                "found sos_commands/networking/ip_route_show_table_all: ip route (IPv4)",
                "found sos_commands/networking/ip_rule: ip rule (IPv4)",
                "found sos_commands/networking/iptables-save: iptables-save (rules IPv4)",
                "found uname: uname",
                "ignored sos_commands/networking/netstat_-neopa: not a known input (text without "
                        + "iptables/ip/sysctl/ipset/conntrack/trace markers)",
                "ignored version.txt: not a known input (text without iptables/ip/sysctl/ipset/conntrack/trace markers)",
                "missing: no ip6tables-save: IPv6 netfilter rules unknown",
                "missing: no iptables-save -c counter snapshots: the replay cannot be checked against rule counters",
                "missing: no ipset save: rules use -m set but set contents are unknown",
                "missing: no conntrack -L: conntrack table assumed empty at capture start",
                "missing: no conntrack -S: insert_failed/drop/clash_resolve counters unknown",
                "missing: no capture: no packets to replay",
                "missing: no trace log: the replay cannot be checked against the kernel's TRACE"),
                b.inventory().lines());
        assertEquals(List.of(), b.diagnostics());
        assertEquals(2, b.interfaces().size());
        assertEquals(3, b.routesV4().size());
        assertEquals(2, b.routesV6().size());
        assertEquals(3, b.policyRulesV4().size());
        assertEquals(2, b.policyRulesV6().size());
        assertEquals(Set.of(NeighborState.REACHABLE), b.neighbors().get(0).states());
        assertEquals(1L, b.sysctls().ipForward().value());
        assertEquals(Optional.of(new KernelVersion(5, 14, 0, "5.14.0-362.8.1.el9_3.x86_64")), b.kernel());
        assertEquals(IpFamily.V4, b.rulesetV4().orElseThrow().family());
        assertTrue(b.has(InputKind.IP_NEIGH));
    }

    @Test
    void theHairpinModeOfIpDLinkIsAddedToTheInterfacesOfIpAddr() throws IOException {
        String header = "4: veth-a@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP";
        TreeWriter.write(root, "ip-addr.txt", header + " group default qlen 1000\n"
                + "    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff link-netns pkp-a\n"
                + "    inet6 fe80::1026:d0ff:febb:69df/64 scope link \n       valid_lft forever preferred_lft forever\n");
        TreeWriter.write(root, "ip-d-link.txt", header + " mode DEFAULT group default qlen 1000\n"
                + "    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff link-netns pkp-a promiscuity 1\n    veth \n"
                + "    bridge_slave state forwarding priority 32 cost 2 hairpin on guard off root_block off\n");
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), b.diagnostics());
        assertEquals(1, b.interfaces().size());
        assertEquals(1, b.interfaces().get(0).addresses().size(), "the interface of ip addr, with its address");
        assertEquals(Optional.of(true), b.interfaces().get(0).hairpin());
        assertEquals(List.of("found ip-addr.txt: ip addr", "found ip-d-link.txt: ip link (used for the bridge ports'"
                + " hairpin mode)"), b.inventory().lines().stream().filter(l -> l.startsWith("found")).toList());
    }

    @Test
    void withoutIpDLinkTheHairpinModeStaysUnknown() throws IOException {
        TreeWriter.write(root, "ip-addr.txt", "4: veth-a@if2: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0"
                + " state UP group default qlen 1000\n    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff\n"
                + "    inet 10.1.0.2/24 scope global veth-a\n");
        TreeWriter.write(root, "ip-link.txt", "4: veth-a@if2: <BROADCAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0"
                + " state UP mode DEFAULT group default qlen 1000\n    link/ether 12:26:d0:bb:69:df brd ff:ff:ff:ff:ff:ff\n");
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(Optional.empty(), b.interfaces().get(0).hairpin());
        assertTrue(b.inventory().lines().contains("found ip-link.txt: ip link (not used: ip addr preferred)"),
                b.inventory().lines().toString());
    }

    @Test
    void ipMaddrIsRecognizedByContentAndItsMembershipsReachTheBundle() throws IOException {
        TreeWriter.write(root, "sos_commands/networking/ip_maddr_show", "1:\tlo\n\tinet  224.0.0.1\n"
                + "2:\teth0\n\tlink  01:00:5e:00:00:01\n\tinet  239.1.1.1 users 2\n\tinet  224.0.0.1\n"
                + "\tinet6 ff02::1\n");
        TreeWriter.write(root, "other/maddr-eth0", "2:\teth0\n\tinet  224.0.0.1\n");
        Bundle b = BundleLoader.loadDirectory(root);
        assertTrue(b.has(InputKind.IP_MADDR));
        assertEquals(List.of("lo", "eth0"), b.multicastGroups().stream().map(m -> m.dev()).toList());
        assertEquals(3, b.multicastGroups().get(1).groups().size());
        assertEquals(List.of("found other/maddr-eth0: ip maddr (not used: sos_commands/networking/ip_maddr_show"
                        + " preferred)", "found sos_commands/networking/ip_maddr_show: ip maddr"),
                b.inventory().lines().stream().filter(l -> l.startsWith("found")).toList());
        assertEquals(List.of(), b.diagnostics());

        Bundle none = BundleLoader.loadFiles(List.of());
        assertEquals(List.of(), none.multicastGroups());
        assertTrue(!none.has(InputKind.IP_MADDR));
    }

    @Test
    void ipJsonRuleAndMaddrAreReadWhenNoTextFormIsThereAndNotUsedWhenItIs() throws IOException {
        TreeWriter.write(root, "sos_commands/networking/ip_-j_rule", "[{\"priority\":0,\"src\":\"all\",\"table\":\"local\"},"
                + "{\"priority\":100,\"src\":\"10.1.0.0\",\"srclen\":24,\"table\":\"custom\"},{\"priority\":32766,\"src\":"
                + "\"all\",\"table\":\"main\"},{\"priority\":32767,\"src\":\"all\",\"table\":\"default\"}]\n");
        TreeWriter.write(root, "sos_commands/networking/ip_-j_-6_rule", "[{\"priority\":0,\"src\":\"all\",\"table\":"
                + "\"local\"},{\"priority\":32766,\"src\":\"all\",\"table\":\"main\"}]\n");
        TreeWriter.write(root, "sos_commands/networking/ip_-j_maddr_show", "[{\"ifindex\":2,\"ifname\":\"eth0\","
                + "\"maddr\":[{\"link\":\"01:00:5e:00:00:01\"},{\"family\":\"inet\",\"address\":\"239.1.1.1\",\"users\":2},"
                + "{\"family\":\"inet\",\"address\":\"224.0.0.1\"}]}]\n");
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), b.diagnostics());
        assertEquals(List.of(0, 100, 32766, 32767), b.policyRulesV4().stream().map(r -> r.priority()).toList());
        assertEquals("100:\tfrom 10.1.0.0/24 lookup custom", b.policyRulesV4().get(1).text());
        assertEquals(List.of(0, 32766), b.policyRulesV6().stream().map(r -> r.priority()).toList());
        assertEquals(IpFamily.V6, b.policyRulesV6().get(0).family());
        assertEquals(2, b.multicastGroups().get(0).groups().get(0).users());
        assertTrue(b.has(InputKind.IP_RULE_JSON) && b.has(InputKind.IP_MADDR_JSON));
        assertEquals(List.of("found sos_commands/networking/ip_-j_-6_rule: ip -j rule (IPv6)",
                        "found sos_commands/networking/ip_-j_maddr_show: ip -j maddr",
                        "found sos_commands/networking/ip_-j_rule: ip -j rule (IPv4)"),
                b.inventory().lines().stream().filter(l -> l.startsWith("found")).toList());

        TreeWriter.write(root, "sos_commands/networking/ip_rule", "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n"
                + "32767:\tfrom all lookup default\n");
        TreeWriter.write(root, "sos_commands/networking/ip_maddr_show", "2:\teth0\n\tinet  224.0.0.1\n");
        Bundle both = BundleLoader.loadDirectory(root);
        assertEquals(List.of(0, 32766, 32767), both.policyRulesV4().stream().map(r -> r.priority()).toList());
        assertEquals(List.of(0, 32766), both.policyRulesV6().stream().map(r -> r.priority()).toList());
        assertEquals(1, both.multicastGroups().get(0).groups().size());
        assertEquals(List.of("found sos_commands/networking/ip_-j_-6_rule: ip -j rule (IPv6)",
                        "found sos_commands/networking/ip_-j_maddr_show: ip -j maddr (not used: ip maddr preferred)",
                        "found sos_commands/networking/ip_-j_rule: ip -j rule (not used: ip rule text preferred)",
                        "found sos_commands/networking/ip_maddr_show: ip maddr",
                        "found sos_commands/networking/ip_rule: ip rule (IPv4)"),
                both.inventory().lines().stream().filter(l -> l.startsWith("found")).toList());
    }

    @Test
    void nodeDumpShapedTreeWithCaptureTraceIpsetAndConntrack() throws IOException {
        TreeWriter.write(root, "node-1/iptables.txt", TreeWriter.IPTABLES_SAVE);
        TreeWriter.write(root, "node-1/ipsets", "create allowed hash:ip family inet hashsize 1024 maxelem 65536\n"
                + "add allowed 10.0.0.7\n");
        TreeWriter.write(root, "node-1/ct/table", "tcp      6 431999 ESTABLISHED src=10.0.0.7 dst=10.0.0.8 sport=1 dport=2 "
                + "src=10.0.0.8 dst=10.0.0.7 sport=2 dport=1 [ASSURED] mark=0 use=1\n");
        TreeWriter.write(root, "node-1/ct/stats", "cpu=0 found=0 invalid=2 insert=0 insert_failed=1 drop=1 early_drop=0 "
                + "error=0 search_restart=0 clash_resolve=3\n");
        TreeWriter.write(root, "node-1/proc_version", "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) "
                + "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC\n");
        TreeWriter.writeBytes(root, "node-1/packets", new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c});
        TreeWriter.writeBytes(root, "node-1/eth0.cap", new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0});
        TreeWriter.write(root, "node-1/monitor.log", "trace id 8b8c0d7e ip raw PREROUTING packet: iif \"eth0\" ip saddr "
                + "10.0.0.7\n");
        TreeWriter.write(root, "node-1/routes.json", "[{\"dst\":\"default\",\"gateway\":\"10.0.0.1\",\"dev\":\"eth0\","
                + "\"flags\":[]}]");
        TreeWriter.write(root, "node-1/neigh.json", "[{\"dst\":\"10.0.0.1\",\"dev\":\"eth0\",\"lladdr\":\"52:54:00:00:00:01\","
                + "\"state\":[\"REACHABLE\"]}]");

        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(
                "found node-1/ct/stats: conntrack -S",
                "found node-1/ct/table: conntrack -L",
                "found node-1/eth0.cap: capture (pcap/pcapng)",
                "found node-1/ipsets: ipset save",
                "found node-1/iptables.txt: iptables-save (rules IPv4)",
                "found node-1/monitor.log: netfilter trace log",
                "found node-1/neigh.json: ip -j neigh",
                "found node-1/packets: capture (pcap/pcapng)",
                "found node-1/proc_version: uname",
                "found node-1/routes.json: ip -j route (IPv4)",
                "missing: no ip6tables-save: IPv6 netfilter rules unknown",
                "missing: no iptables-save -c counter snapshots: the replay cannot be checked against rule counters",
                "missing: no ip addr/ip link: interfaces and local addresses unknown",
                "missing: no ip -6 route: IPv6 routes unknown",
                "missing: no ip rule: default IPv4 policy rules assumed (0 local, 32766 main, 32767 default)",
                "missing: no ip -6 rule: default IPv6 policy rules assumed (0 local, 32766 main)",
                "missing: no sysctl: kernel defaults assumed (ip_forward=0, rp_filter=0, route_localnet=0, tcp_loose=1, "
                        + "tcp_be_liberal=0, bridge-nf-call-iptables=1)"),
                b.inventory().lines());
        assertEquals(List.of(root.resolve("node-1/eth0.cap"), root.resolve("node-1/packets")), b.captures());
        assertEquals(List.of(root.resolve("node-1/monitor.log")), b.traceLogs());
        assertEquals(1, b.conntrack().size());
        assertEquals(3L, b.conntrackStats().orElseThrow().clashResolve());
        assertEquals(6, b.kernel().orElseThrow().major());
        assertEquals(1, b.ipsets().sets().size());
        assertEquals(Set.of(NeighborState.REACHABLE), b.neighbors().get(0).states());
    }

    @Test
    void counterSnapshotsAreOrderedByNameWordsElseByTotals() throws IOException {
        TreeWriter.write(root, "a/snap-2.txt", TreeWriter.countedDump(5));
        TreeWriter.write(root, "a/snap-1.txt", TreeWriter.countedDump(40));
        Bundle unnamed = BundleLoader.loadDirectory(root.resolve("a"));
        assertEquals(5L, RulesetChooser.packetTotal(unnamed.countersV4().before().orElseThrow()));
        assertEquals(40L, RulesetChooser.packetTotal(unnamed.countersV4().after().orElseThrow()));
        assertEquals(List.of("found snap-1.txt: iptables-save -c (per-rule counters) (counters after, IPv4)",
                "found snap-2.txt: iptables-save -c (per-rule counters) (counters before, IPv4)"),
                unnamed.inventory().lines().subList(0, 2));
        TreeWriter.write(root, "b/counters-after.txt", TreeWriter.countedDump(5));
        TreeWriter.write(root, "b/counters-before.txt", TreeWriter.countedDump(40));
        Bundle named = BundleLoader.loadDirectory(root.resolve("b"));
        assertEquals(40L, RulesetChooser.packetTotal(named.countersV4().before().orElseThrow()));
        assertEquals(5L, RulesetChooser.packetTotal(named.countersV4().after().orElseThrow()));
        assertEquals(5L, RulesetChooser.packetTotal(named.rulesetV4().orElseThrow()));
    }

    @Test
    void singleFilesWithKindOverrideAndUnreadableFile() throws IOException {
        Path routes = TreeWriter.write(root, "r.txt", "10.0.0.0/8 dev eth0 scope link\n");
        Path odd = TreeWriter.write(root, "odd.txt", "just words\n");
        Bundle b = BundleLoader.loadFiles(List.of(BundleInput.of(routes), BundleInput.of(odd, InputKind.SYSCTL),
                BundleInput.of(root.resolve("gone.txt"))));
        assertEquals(List.of("found odd.txt: sysctl", "found r.txt: ip route (IPv4)"), b.inventory().lines().subList(0, 2));
        assertTrue(b.inventory().lines().get(2).startsWith("ignored gone.txt: unreadable: NoSuchFile "));
        assertEquals(List.of("odd.txt:1:1: error[bad-sysctl-line]: not a sysctl assignment: 'just words' (expected: "
                + "name = value, such as net.ipv4.ip_forward = 1)"),
                b.diagnostics().stream().map(d -> d.headline()).toList());
        assertEquals(1, b.routesV4().size());
    }

    @Test
    void anSosreportsNftListingIsPreferredToItsCopiedNftablesConf() throws IOException {
        TreeWriter.write(root, "sos_commands/firewall_tables/nft_list_ruleset", """
                table inet firewalld {
                	chain filter_INPUT {
                		type filter hook input priority filter + 10; policy accept;
                		reject with icmpx admin-prohibited
                	}
                }
                """);
        TreeWriter.write(root, "etc/nftables.conf", """
                #!/usr/sbin/nft -f
                flush ruleset
                table inet filter {
                	chain input {
                		type filter hook input priority 0; policy drop;
                		tcp dport 22 accept
                		tcp dport 80 accept
                	}
                	chain forward {
                		type filter hook forward priority 0; policy drop;
                	}
                }
                """);
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals("sos_commands/firewall_tables/nft_list_ruleset", b.nftRuleset().orElseThrow().file());
        // decided once, with the bundle: the listing's chain is replayed, not the copied configuration's
        assertEquals(List.of("inet firewalld filter_INPUT"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertTrue(b.inventory().lines().contains("found etc/nftables.conf: nft list ruleset (not used: "
                + "sos_commands/firewall_tables/nft_list_ruleset preferred)"), b.inventory().lines().toString());
        assertTrue(b.has(InputKind.NFT_RULESET));
    }

    @Test
    void anNftJsonListingIsReadAndTheTextOfTheSameStateIsPreferredToIt() throws IOException {
        String json = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}},"
                + " {\"table\": {\"family\": \"inet\", \"name\": \"firewalld\", \"handle\": 1}},"
                + " {\"chain\": {\"family\": \"inet\", \"table\": \"firewalld\", \"name\": \"filter_INPUT\","
                + " \"handle\": 1, \"type\": \"filter\", \"hook\": \"input\", \"prio\": 10, \"policy\": \"accept\"}},"
                + " {\"rule\": {\"family\": \"inet\", \"table\": \"firewalld\", \"chain\": \"filter_INPUT\","
                + " \"handle\": 2, \"expr\": [{\"reject\": {\"type\": \"icmpx\", \"expr\": \"admin-prohibited\"}}]}}]}\n";
        TreeWriter.write(root, "sos_commands/nftables/nft_-j_list_ruleset", json);
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of(), b.diagnostics());
        assertEquals("sos_commands/nftables/nft_-j_list_ruleset", b.nftRuleset().orElseThrow().file());
        assertEquals(List.of("inet firewalld filter_INPUT"),
                b.nftReplay().chains().stream().map(c -> c.chain().qualifiedName()).toList());
        assertEquals("reject with icmpx admin-prohibited",
                b.nftRuleset().orElseThrow().tables().get(0).chains().get(0).rules().get(0).text());

        TreeWriter.write(root, "sos_commands/nftables/nft_list_ruleset", """
                table inet firewalld { # handle 1
                	chain filter_INPUT { # handle 1
                		type filter hook input priority filter + 10; policy accept;
                		reject with icmpx admin-prohibited # handle 2
                	}
                }
                """);
        Bundle both = BundleLoader.loadDirectory(root);
        assertEquals("sos_commands/nftables/nft_list_ruleset", both.nftRuleset().orElseThrow().file());
        assertTrue(both.inventory().lines().contains("found sos_commands/nftables/nft_-j_list_ruleset: nft list ruleset"
                + " (not used: sos_commands/nftables/nft_list_ruleset preferred)"), both.inventory().lines().toString());
    }

    @Test
    void aCutNftJsonListingIsADiagnosticWithFileAndPosition() throws IOException {
        TreeWriter.write(root, "nft-ruleset.json", "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}},\n"
                + "{\"table\": {\"family\": \"inet\", \"na");
        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of("nft-ruleset.json:2:33: error[NFT_JSON]: unexpected end of input (expected: more JSON)"),
                b.diagnostics().stream().map(d -> d.headline()).toList());
    }

    @Test
    void anEmptyFileNamedWithItsKindIsIgnoredSayingWhatItShouldHold() throws IOException {
        // found by CorruptedBundleTest's single-file cases: "--rules6 EMPTY" was taken as an ip6tables-save of no rules,
        // and "--trace-log EMPTY" as a trace log, with nothing saying the file was empty
        Path rules = TreeWriter.write(root, "ip6tables-save.txt", " \n");
        Path trace = TreeWriter.write(root, "trace.txt", "");
        Path routes = TreeWriter.write(root, "routes", "default via 10.0.0.1 dev eth0\n");
        Bundle b = BundleLoader.loadFiles(List.of(new BundleInput(rules, "ip6tables-save.txt",
                Optional.of(InputKind.IPTABLES_SAVE)), new BundleInput(trace, "trace.txt",
                Optional.of(InputKind.TRACE_LOG)), new BundleInput(routes, "routes", Optional.of(InputKind.IP_ROUTE))));
        assertEquals(List.of("ignored ip6tables-save.txt: empty file (expected iptables-save output)",
                "ignored trace.txt: empty file (expected netfilter trace log output)"), b.inventory().emptyFiles());
        assertTrue(b.rulesetV6().isEmpty());
        assertTrue(b.traceLogs().isEmpty());
        assertEquals(1, b.routesV4().size());
        // found by content, an empty file is ignored as before, without a kind to expect
        Bundle dir = BundleLoader.loadDirectory(root);
        assertEquals(List.of("ignored ip6tables-save.txt: empty file", "ignored trace.txt: empty file"),
                dir.inventory().emptyFiles());
    }
}
