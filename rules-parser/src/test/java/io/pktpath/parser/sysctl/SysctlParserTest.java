package io.pktpath.parser.sysctl;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SysctlParserTest {
    private static final String SYSCTL_A = """
            net.ipv4.ip_forward = 1
            net.ipv4.conf.all.rp_filter = 2
            net.ipv4.conf.eth0.rp_filter = 1
            net.ipv4.conf.veth1.rp_filter = 0
            net.ipv4.conf.all.route_localnet = 0
            net.ipv4.conf.eth0.route_localnet = 1
            net.ipv4.conf.all.proxy_arp = 0
            net.ipv4.conf.cali1.proxy_arp = 1
            net.ipv4.conf.eth0/100.forwarding = 0
            net.ipv4.tcp_rmem = 4096	131072	6291456
            net.netfilter.nf_conntrack_tcp_be_liberal = 1
            net.netfilter.nf_conntrack_udp_timeout_stream = 180
            sysctl: permission denied on key 'net.ipv6.conf.all.stable_secret'
            """;

    @Test
    void sysctlDashAOutputWithTypedHelpers() {
        Parsed<Sysctls> p = SysctlParser.parse("sysctl.txt", SYSCTL_A);
        assertEquals(List.of("sysctl.txt:13: note[sysctl-message]: sysctl reported: permission denied on key "
                + "'net.ipv6.conf.all.stable_secret'"), p.diagnostics().stream().map(Diagnostic::headline).toList());
        Sysctls s = p.value();
        assertEquals(12, s.values().size());
        assertEquals(new Setting<>(2L, false, "net.ipv4.conf.all.rp_filter max net.ipv4.conf.veth1.rp_filter"),
                s.rpFilter("veth1"));
        assertEquals(2L, s.rpFilter("eth0").value());
        assertEquals(1L, s.routeLocalnet("eth0").value());
        assertEquals(0L, s.routeLocalnet("veth1").value());
        assertEquals(1L, s.proxyArp("cali1").value());
        assertEquals(new Setting<>(0L, false, "net.ipv4.conf.eth0/100.forwarding"), s.forwarding("eth0.100"));
        assertEquals(new Setting<>(1L, false, "net.ipv4.ip_forward"), s.forwarding("eth0"));
        assertEquals(Optional.of("4096 131072 6291456"), s.raw("net.ipv4.tcp_rmem"));
        assertEquals(1L, s.tcpBeLiberal().value());
        assertEquals(180L, s.conntrack("udp_timeout_stream").value());
    }

    @Test
    void absentValuesAreKernelDefaultsMarkedAssumed() {
        Sysctls s = Sysctls.empty();
        Setting<Long> fwd = s.ipForward();
        assertEquals(0L, fwd.value());
        assertTrue(fwd.assumedDefault());
        assertEquals("net.ipv4.ip_forward absent, kernel default 0 assumed", fwd.explain());
        assertEquals(new Setting<>(1L, true, "net.netfilter.nf_conntrack_tcp_loose"), s.tcpLoose());
        assertEquals(30L, s.conntrack("udp_timeout").value());
        assertEquals(120L, s.conntrack("udp_timeout_stream").value());
        assertEquals(432000L, s.conntrack("tcp_timeout_established").value());
        assertEquals(new Setting<>(1L, true, "net.bridge.bridge-nf-call-iptables"), s.bridgeNfCall("iptables"));
        assertEquals(new Setting<>(0L, true, "net.ipv4.conf.all.rp_filter max net.ipv4.conf.eth0.rp_filter"),
                s.rpFilter("eth0"));
        assertTrue(s.acceptLocal("eth0").assumedDefault());
        assertEquals(0L, s.srcValidMark("eth0").value());
        assertEquals(0L, s.ipv6Forwarding("eth0").value());
    }

    @Test
    void confFilesAndProcPathsNormalizeToDottedNames() {
        String text = """
                # comment
                ; another
                net.ipv4.ip_forward=1
                /proc/sys/net/ipv4/conf/eth0.100/rp_filter = 2
                /proc/sys/net/bridge/bridge-nf-call-iptables:0
                net/ipv4/conf/all/accept_local = 1
                """;
        Parsed<Sysctls> p = SysctlParser.parse("99-k8s.conf", text);
        assertEquals(List.of(), p.diagnostics());
        Sysctls s = p.value();
        assertEquals(1L, s.ipForward().value());
        assertFalse(s.ipForward().assumedDefault());
        assertEquals(2L, s.rpFilter("eth0.100").value());
        assertEquals(new Setting<>(0L, false, "net.bridge.bridge-nf-call-iptables"), s.bridgeNfCall("iptables"));
        assertEquals(1L, s.acceptLocal("eth9").value());
    }

    @Test
    void garbageLinesAreErrorsAndTheRestIsKept() {
        Parsed<Sysctls> p = SysctlParser.parse("sysctl.txt", "net.ipv4.ip_forward = 1\n  this is not a sysctl\n= 3\n");
        assertEquals(1, p.value().values().size());
        assertEquals(List.of(
                "sysctl.txt:2:3: error[bad-sysctl-line]: not a sysctl assignment: 'this is not a sysctl' (expected: "
                        + "name = value, such as net.ipv4.ip_forward = 1)",
                "sysctl.txt:3:1: error[bad-sysctl-line]: not a sysctl assignment: '= 3' (expected: name = value, such "
                        + "as net.ipv4.ip_forward = 1)"),
                p.diagnostics().stream().map(Diagnostic::headline).toList());
    }

    @Test
    void confAllForwardingStandsForIpForwardAndConfDefaultForUnlistedInterfaces() {
        Sysctls s = SysctlParser.parse("sysctl.txt", "net.ipv4.conf.all.forwarding = 1\n"
                + "net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.default.proxy_arp = 1\n").value();
        assertEquals(new Setting<>(1L, false, "net.ipv4.conf.all.forwarding"), s.ipForward());
        assertEquals(new Setting<>(1L, false, "net.ipv4.conf.all.forwarding"), s.forwarding("veth9"));
        assertEquals(new Setting<>(2L, false, "net.ipv4.conf.all.rp_filter max net.ipv4.conf.default.rp_filter"),
                s.rpFilter("veth9"));
        assertEquals(1L, s.proxyArp("veth9").value());
    }
}
