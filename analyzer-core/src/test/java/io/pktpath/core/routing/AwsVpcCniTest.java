package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static io.pktpath.core.routing.TestNodes.local;
import static io.pktpath.core.routing.TestNodes.received;
import static io.pktpath.core.routing.TestNodes.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.RouteDecision;
import io.pktpath.parser.iproute.IpRouteParser;
import io.pktpath.parser.iproute.IpRuleParser;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.Sysctls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The AWS VPC CNI policy routing quoted in amazon-vpc-cni-k8s docs/cni-proposal.md (files aws/aws-vpc-cni-*): host rules
 * with {@code not from all to 10.0.0.0/16}, a per-ENI table, and the pod side with its 169.254.1.1 gateway. The doc's
 * own annotations ({@code <----- Pod's IP}) and its elided {@code ...} line are stripped, as SOURCE.txt says to.
 */
class AwsVpcCniTest {
    private static final Pattern ANNOTATION = Pattern.compile("\\s+<[-<].*$");

    static String stripped(String name) {
        return resource("aws/" + name).lines().filter(l -> !l.strip().equals("..."))
                .map(l -> ANNOTATION.matcher(l).replaceAll("")).collect(Collectors.joining("\n", "", "\n"));
    }

    private static NodeNetwork host() {
        List<Route> routes = new ArrayList<>(TestNodes.ok(IpRouteParser.parse("aws-vpc-cni-host-main.ip-route",
                stripped("aws-vpc-cni-host-main.ip-route"), IpFamily.V4)));
        routes.addAll(TestNodes.ok(IpRouteParser.parse("aws-vpc-cni-host-table-eni-1.ip-route",
                stripped("aws-vpc-cni-host-table-eni-1.ip-route"), Optional.of(IpFamily.V4), "eni-1")));
        var rules = TestNodes.ok(IpRuleParser.parse("aws-vpc-cni-host.ip-rule", stripped("aws-vpc-cni-host.ip-rule"),
                IpFamily.V4));
        return NodeNetwork.of(new NetworkInputs(List.of(), routes, Optional.of(rules), Optional.empty(), List.of(),
                new Sysctls(Map.of("net.ipv4.ip_forward", "1")), IpSets.empty()));
    }

    @Test
    void podTrafficLeavingTheVpcUsesMainThroughTheNotRule() {
        RouteResult r = host().inputRoute(received("10.0.97.30", "8.8.8.8", "aws8db0408c9a8"));
        assertEquals(RouteKind.FORWARD, r.kind());
        assertEquals(new RouteDecision(1025, "main", "default", "unicast", "eth0", "10.0.96.1", "",
                "default via 10.0.96.1 dev eth0"), r.decision());
    }

    @Test
    void podTrafficInsideTheVpcUsesItsEniTable() {
        RouteResult r = host().inputRoute(received("10.0.97.30", "10.0.50.5", "aws8db0408c9a8"));
        assertEquals(new RouteDecision(1536, "eni-1", "default", "unicast", "eth1", "10.0.96.1", "",
                "default via 10.0.96.1 dev eth1"), r.decision());
        assertEquals(Optional.of("eth1"), r.outDev());
    }

    @Test
    void trafficToThePodUsesItsHostRoute() {
        RouteResult r = host().inputRoute(received("10.0.50.5", "10.0.97.30", "eth1"));
        assertEquals(512, r.decision().rulePriority());
        assertEquals(Optional.of("aws8db0408c9a8"), r.outDev());
        assertEquals(Optional.of(ip("10.0.97.30")), r.nextHop());
        assertEquals("10.0.97.30 dev aws8db0408c9a8  scope link", r.decision().routeText());
    }

    @Test
    void podSideSendsEverythingToTheLinkLocalGateway() {
        NodeNetwork pod = TestNodes.node().addr(stripped("aws-vpc-cni-pod.ip-addr"))
                .routes(stripped("aws-vpc-cni-pod.ip-route")).build();
        assertEquals(List.of(
                "ip route show table all has no local-table entries for IPv4; derived 5 local/broadcast entries from "
                        + "the interface addresses",
                "no ip rule output for IPv4; kernel default rules assumed (0 local, 32766 main, 32767 default)",
                "ip route show table all has no local-table entries for IPv6; derived 2 local/broadcast entries from "
                        + "the interface addresses",
                "no ip rule output for IPv6; kernel default rules assumed (0 local, 32766 main)"), pod.assumptions());
        RouteResult r = pod.outputRoute(local("0.0.0.0", "10.0.50.5"));
        assertEquals(RouteKind.SEND, r.kind());
        assertEquals(Optional.of("eth0"), r.outDev());
        assertEquals(Optional.of(ip("169.254.1.1")), r.nextHop());
        assertEquals(Optional.of(ip("10.0.97.30")), r.source());
        assertEquals(Deliverability.NOT_DELIVERABLE, pod.neighbor(ip("169.254.1.1"), "eth0").deliverability());
        assertEquals(RouteKind.LOCAL, pod.inputRoute(received("10.0.50.5", "10.0.97.30", "eth0")).kind());
    }
}
