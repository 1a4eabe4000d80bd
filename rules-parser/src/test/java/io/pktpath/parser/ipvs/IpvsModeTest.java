package io.pktpath.parser.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.bundle.InputKind;
import io.pktpath.parser.net.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-proxy's IPVS mode is detected from an ipvsadm file, a kube-ipvs0 interface, or iptables rules on its ipsets. */
class IpvsModeTest {
    private static final String IP_ADDR = """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
                link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                inet 127.0.0.1/8 scope host lo
                   valid_lft forever preferred_lft forever
            2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
                link/ether f6:25:ba:82:df:ff brd ff:ff:ff:ff:ff:ff
                inet 172.18.0.2/24 scope global eth0
                   valid_lft forever preferred_lft forever
            """;
    private static final String DUMMY = """
            3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default
                link/ether 2e:5a:1b:7c:33:01 brd ff:ff:ff:ff:ff:ff
                inet 10.96.0.1/32 scope global kube-ipvs0
                   valid_lft forever preferred_lft forever
                inet 10.96.0.10/32 scope global kube-ipvs0
                   valid_lft forever preferred_lft forever
            """;
    private static final String IPT = """
            *nat
            :PREROUTING ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :KUBE-SERVICES - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP src,dst -j ACCEPT
            -A KUBE-SERVICES -m addrtype --dst-type LOCAL -m set --match-set KUBE-NODE-PORT-TCP dst -j ACCEPT
            COMMIT
            """;

    @TempDir
    Path dir;

    private Bundle load(String... nameAndText) throws Exception {
        for (int i = 0; i < nameAndText.length; i += 2) {
            Files.writeString(dir.resolve(nameAndText[i]), nameAndText[i + 1]);
        }
        return BundleLoader.loadDirectory(dir);
    }

    @Test
    void aPlainNodeIsNotIpvs() throws Exception {
        Bundle b = load("addr", IP_ADDR, "rules", "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set ALLOW src -j ACCEPT\nCOMMIT\n");
        assertFalse(b.ipvs().detected());
        assertTrue(b.inventory().missing().stream().noneMatch(m -> m.contains("ipvsadm")));
    }

    @Test
    void theDummyInterfaceIsEvidenceAndItsAddressesAreVirtual() throws Exception {
        Bundle b = load("addr", IP_ADDR + DUMMY);
        assertTrue(b.ipvs().detected());
        assertEquals(List.of(IpAddress.parse("10.96.0.1"), IpAddress.parse("10.96.0.10")), b.ipvs().dummyAddresses());
        assertEquals(List.of("interface kube-ipvs0 exists and holds 2 addresses (10.96.0.1, 10.96.0.10)"),
                b.ipvs().evidence());
        assertTrue(b.inventory().missing().contains("no ipvsadm -Ln: IPVS virtual services unknown (the node runs "
                + "kube-proxy in IPVS mode: interface kube-ipvs0 exists and holds 2 addresses (10.96.0.1, 10.96.0.10))"),
                b.inventory().missing().toString());
    }

    @Test
    void theDummyInIpJsonAddrOrInIpLinkIsEvidenceToo() throws Exception {
        Bundle json = load("addr.json", """
                [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN",                "link_type":"loopback","address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1",                "prefixlen":8,"scope":"host","label":"lo"}]},
                {"ifindex":3,"ifname":"kube-ipvs0","flags":["BROADCAST","NOARP"],"mtu":1500,"operstate":"DOWN",                "link_type":"ether","address":"2e:5a:1b:7c:33:01","addr_info":[{"family":"inet","local":"10.96.0.1",                "prefixlen":32,"scope":"global","label":"kube-ipvs0"}]}]
                """);
        assertTrue(json.has(InputKind.IP_ADDR_JSON));
        assertEquals(List.of(IpAddress.parse("10.96.0.1")), json.ipvs().dummyAddresses());
        Files.delete(dir.resolve("addr.json"));
        Bundle link = load("link", """
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
                    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default
                    link/ether 2e:5a:1b:7c:33:01 brd ff:ff:ff:ff:ff:ff
                """);
        assertTrue(link.has(InputKind.IP_LINK));
        assertEquals(List.of("interface kube-ipvs0 exists"), link.ipvs().evidence());
        assertEquals(List.of(), link.ipvs().dummyAddresses());
    }

    @Test
    void theIpvsIpsetsInIptablesAreEvidence() throws Exception {
        Bundle b = load("addr", IP_ADDR, "iptables", IPT);
        assertEquals(List.of("iptables rules match kube-proxy's IPVS ipsets KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP "
                + "(first: iptables:6)"), b.ipvs().evidence());
    }

    @Test
    void anIpvsadmFileIsRecognizedByContentAndEvidence() throws Exception {
        Bundle b = load("addr", IP_ADDR, "some-output", """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                TCP  10.96.0.10:80 rr
                  -> 10.244.1.3:8080              Masq    1      0          0
                """, "other", "-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 172.18.0.2:6443 -m -w 1\n"
                + "-A -u 10.96.0.10:53 -s rr\n");
        assertTrue(b.has(InputKind.IPVSADM));
        assertEquals(List.of("other (ipvsadm) lists 2 IPVS virtual services"), b.ipvs().evidence());
        assertTrue(b.inventory().lines().contains("found some-output: ipvsadm (not used: other preferred)"),
                b.inventory().lines().toString());
        assertTrue(b.inventory().missing().stream().noneMatch(m -> m.contains("ipvsadm")));
    }

    @Test
    void anEmptyIpvsTableIsNoEvidence() throws Exception {
        Bundle b = load("addr", IP_ADDR, "ipvs", """
                IP Virtual Server version 1.2.1 (size=4096)
                Prot LocalAddress:Port Scheduler Flags
                  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
                """);
        assertTrue(b.has(InputKind.IPVSADM));
        assertFalse(b.ipvs().detected());
        assertTrue(b.ipvs().table().isPresent());
    }

    @Test
    void noRecordedBundleIsAnIpvsNode() throws Exception {
        List<Path> bundles;
        try (var dirs = Files.list(Path.of("../samples/bundles"))) {
            bundles = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(83, bundles.size());
        for (Path b : bundles) {
            Bundle loaded = BundleLoader.loadDirectory(b);
            assertFalse(loaded.ipvs().detected(), b + ": " + loaded.ipvs().evidence());
            assertFalse(loaded.has(InputKind.IPVSADM), b.toString());
        }
    }
}
