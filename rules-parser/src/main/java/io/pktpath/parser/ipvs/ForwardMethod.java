package io.pktpath.parser.ipvs;

import java.util.Locale;

/** How IPVS hands a packet to a real server: NAT (Masq), direct routing (Route), IP-in-IP (Tunnel), or Local. */
public enum ForwardMethod {
    MASQ, ROUTE, TUNNEL, LOCAL;

    /** {@code masq}, {@code route}, {@code tunnel}, {@code local}: the lower-case word shown in reports. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method named by {@code ipvsadm -Ln}'s Forward column ({@code Masq}, {@code Route}, {@code Tunnel}, {@code Local}). */
    static ForwardMethod ofListing(String word) {
        return switch (word) {
            case "Masq" -> MASQ;
            case "Route" -> ROUTE;
            case "Tunnel" -> TUNNEL;
            case "Local" -> LOCAL;
            default -> null;
        };
    }

    /** The method named by an {@code ipvsadm-save} flag ({@code -m}, {@code -g}, {@code -i}), or null. */
    static ForwardMethod ofFlag(String flag) {
        return switch (flag) {
            case "-m", "--masquerading" -> MASQ;
            case "-g", "--gatewaying" -> ROUTE;
            case "-i", "--ipip" -> TUNNEL;
            default -> null;
        };
    }
}
