package io.pktpath.core.replay;

/** Names of the ICMP and ICMPv6 types and codes a node's traffic shows, as a person reads them. */
public final class IcmpNames {
    private IcmpNames() {
    }

    public static String describe(int proto, int type, int code) {
        if (proto == 1) {
            return switch (type) {
                case 0 -> "echo reply";
                case 8 -> "echo request";
                case 3 -> "unreachable " + switch (code) {
                    case 0 -> "net";
                    case 1 -> "host";
                    case 2 -> "protocol";
                    case 3 -> "port";
                    case 4 -> "need-frag";
                    case 9 -> "net-prohibited";
                    case 10 -> "host-prohibited";
                    case 13 -> "admin-prohibited";
                    default -> "code " + code;
                };
                case 5 -> "redirect";
                case 11 -> "time exceeded";
                case 12 -> "parameter problem";
                default -> "type " + type + " code " + code;
            };
        }
        return switch (type) {
            case 1 -> "unreachable " + switch (code) {
                case 0 -> "no-route";
                case 1 -> "admin-prohibited";
                case 3 -> "address";
                case 4 -> "port";
                case 5 -> "policy-fail";
                case 6 -> "reject-route";
                default -> "code " + code;
            };
            case 2 -> "packet too big";
            case 3 -> "time exceeded";
            case 4 -> "parameter problem";
            case 128 -> "echo request";
            case 129 -> "echo reply";
            case 133 -> "router solicitation";
            case 134 -> "router advertisement";
            case 135 -> "neighbor solicitation";
            case 136 -> "neighbor advertisement";
            case 137 -> "redirect";
            default -> "type " + type + " code " + code;
        };
    }
}
