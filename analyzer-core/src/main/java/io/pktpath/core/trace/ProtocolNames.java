package io.pktpath.core.trace;

/** IP protocol numbers and the names iptables-save and /etc/protocols give them. */
public final class ProtocolNames {
    private ProtocolNames() {
    }

    public static String name(int proto) {
        return switch (proto) {
            case -1 -> "";
            case 1 -> "icmp";
            case 2 -> "igmp";
            case 4 -> "ipencap";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 41 -> "ipv6";
            case 47 -> "gre";
            case 50 -> "esp";
            case 51 -> "ah";
            case 58 -> "ipv6-icmp";
            case 89 -> "ospf";
            case 132 -> "sctp";
            case 136 -> "udplite";
            default -> Integer.toString(proto);
        };
    }

    /** The number for a name or a number's text; -1 when unknown. */
    public static int number(String name) {
        return switch (name) {
            case "icmp" -> 1;
            case "igmp" -> 2;
            case "ipencap", "ipip" -> 4;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "ipv6" -> 41;
            case "gre" -> 47;
            case "esp" -> 50;
            case "ah" -> 51;
            case "ipv6-icmp", "icmpv6", "icmp6" -> 58;
            case "ospf" -> 89;
            case "sctp" -> 132;
            case "udplite" -> 136;
            default -> {
                try {
                    int n = Integer.parseInt(name);
                    yield n >= 0 && n <= 255 ? n : -1;
                } catch (NumberFormatException e) {
                    yield -1;
                }
            }
        };
    }
}
