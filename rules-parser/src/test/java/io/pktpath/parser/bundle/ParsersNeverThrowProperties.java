package io.pktpath.parser.bundle;

import io.pktpath.parser.conntrack.ConntrackParser;
import io.pktpath.parser.conntrack.ConntrackStatsParser;
import io.pktpath.parser.iproute.IpAddrJsonParser;
import io.pktpath.parser.iproute.IpAddrParser;
import io.pktpath.parser.iproute.IpMaddrJsonParser;
import io.pktpath.parser.iproute.IpNeighJsonParser;
import io.pktpath.parser.iproute.IpNeighParser;
import io.pktpath.parser.iproute.IpRouteJsonParser;
import io.pktpath.parser.iproute.IpRouteParser;
import io.pktpath.parser.iproute.IpRuleJsonParser;
import io.pktpath.parser.iproute.IpRuleParser;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.sysctl.SysctlParser;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input never throws: every parser and the sniffer turn any text (here: real lines and documents cut and spliced) into diagnostics. */
class ParsersNeverThrowProperties {
    private static final List<String> SEEDS = List.of(
            "default via 10.0.0.1 dev eth0 proto static metric 100 onlink\n\tnexthop via 10.0.0.1 dev eth0 weight 1\n",
            "2: eth0@if5: <BROADCAST,UP> mtu 1500 state UP\n    link/ether 0a:58:0a:f4:01:03 brd ff:ff:ff:ff:ff:ff\n"
                    + "    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n",
            "1025:\tnot from all to 10.0.0.0/16 fwmark 0x1/0x1 lookup main\n",
            "10.0.0.1 dev eth0 lladdr 52:54:00:12:35:02 router STALE\n",
            "2:\teth0\n\tlink  01:00:5e:00:00:01 users 2 static\n\tinet  239.1.1.1\n"
                    + "\tinet6 ff02::1:ff00:0\n3:\teth1\\\tinet  224.0.0.1\n",
            "net.ipv4.conf.all.rp_filter = 2\n/proc/sys/net/ipv4/ip_forward:1\n",
            "create s hash:ip,port family inet\nadd s 10.0.0.1,tcp:80 comment \"x y\"\n",
            "ipv4 2 tcp 6 117 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 "
                    + "sport=2 dport=1 mark=0 use=1\ncpu=0 found=1 drop=2\n",
            "table inet f { # handle 1\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 10.0.0.1,\n\t\t\t10.0.0.2 }\n\t}\n"
                    + "\tchain c { # handle 2\n\t\ttype filter hook input priority filter + 10; policy drop;\n"
                    + "\t\ttcp dport { 22, 80 } counter packets 1 bytes 60 accept # handle 3\n\t}\n}\nchain x {\n",
            "[{\"ifindex\":1,\"ifname\":\"lo\",\"addr_info\":[{\"local\":\"127.0.0.1\",\"prefixlen\":8}]},"
                    + "{\"dst\":\"default\",\"gateway\":\"10.0.0.1\",\"state\":[\"STALE\"]}]",
            "[{\"priority\":102,\"not\":null,\"src\":\"fd00:9::\",\"srclen\":48,\"fwmark\":\"0x3\",\"fwmask\":\"0xf\","
                    + "\"table\":\"main\"},{\"priority\":110,\"src\":\"all\",\"ipproto\":\"udp\",\"sport_start\":1000,"
                    + "\"sport_end\":2000,\"uid_start\":0,\"uid_end\":999,\"tos\":\"CS1\",\"goto\":200,\"unresolved\":null}]",
            "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}, {\"table\": {\"family\": \"inet\", \"name\": \"t\","
                    + " \"handle\": 1}}, {\"map\": {\"family\": \"inet\", \"name\": \"m\", \"table\": \"t\", \"type\": "
                    + "[\"ipv4_addr\", \"inet_service\"], \"map\": \"verdict\", \"elem\": [[{\"concat\": [\"10.0.0.1\", 80]},"
                    + " {\"goto\": {\"target\": \"c\"}}]]}}, {\"chain\": {\"family\": \"inet\", \"table\": \"t\", \"name\": "
                    + "\"c\", \"handle\": 2, \"type\": \"nat\", \"hook\": \"prerouting\", \"prio\": -100, \"policy\": "
                    + "\"accept\"}}, {\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"handle\": 3, "
                    + "\"expr\": [{\"match\": {\"op\": \"in\", \"left\": {\"ct\": {\"key\": \"state\"}}, \"right\": "
                    + "[\"established\"]}}, {\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"ip\", "
                    + "\"field\": \"saddr\"}}, \"right\": {\"set\": [{\"prefix\": {\"addr\": \"10.0.0.0\", \"len\": 8}}, "
                    + "{\"range\": [\"10.1.0.1\", \"10.1.0.9\"]}]}}}, {\"vmap\": {\"key\": {\"concat\": [{\"payload\": "
                    + "{\"protocol\": \"ip\", \"field\": \"daddr\"}}, {\"payload\": {\"protocol\": \"th\", \"field\": "
                    + "\"dport\"}}]}, \"data\": \"@m\"}}, {\"dnat\": {\"family\": \"ip\", \"addr\": {\"map\": {\"key\": "
                    + "{\"numgen\": {\"mode\": \"random\", \"mod\": 2}}, \"data\": {\"set\": [[0, \"10.0.0.2\"]]}}}, \"port\":"
                    + " 80}}, {\"mangle\": {\"key\": {\"meta\": {\"key\": \"mark\"}}, \"value\": 2}}, {\"counter\": "
                    + "{\"packets\": 1, \"bytes\": 60}}, {\"accept\": null}]}}]}",
            "[1795492476.665852]\t    [NEW] tcp      6 120 SYN_SENT src=10.244.1.2 dst=10.96.0.40 sport=49232 dport=80 "
                    + "[UNREPLIED] src=10.244.1.3 dst=10.244.1.2 sport=8080 dport=49232 id=1774066258\n"
                    + "[DESTROY] ipv6     10 icmpv6   58 28 src=::1 dst=::1 type=128 code=0 id=23790 src=::1 dst=::1 "
                    + "type=129 code=0 id=23790 delta-time=1 id=4277618231 [USERSPACE] portid=37 progname=conntrack\n",
            "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
                    + "TCP  10.96.0.10:80 rr persistent 10800\n  -> 10.244.1.3:8080 Masq 1 0 0\n"
                    + "TCP  [fd00::1]:443 rr\n  -> [fd00::5]:8443 Route 1 0 0\nFWM  1 rr\n",
            "-A -t 10.96.0.1:443 -s rr -p 10800\n-a -t 10.96.0.1:443 -r 10.244.1.5:8080 -m -w 1\n"
                    + "-A --sctp-service [fd00::1]:3868 -s wlc\n-A -f 0x1 -s sh\n-a -f 0x1 -r 10.244.1.6:0 -i -w 2\n",
            "Chain INPUT (policy ACCEPT 1235K packets, 988M bytes)\nnum pkts bytes target prot opt in out source destination\n"
                    + "1 123K 99M ACCEPT 6 -- !lo * 0.0.0.0/0 10.0.0.1 tcp dpt:22 flags:0x17/0x02 ctstate NEW /* a */\n"
                    + "2 0 0 MARK 0 -- * * ::/0 ::/0 multiport dports !80,443 recent: CHECK seconds: 9 name: x side: source"
                    + " mask: 255.255.255.255 MARK and 0xfffcffff\n3 1 2 DNAT 6 -f * * !10.0.0.0/8 0.0.0.0/0 "
                    + "statistic mode random probability 0.5 tcp to:[fd00::1]:80 random\n\nChain X (2 references)\n"
                    + " pkts bytes target prot opt in out source destination\n 0 0 X 0 -- * * 0.0.0.0/0 0.0.0.0/0 [goto] "
                    + "match-set s src,dst ! update-counters ADDRTYPE match src-type !LOCAL limit-out\n",
            "[{\"ifindex\":2,\"ifname\":\"veth0\",\"maddr\":[{\"link\":\"01:00:5e:01:02:03\",\"features\":\"static\"},"
                    + "{\"family\":\"inet\",\"address\":\"239.1.1.1\",\"users\":3},{\"family\":\"inet6\","
                    + "\"address\":\"ff05::1:3\"}]}]");

    @Provide
    Arbitrary<String> mangledInput() {
        Arbitrary<String> seed = Arbitraries.of(SEEDS);
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789abcdef:./ \t\n[]{}\",=-<>@x").ofMaxLength(40);
        return seed.flatMap(s -> Arbitraries.integers().between(0, s.length()).flatMap(cut ->
                Arbitraries.integers().between(cut, s.length()).flatMap(end ->
                        noise.map(n -> s.substring(0, cut) + n + s.substring(end)))));
    }

    @Property(tries = 300)
    void everyParserReturnsAValue(@ForAll("mangledInput") String text) {
        String f = "fuzz.txt";
        assertTrue(IpRouteParser.parse(f, text).value() != null);
        assertTrue(IpRouteJsonParser.parse(f, text).value() != null);
        assertTrue(IpAddrParser.parse(f, text).value() != null);
        assertTrue(IpAddrJsonParser.parse(f, text).value() != null);
        assertTrue(IpRuleParser.parse(f, text).value() != null);
        assertTrue(IpRuleJsonParser.parse(f, text).value() != null);
        assertTrue(IpNeighParser.parse(f, text).value() != null);
        assertTrue(IpNeighJsonParser.parse(f, text).value() != null);
        assertTrue(io.pktpath.parser.iproute.IpMaddrParser.parse(f, text).value() != null);
        assertTrue(IpMaddrJsonParser.parse(f, text).value() != null);
        assertTrue(SysctlParser.parse(f, text).value() != null);
        assertTrue(IpsetSaveParser.parse(f, text).value() != null);
        assertTrue(io.pktpath.parser.sockets.SsParser.parse(f, text).value() != null);
        assertTrue(ConntrackParser.parse(f, text).value() != null);
        assertTrue(ConntrackStatsParser.parse(f, text).value() != null);
        assertTrue(io.pktpath.parser.conntrack.ConntrackEventParser.parse(f, text).value() != null);
        assertTrue(KernelVersionParser.parse(f, text).value() != null);
        assertTrue(io.pktpath.parser.ipvs.IpvsadmParser.parse(f, text).value() != null);
        for (io.pktpath.parser.linklayer.LinkLayerTool tool : io.pktpath.parser.linklayer.LinkLayerTool.values()) {
            assertTrue(io.pktpath.parser.linklayer.LinkLayerRulesParser.parse(tool, f, text).value() != null);
        }
        assertTrue(io.pktpath.parser.nft.NftRulesetParser.parse(f, text).value() != null);
        io.pktpath.parser.nft.NftRuleset json = io.pktpath.parser.nft.NftJsonRulesetParser.parse(f, text).value();
        assertTrue(json != null);
        // what the JSON is written as is read and replayed like any listing
        assertTrue(io.pktpath.parser.nft.NftNativeReplay.of(json) != null);
        assertTrue(ContentSniffer.recognize(text.getBytes(StandardCharsets.UTF_8), text) != null);
        var listed = io.pktpath.parser.iptables.listing.ListingReader.read(f, text, java.util.Optional.empty()).value();
        assertTrue(io.pktpath.parser.iptables.listing.ListingRuleset.of(listed.family(), List.of(listed)).value() != null);
    }
}
