package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pktpath.core.trace.CheckStep;
import io.pktpath.core.trace.Disposition;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The input-side checks of netfilter-semantics §6.4 with the exact details they report. */
class InputChecksTest {
    private static final String ACCEPT_LOCAL_ETH1 = "accept_local=0 (net.ipv4.conf.all.accept_local=0 OR "
            + "net.ipv4.conf.eth1.accept_local=0 (not in the bundle; kernel default))";

    /** §11.13: a source that belongs behind eth2 arrives on eth1 and is forwarded to eth0. */
    @ParameterizedTest(name = "all={0} eth1={1}")
    @CsvSource({
        "0, 0, true, rp_filter=0 (net.ipv4.conf.all.rp_filter=0 max net.ipv4.conf.eth1.rp_filter=0): 10.2.0.50 is routable via eth2",
        "0, 2, true, rp_filter=2 (net.ipv4.conf.all.rp_filter=0 max net.ipv4.conf.eth1.rp_filter=2): loose: 10.2.0.50 is routable via eth2",
        "2, 1, true, rp_filter=2 (net.ipv4.conf.all.rp_filter=2 max net.ipv4.conf.eth1.rp_filter=1): loose: 10.2.0.50 is routable via eth2",
        "0, 1, false, 'rp_filter=1 (net.ipv4.conf.all.rp_filter=0 max net.ipv4.conf.eth1.rp_filter=1): strict: route back to 10.2.0.50 leaves via eth2, not eth1'",
        "1, 0, false, 'rp_filter=1 (net.ipv4.conf.all.rp_filter=1 max net.ipv4.conf.eth1.rp_filter=0): strict: route back to 10.2.0.50 leaves via eth2, not eth1'",
    })
    void rpFilterMatrixForASpoofedSource(int all, int iface, boolean passes, String detail) {
        NodeNetwork node = TestNodes.r1().set("net.ipv4.conf.all.rp_filter = " + all,
                "net.ipv4.conf.eth1.rp_filter = " + iface).build();
        RouteResult r = node.inputRoute(received("10.2.0.50", "192.0.2.99", "eth1"));
        assertEquals(List.of(
                new CheckStep(null, "forwarding", true,
                        "forwarding=1 (net.ipv4.conf.eth1.forwarding=1) on eth1: 192.0.2.99 may be forwarded"),
                new CheckStep(null, "accept_local", true, ACCEPT_LOCAL_ETH1 + ": source 10.2.0.50 accepted"),
                new CheckStep(null, "rp_filter", passes, detail)), r.checks());
        assertEquals(passes ? RouteKind.FORWARD : RouteKind.CHECK_FAILED, r.kind());
        assertEquals(passes ? Optional.empty() : Optional.of(Disposition.RP_FILTER), r.disposition());
    }

    @Test
    void rpFilterZeroWithoutCustomRulesSkipsTheReverseLookup() {
        NodeNetwork node = TestNodes.bundle("route-errors").build();
        RouteResult r = node.inputRoute(received("10.244.1.2", "10.70.0.1", "cali62608e08adc"));
        assertEquals(RouteKind.FORWARD, r.kind());
        assertEquals(new CheckStep(null, "rp_filter", true, "rp_filter=0 (net.ipv4.conf.all.rp_filter=0 max "
                + "net.ipv4.conf.cali62608e08adc.rp_filter=0): no reverse-path check"), r.checks().get(2));
    }

    @Test
    void rpFilterUsesTheMarkOnlyWithSrcValidMark() {
        TestNodes base = TestNodes.r1().set("net.ipv4.conf.eth2.rp_filter = 1");
        RouteResult without = base.build().inputRoute(received("8.8.8.8", "10.1.0.5", "eth2").withMark(0x10));
        assertEquals(Optional.of(new CheckStep(null, "rp_filter", false, "rp_filter=1 (net.ipv4.conf.all.rp_filter=0 "
                + "max net.ipv4.conf.eth2.rp_filter=1): strict: route back to 8.8.8.8 leaves via eth0, not eth2"
                + " (looked up without mark 0x10: src_valid_mark=0)")), without.failedCheck());

        RouteResult with = base.set("net.ipv4.conf.eth2.src_valid_mark = 1").build()
                .inputRoute(received("8.8.8.8", "10.1.0.5", "eth2").withMark(0x10));
        assertEquals(RouteKind.FORWARD, with.kind());
        assertEquals("rp_filter=1 (net.ipv4.conf.all.rp_filter=0 max net.ipv4.conf.eth2.rp_filter=1): route back to "
                + "8.8.8.8 leaves via eth2", with.checks().get(2).detail());
    }

    @Test
    void forwardingOffDropsNonLocalPacketsOnly() {
        NodeNetwork node = TestNodes.bundle("ip-forward-off").build();
        RouteResult toPod = node.inputRoute(received("172.18.0.1", "10.244.1.2", "eth0"));
        assertEquals(RouteKind.CHECK_FAILED, toPod.kind());
        assertEquals(Optional.of(Disposition.FORWARDING_DISABLED), toPod.disposition());
        assertEquals(List.of(new CheckStep(null, "forwarding", false,
                "forwarding=0 (net.ipv4.conf.eth0.forwarding=0) on eth0: 10.244.1.2 is not local, dropped silently")),
                toPod.checks());
        assertEquals("10.244.1.2 dev cali2567a5ec970 scope link", toPod.decision().routeText());

        RouteResult toNode = node.inputRoute(received("172.18.0.1", "172.18.0.2", "eth0", 6, 40000, 7100));
        assertEquals(RouteKind.LOCAL, toNode.kind());
    }

    @Test
    void forwardingFallsBackToIpForwardThenToTheKernelDefault() {
        RouteResult viaIpForward = TestNodes.r1().build().inputRoute(received("10.3.0.5", "192.0.2.99", "br0"));
        assertEquals(new CheckStep(null, "forwarding", true,
                "forwarding=1 (net.ipv4.ip_forward=1) on br0: 192.0.2.99 may be forwarded"), viaIpForward.checks().get(0));

        NodeNetwork bare = TestNodes.r1().sysctl("").build();
        RouteResult r = bare.inputRoute(received("10.3.0.5", "192.0.2.99", "br0"));
        assertEquals(List.of(new CheckStep(null, "forwarding", false, "forwarding=0 (net.ipv4.ip_forward=0 (not in the "
                + "bundle; kernel default)) on br0: 192.0.2.99 is not local, dropped silently")), r.checks());
    }

    @Test
    void loopbackDestinationNeedsRouteLocalnet() {
        RouteResult off = TestNodes.r1().build().inputRoute(received("10.1.0.5", "127.0.0.1", "eth1"));
        assertEquals(RouteKind.CHECK_FAILED, off.kind());
        assertEquals(Optional.of(Disposition.MARTIAN), off.disposition());
        assertEquals(List.of(new CheckStep(null, "route_localnet", false, "destination 127.0.0.1 is in 127.0.0.0/8 on eth1: "
                + "route_localnet=0 (net.ipv4.conf.all.route_localnet=0 OR net.ipv4.conf.eth1.route_localnet=0 (not in "
                + "the bundle; kernel default)), dropped as martian")), off.checks());

        RouteResult on = TestNodes.r1().set("net.ipv4.conf.eth1.route_localnet = 1").build()
                .inputRoute(received("10.1.0.5", "127.0.0.1", "eth1"));
        assertEquals(RouteKind.LOCAL, on.kind());
        assertEquals(new CheckStep(null, "route_localnet", true, "destination 127.0.0.1 is in 127.0.0.0/8 on eth1: "
                + "route_localnet=1 (net.ipv4.conf.all.route_localnet=0 OR net.ipv4.conf.eth1.route_localnet=1)"),
                on.checks().get(0));
    }

    @Test
    void martianSources() {
        NodeNetwork node = TestNodes.r1().build();
        assertEquals(Optional.of(new CheckStep(null, "martian source", false,
                "source 224.0.0.5 is a multicast or broadcast address")),
                node.inputRoute(received("224.0.0.5", "10.1.0.1", "eth1")).failedCheck());
        assertEquals(Optional.of(new CheckStep(null, "martian source", false, "source 0.0.0.0 is in 0.0.0.0/8")),
                node.inputRoute(received("0.0.0.0", "10.1.0.1", "eth1")).failedCheck());
        assertEquals(Optional.of(new CheckStep(null, "martian destination", false, "destination 0.1.2.3 is in 0.0.0.0/8")),
                node.inputRoute(received("10.1.0.5", "0.1.2.3", "eth1")).failedCheck());
        assertEquals("route_localnet", node.inputRoute(received("127.0.0.1", "10.1.0.1", "eth1"))
                .failedCheck().orElseThrow().check());
    }

    @Test
    void theSourceChecksOfADeviceAndSourceAreOneAnswerForEveryDestination() {
        NodeNetwork node = TestNodes.bundle("route-errors").build();
        RouteResult first = node.inputRoute(received("10.244.1.2", "10.70.0.1", "cali62608e08adc"));
        RouteResult second = node.inputRoute(received("10.244.1.2", "10.70.0.2", "cali62608e08adc"));
        assertEquals(RouteKind.FORWARD, second.kind());
        assertEquals(List.of("forwarding", "accept_local", "rp_filter"),
                second.checks().stream().map(CheckStep::check).toList());
        assertEquals(first.checks().subList(1, 3), second.checks().subList(1, 3));
        assertSame(first.checks().get(1), second.checks().get(1));
        assertSame(first.checks().get(2), second.checks().get(2));
        assertEquals(new CheckStep(null, "accept_local", true, "accept_local=0 (net.ipv4.conf.all.accept_local=0 OR "
                + "net.ipv4.conf.cali62608e08adc.accept_local=0): source 10.244.1.2 accepted"), second.checks().get(1));
        RouteResult otherSource = node.inputRoute(received("10.244.1.3", "10.70.0.2", "cali62608e08adc"));
        assertEquals("accept_local=0 (net.ipv4.conf.all.accept_local=0 OR net.ipv4.conf.cali62608e08adc.accept_local=0)"
                + ": source 10.244.1.3 accepted", otherSource.checks().get(1).detail());
        assertSame(first.checks().get(2), otherSource.checks().get(2));
    }

    @Test
    void ownSourceNeedsAcceptLocal() {
        RouteResult full = TestNodes.r1().build().inputRoute(received("192.0.2.1", "10.2.0.9", "eth1"));
        assertEquals(Optional.of(new CheckStep(null, "accept_local", false, ACCEPT_LOCAL_ETH1
                + ": source 192.0.2.1 is a local address, dropped as martian")), full.failedCheck());
        assertEquals(Optional.of(Disposition.MARTIAN), full.disposition());

        NodeNetwork fast = TestNodes.bundle("route-errors").build();
        RouteResult spoofed = fast.inputRoute(received("172.18.0.2", "10.70.0.1", "cali62608e08adc"));
        assertEquals("accept_local", spoofed.failedCheck().orElseThrow().check());
        NodeNetwork accepting = TestNodes.bundle("route-errors")
                .set("net.ipv4.conf.cali62608e08adc.accept_local = 1").build();
        assertEquals(RouteKind.FORWARD,
                accepting.inputRoute(received("172.18.0.2", "10.70.0.1", "cali62608e08adc")).kind());
    }

    @Test
    void sourceWhoseReverseRouteRejectsIsMartianEvenWithoutRpFilter() {
        RouteResult r = TestNodes.r1().build().inputRoute(received("10.66.0.5", "10.1.0.9", "eth2"));
        assertEquals(Optional.of(new CheckStep(null, "martian source", false, "the route back to 10.66.0.5 is "
                + "blackhole (table main: blackhole 10.66.0.0/16): source rejected")), r.failedCheck());
        assertEquals(Optional.of(Disposition.MARTIAN), r.disposition());
    }

    @Test
    void ipv6LoopbackAndMulticastSourcesAreMartians() {
        NodeNetwork node = TestNodes.r1().build();
        assertEquals(Optional.of(new CheckStep(null, "martian destination", false,
                "destination ::1 on non-loopback eth0 (dropped before PREROUTING)")),
                node.inputRoute(received("2001:db8:1::5", "::1", "eth0")).failedCheck());
        assertEquals("martian source", node.inputRoute(received("ff02::1", "2001:db8:1::1", "eth0"))
                .failedCheck().orElseThrow().check());
    }

    @Test
    void multicastDestinationIsDeliveredWithAMembershipNote() {
        RouteResult r = TestNodes.r1().build().inputRoute(received("10.1.0.5", "224.0.0.251", "eth1", 17, 5353, 5353));
        assertEquals(RouteKind.MULTICAST, r.kind());
        assertEquals(List.of("delivered locally only if a socket joined 224.0.0.251 on eth1 (group membership is not in "
                + "the bundle); assumed joined"), r.notes());
    }
}
