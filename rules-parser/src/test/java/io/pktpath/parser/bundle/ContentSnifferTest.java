package io.pktpath.parser.bundle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContentSnifferTest {
    private static Optional<InputKind> kindOf(String text) {
        return ContentSniffer.recognize(text.getBytes(StandardCharsets.UTF_8), text).kind();
    }

    @ParameterizedTest
    @CsvSource({"a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1", "0a0d0d0a"})
    void captureMagicNumbersInEitherByteOrder(String magic) {
        byte[] head = HexFormat.of().parseHex(magic + "00000000");
        assertEquals(Optional.of(InputKind.CAPTURE), ContentSniffer.recognize(head, "").kind());
    }

    @Test
    void textKindsAreRecognizedFromTheirFirstLines() {
        assertEquals(Optional.of(InputKind.KERNEL_VERSION), kindOf("6.1.0-27-amd64\n"));
        assertEquals(Optional.of(InputKind.KERNEL_VERSION), kindOf("Linux version 6.8.0-45-generic (buildd@lcy02) (gcc) #45\n"));
        assertEquals(Optional.of(InputKind.CONNTRACK_LIST), kindOf("ipv4     2 udp      17 25 src=10.0.0.1 dst=10.0.0.2 "
                + "sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 zone=0 use=2\n"));
        assertEquals(Optional.of(InputKind.CONNTRACK_STATS), kindOf("cpu=0   \tfound=0 invalid=0 insert=0\n"));
        assertEquals(Optional.of(InputKind.CONNTRACK_EVENTS), kindOf("    [NEW] udp      17 30 src=10.0.0.1 dst=10.0.0.2 "
                + "sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n"));
        assertEquals(Optional.of(InputKind.CONNTRACK_EVENTS), kindOf("[1700000000.123456]\t[DESTROY] ipv4     2 udp      17 "
                + "src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 id=7\n"
                + "conntrack v1.4.7 (conntrack-tools): 1 flow events have been shown.\n"));
        assertEquals(Optional.of(InputKind.CONNTRACK_LIST), kindOf("udp      17 25 src=10.0.0.1 dst=10.0.0.2 "
                + "sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=2\n"
                + "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n"), "no event tag: conntrack -L");
        assertEquals(Optional.of(InputKind.IP_LINK), kindOf("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue\n"
                + "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"));
        assertEquals(Optional.of(InputKind.IP_ROUTE), kindOf("default proto static metric 20\n"
                + "\tnexthop via 10.0.0.1 dev eth0 weight 1\n"));
        assertEquals(Optional.of(InputKind.IP_NEIGH), kindOf("10.0.0.1 dev eth0 lladdr 52:54:00:12:35:02 STALE\n"));
        assertEquals(Optional.of(InputKind.IP_ROUTE), kindOf("10.0.0.1 dev eth0 scope link\n"));
        assertEquals(Optional.of(InputKind.IP_MADDR), kindOf("1:\tlo\n\tinet  224.0.0.1\n\tinet6 ff02::1\n2:\teth0\n"
                + "\tlink  33:33:00:00:00:01 users 2\n\tinet  239.1.1.1 users 2 static\n"));
        assertEquals(Optional.of(InputKind.IP_MADDR), kindOf("2:\teth0\\\tinet6 ff02::1\n"));
        assertEquals(Optional.of(InputKind.IP_RULE), kindOf("0:\tfrom all lookup local\n"));
        assertEquals(Optional.of(InputKind.TRACE_LOG), kindOf("PACKET: 2 3cb7b8b7 IN=eth0 SRC=10.0.0.1\n"
                + " TRACE: 2 3cb7b8b7 raw:PREROUTING:policy:ACCEPT\n"));
        assertEquals(Optional.of(InputKind.IP_ADDR_JSON), kindOf("[{\"ifindex\":1,\"ifname\":\"lo\"}]"));
        assertEquals(Optional.of(InputKind.IP_MADDR_JSON), kindOf("[{\"ifindex\":1,\"ifname\":\"lo\",\"maddr\":"
                + "[{\"family\":\"inet\",\"address\":\"224.0.0.1\"}]}]"));
        assertEquals(Optional.of(InputKind.IP_RULE_JSON), kindOf("[{\"priority\":0,\"src\":\"all\",\"table\":\"local\"}]"));
        assertEquals(Optional.of(InputKind.IP_RULE_JSON), kindOf("[{\"priority\":101,\"src\":\"all\",\"dst\":"
                + "\"192.168.0.0\",\"dstlen\":16,\"table\":\"vpn\"}]"), "a rule with a dst is no route");
        assertEquals(Optional.of(InputKind.SOCKETS), kindOf("State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n"
                + "LISTEN 0      16           0.0.0.0:15006      0.0.0.0:*    users:((\"python3\",pid=2,fd=3))\n"));
        assertEquals(Optional.of(InputKind.SOCKETS), kindOf("Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port"
                + " Process\nudp   UNCONN 0      0      127.0.0.53%lo:53    0.0.0.0:*\n"));
        assertEquals(Optional.of(InputKind.SOCKETS), kindOf("tcp   LISTEN 0      128    [::]:22    [::]:*\n"));
        assertEquals(Optional.of(InputKind.SYSCTL), kindOf("# k8s\nnet.bridge.bridge-nf-call-iptables = 1\n"));
        assertEquals(Optional.empty(), kindOf("KEY=value\nOTHER=1\n"));
    }

    @Test
    void aDumpWhoseFirstTableIsLongerThanTheSampleIsStillAnIptablesSave() {
        StringBuilder dump = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n");
        for (int i = 0; i < 500; i++) {
            dump.append("-A KUBE-SERVICES -d 10.96.").append(i / 250).append('.').append(i % 250)
                    .append("/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n");
        }
        dump.append("COMMIT\n");
        assertEquals(Optional.of(InputKind.IPTABLES_SAVE), kindOf(dump.toString()));
        assertEquals(Optional.of(InputKind.IPTABLES_COUNTERS), kindOf("*filter\n:INPUT ACCEPT [0:0]\n"
                + "[3:180] -A INPUT -j ACCEPT\n"));
        assertEquals(Optional.empty(), kindOf("*not a dump\njust text\n"));
    }

    @Test
    void reasonsForUnknownFiles() {
        assertEquals("empty file", ContentSniffer.recognize(new byte[0], "\n\n").reason());
        assertEquals("comments only", ContentSniffer.recognize(new byte[0], "# table inet t {\n#  set s {\n").reason());
        assertEquals("binary file that is not a pcap or pcapng capture",
                ContentSniffer.recognize(new byte[] {1, 2, 3, 4}, "\u0001\u0002\u0000x").reason());
        assertEquals("not an input pktpath reads: it starts like JSON (ip -j) but does not parse as JSON (line 1:"
                        + " unexpected end of input)",
                ContentSniffer.recognize(new byte[0], "[{\"a\":").reason());
        assertEquals("JSON of an unknown shape (not ip -j addr/link/route/rule/neigh/maddr)",
                ContentSniffer.recognize(new byte[0], "[{\"handle\":1}]").reason());
    }

    @Test
    void nftJsonListingsEvenCutOnes() {
        assertEquals(Optional.of(InputKind.NFT_RULESET), kindOf("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}]}"));
        assertEquals(Optional.of(InputKind.NFT_RULESET), kindOf("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0"));
        assertEquals(Optional.empty(), kindOf("{\"other\": [}"));
    }

    @Test
    void nftRulesetsWithAndWithoutHandlesAndNftablesConf() {
        assertEquals(Optional.of(InputKind.NFT_RULESET), kindOf("table ip filter {\n}\n"));
        assertEquals(Optional.of(InputKind.NFT_RULESET), kindOf("table inet firewalld { # handle 1\n\tchain x { # handle 2"
                + "\n\t}\n}\n"));
        assertEquals(Optional.of(InputKind.NFT_RULESET), kindOf("#!/usr/sbin/nft -f\n\nflush ruleset\n\ntable inet "
                + "filter {\n}\n"));
    }
}
