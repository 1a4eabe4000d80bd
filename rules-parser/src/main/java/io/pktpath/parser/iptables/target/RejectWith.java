package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.IpFamily;
import java.util.Arrays;
import java.util.Optional;

/** The answer REJECT sends ({@code --reject-with}, semantics §3.4): an ICMP/ICMPv6 type and code, or a TCP RST. */
public enum RejectWith {
    ICMP_NET_UNREACHABLE("icmp-net-unreachable", IpFamily.V4, 3, 0),
    ICMP_HOST_UNREACHABLE("icmp-host-unreachable", IpFamily.V4, 3, 1),
    ICMP_PROTO_UNREACHABLE("icmp-proto-unreachable", IpFamily.V4, 3, 2),
    ICMP_PORT_UNREACHABLE("icmp-port-unreachable", IpFamily.V4, 3, 3),
    ICMP_NET_PROHIBITED("icmp-net-prohibited", IpFamily.V4, 3, 9),
    ICMP_HOST_PROHIBITED("icmp-host-prohibited", IpFamily.V4, 3, 10),
    ICMP_ADMIN_PROHIBITED("icmp-admin-prohibited", IpFamily.V4, 3, 13),
    ICMP6_NO_ROUTE("icmp6-no-route", IpFamily.V6, 1, 0),
    ICMP6_ADM_PROHIBITED("icmp6-adm-prohibited", IpFamily.V6, 1, 1),
    ICMP6_ADDR_UNREACHABLE("icmp6-addr-unreachable", IpFamily.V6, 1, 3),
    ICMP6_PORT_UNREACHABLE("icmp6-port-unreachable", IpFamily.V6, 1, 4),
    ICMP6_POLICY_FAIL("icmp6-policy-fail", IpFamily.V6, 1, 5),
    ICMP6_REJECT_ROUTE("icmp6-reject-route", IpFamily.V6, 1, 6),
    TCP_RESET("tcp-reset", null, -1, -1);

    private final String printed;
    private final IpFamily family;
    private final int icmpType;
    private final int icmpCode;

    RejectWith(String printed, IpFamily family, int icmpType, int icmpCode) {
        this.printed = printed;
        this.family = family;
        this.icmpType = icmpType;
        this.icmpCode = icmpCode;
    }

    /** The name iptables-save prints. */
    public String printed() {
        return printed;
    }

    /** The family whose ICMP this is (empty for tcp-reset, valid in both). */
    public Optional<IpFamily> family() {
        return Optional.ofNullable(family);
    }

    /** ICMP type, or -1 for tcp-reset. */
    public int icmpType() {
        return icmpType;
    }

    /** ICMP code, or -1 for tcp-reset. */
    public int icmpCode() {
        return icmpCode;
    }

    /** The default when {@code --reject-with} is absent. */
    public static RejectWith defaultFor(IpFamily family) {
        return family == IpFamily.V6 ? ICMP6_PORT_UNREACHABLE : ICMP_PORT_UNREACHABLE;
    }

    /** Parses a printed name or one of the aliases iptables accepts ({@code tcp-rst}, {@code icmp6-adm-prohibited} ...). */
    public static Optional<RejectWith> parse(String text) {
        if (text.equals("tcp-rst")) {
            return Optional.of(TCP_RESET);
        }
        return Arrays.stream(values()).filter(v -> v.printed.equals(text)).findFirst();
    }
}
