package io.pktpath.core.findings;

import java.util.ArrayList;
import java.util.List;

/** Turns each group of failed frames into a finding with the title, evidence, fix and confidence its cause calls for. */
final class FailureFindings {
    private FailureFindings() {
    }

    /** The findings of {@code tracker}'s groups, a neighbor failure's with the node's unanswered ARP requests. */
    static List<Finding> of(FailureTracker tracker) {
        List<Finding> out = new ArrayList<>();
        for (FailureGroup g : tracker.groups()) {
            FrameSample arp = g.code.equals(FailureTracker.UNRESOLVED) || g.code.equals(Codes.NEIGHBOR_FAILED)
                    ? tracker.unansweredArp(g.responsible) : null;
            if (g.code.equals(FailureTracker.UNRESOLVED)) {
                if (g.answerCount > 0) {
                    out.add(neighborFromIcmp(g, arp));
                }
                continue;
            }
            out.add(g.code.equals(Codes.NEIGHBOR_FAILED) && g.answerCount > 0 ? neighborFromIcmp(g, arp)
                    : finding(g, arp));
        }
        return out;
    }

    /** The evidence line of the node's unanswered ARP requests for a next hop. */
    private static String arpEvidence(FrameSample arp) {
        return "the node's ARP requests for it got no answer in the capture: " + arp.describe();
    }

    private static Finding finding(FailureGroup g, FrameSample arp) {
        List<String> evidence = new ArrayList<>();
        evidence.add(g.frames.describe() + " " + verb(g.code) + ": " + g.reason);
        if (!g.location.isEmpty()) {
            evidence.add("responsible: " + g.responsible + " at " + g.location);
        }
        if (arp != null) {
            evidence.add(arpEvidence(arp));
        }
        for (String a : g.answers) {
            evidence.add("sent back: " + a);
        }
        if (g.code.equals(Codes.LB_SOURCE_RANGE_DENIED)) {
            evidence.addAll(sourceRangeEvidence(g));
        }
        if (expectsAnswer(g.code) && g.answerCount == 0) {
            evidence.add("the capture shows no ICMP error or RST sent back for these frames (rate limits or the capture "
                    + "point may hide it)");
        }
        List<String> rules = g.location.isEmpty() ? List.of() : List.of(g.location + ": " + g.responsible);
        return new Finding(g.code, severity(g.code), title(g), g.frames.frames(), rules, evidence, fix(g),
                "high: the replay put these frames through the bundle's rules, routes and sysctls and this is the "
                        + "step that ended their path" + (g.answerCount > 0 ? "; the capture shows the node's answer" : ""));
    }

    private static List<String> sourceRangeEvidence(FailureGroup g) {
        List<String> out = new ArrayList<>();
        if (!g.sources.isEmpty()) {
            out.add("sources: " + g.sources.describe());
        }
        String fw = KubeProxyComments.firewallChain(g.responsible);
        out.add("nat " + (fw.isEmpty() ? "KUBE-FW-…" : fw) + " sends only sources inside loadBalancerSourceRanges on to "
                + "KUBE-EXT-… (DNAT to an endpoint); these matched none of its -s rules, kept the LoadBalancer IP as their "
                + "destination, and KUBE-PROXY-FIREWALL (filter INPUT/FORWARD/OUTPUT, ctstate NEW) dropped them");
        return out;
    }

    private static Finding neighborFromIcmp(FailureGroup g, FrameSample arp) {
        List<String> evidence = new ArrayList<>();
        evidence.add(g.frames.describe() + " sent towards next hop " + g.responsible + " while its neighbor entry was "
                + "unresolved (" + g.location + ")");
        if (arp != null) {
            evidence.add(arpEvidence(arp));
        }
        for (String a : g.answers) {
            evidence.add("the node answered: " + a);
        }
        return new Finding(Codes.NEIGHBOR_FAILED, FindingSeverity.ERROR, "Next hop " + g.responsible
                + " never answered ARP/NDP: " + g.frames.count() + " packet(s) dropped with ICMP host unreachable",
                g.frames.frames(), List.of(g.location), evidence,
                "Check that " + g.responsible.split(" ")[0] + " is up and on that link (ip neigh show; arping), or fix the "
                        + "route that points at it",
                "high: the capture shows the node's ICMP host unreachable quoting these packets after the failed resolution");
    }

    private static boolean expectsAnswer(String code) {
        return code.equals(Codes.REJECT) || code.equals(Codes.SERVICE_NO_ENDPOINTS);
    }

    private static FindingSeverity severity(String code) {
        return code.equals(Codes.MARTIAN) ? FindingSeverity.WARNING : FindingSeverity.ERROR;
    }

    private static String verb(String code) {
        return switch (code) {
            case Codes.REJECT, Codes.SERVICE_NO_ENDPOINTS -> "rejected";
            default -> "dropped";
        };
    }

    private static String title(FailureGroup g) {
        long n = g.frames.count();
        return switch (g.code) {
            case Codes.DROP_RULE -> n + " packet(s) dropped by rule " + g.location;
            case Codes.REJECT -> n + " packet(s) rejected by rule " + g.location;
            case Codes.FORWARD_POLICY_DROP -> n + " forwarded packet(s) dropped by the FORWARD chain's DROP policy";
            case Codes.POLICY_DROP -> n + " packet(s) dropped by the DROP policy of " + g.location.replace(" policy", "");
            case Codes.NO_ROUTE -> n + " packet(s) without a route: " + g.responsible;
            case Codes.ROUTE_UNREACHABLE -> n + " packet(s) hit an unreachable route: " + g.responsible;
            case Codes.ROUTE_PROHIBIT -> n + " packet(s) hit a prohibit route: " + g.responsible;
            case Codes.ROUTE_BLACKHOLE -> n + " packet(s) silently dropped by a blackhole route: " + g.responsible;
            case Codes.NEIGHBOR_FAILED -> n + " packet(s) lost: next hop " + g.responsible + " unresolved";
            case Codes.RP_FILTER -> n + " packet(s) dropped by reverse-path filtering (rp_filter)";
            case Codes.FORWARDING_OFF -> n + " packet(s) dropped: IP forwarding is off on the input interface";
            case Codes.MARTIAN -> n + " packet(s) dropped as martians";
            case Codes.INVALID_DROP -> n + " packet(s) in conntrack state INVALID dropped";
            case Codes.FRAGMENTS_DROPPED -> n + " fragment(s) dropped by the node: their datagram never became whole"
                    + " (ipfrag_time ran out, or fragments overlapped)";
            case Codes.BRIDGE_HAIRPIN_OFF -> n + " packet(s) DNATed back to a host behind the " + g.responsible
                    + " they came in on, which the bridge does not send them back out of without hairpin mode (off in the"
                    + " bundle's ip -d link, or assumed off when the bundle does not show it)";
            case Codes.SERVICE_NO_ENDPOINTS -> "Service without endpoints: " + n + " connection attempt(s) rejected ("
                    + KubeProxyComments.service(g.responsible) + ")";
            case Codes.ETP_LOCAL_NO_ENDPOINT -> "externalTrafficPolicy=Local service has no endpoint on this node: " + n
                    + " packet(s) dropped (" + KubeProxyComments.service(g.responsible) + ")";
            case Codes.LB_SOURCE_RANGE_DENIED -> "Source not in loadBalancerSourceRanges: " + n + " packet(s) to the "
                    + "LoadBalancer IP dropped (" + KubeProxyComments.service(g.responsible) + ")";
            default -> n + " packet(s) failed: " + g.responsible;
        };
    }

    private static String fix(FailureGroup g) {
        return switch (g.code) {
            case Codes.DROP_RULE -> "If this traffic should pass, change or insert an ACCEPT before " + g.location
                    + " (" + g.responsible + "); otherwise the drop is intended";
            case Codes.REJECT -> "If this traffic should pass, remove or narrow " + g.location + " (" + g.responsible + ")";
            case Codes.FORWARD_POLICY_DROP -> "Add a FORWARD ACCEPT rule for this traffic (and for RELATED,ESTABLISHED "
                    + "replies), e.g. iptables -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT, or set the "
                    + "policy to ACCEPT if the node should route freely";
            case Codes.POLICY_DROP -> "Add an ACCEPT rule for this traffic to " + g.location.replace(" policy", "")
                    + " or change its policy";
            case Codes.NO_ROUTE -> "Add a route (or a default route) for the destination in the table the ip rules select";
            case Codes.ROUTE_UNREACHABLE, Codes.ROUTE_PROHIBIT, Codes.ROUTE_BLACKHOLE -> "Remove or narrow the route "
                    + g.responsible + " (" + g.location + ") if this destination should be reachable";
            case Codes.NEIGHBOR_FAILED -> "Check that the next hop is up and on that link (ip neigh; arping) or fix the "
                    + "route pointing at it";
            case Codes.RP_FILTER -> "Make the return route leave through the input interface, or set rp_filter to 2 "
                    + "(loose) or 0 on that interface (effective value = max(conf/all, conf/<dev>))";
            case Codes.FORWARDING_OFF -> "Enable forwarding: sysctl -w net.ipv4.ip_forward=1 (or "
                    + "net.ipv4.conf.<dev>.forwarding=1 on the input interface)";
            case Codes.MARTIAN -> "Fix the sender's address (or set accept_local/route_localnet where that is intended)";
            case Codes.FRAGMENTS_DROPPED -> "Find where the missing fragments were lost before the node (a path dropping"
                    + " fragments, a firewall keeping only the first); better, avoid fragmenting: lower the sender's MTU"
                    + " or use TCP / EDNS buffer sizes below the path MTU";
            case Codes.BRIDGE_HAIRPIN_OFF -> "Turn on hairpin mode on the bridge port (ip link set dev PORT type"
                    + " bridge_slave hairpin on, or bridge link set dev PORT hairpin on; Docker with userland-proxy false,"
                    + " the bridge CNI plugin's hairpinMode and kubelet's hairpin-veth do; ip -d link shows it), or reach"
                    + " the service by the container's own address";
            case Codes.INVALID_DROP -> "Find why conntrack has no matching connection (asymmetric routing, a ct flushed or "
                    + "expired, a middlebox changing sequence numbers); nf_conntrack_tcp_be_liberal=1 is a last resort";
            case Codes.SERVICE_NO_ENDPOINTS -> "Give the Service ready endpoints: check its selector matches running, ready "
                    + "pods (kubectl get endpointslices -l kubernetes.io/service-name=...)";
            case Codes.LB_SOURCE_RANGE_DENIED -> "If these clients should reach the service, add their addresses (or "
                    + "networks) to its spec.loadBalancerSourceRanges; pods and the node calling the LoadBalancer IP are "
                    + "held to the same list (add the pod CIDR, or call the ClusterIP); otherwise the drop is intended";
            case Codes.ETP_LOCAL_NO_ENDPOINT -> "Send the traffic only to nodes that run a ready endpoint (load balancer "
                    + "health check on healthCheckNodePort), or set externalTrafficPolicy=Cluster";
            default -> "Inspect " + g.location;
        };
    }
}
