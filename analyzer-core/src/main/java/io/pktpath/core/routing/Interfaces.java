package io.pktpath.core.routing;

import io.pktpath.parser.iproute.InterfaceAddress;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The node's interfaces by name, index and MAC, with their primary addresses per family in {@code ip addr} order. */
final class Interfaces {
    private final List<NetInterface> ordered;
    private final Map<String, NetInterface> byName = new HashMap<>();
    private final Map<Integer, NetInterface> byIndex = new HashMap<>();
    private final Map<String, List<NetInterface>> byMac = new HashMap<>();
    /** The names of the devices flagged LOOPBACK (lo aside, which always is one). */
    private final java.util.Set<String> loopbacks = new java.util.HashSet<>();

    Interfaces(List<NetInterface> interfaces) {
        List<NetInterface> sorted = new ArrayList<>(interfaces);
        sorted.sort(Comparator.comparingInt(NetInterface::index));
        this.ordered = List.copyOf(sorted);
        for (NetInterface i : ordered) {
            if (byName.putIfAbsent(i.name(), i) == null && i.flags().contains("LOOPBACK")) {
                loopbacks.add(i.name());
            }
            byIndex.putIfAbsent(i.index(), i);
            i.mac().ifPresent(m -> byMac.computeIfAbsent(m.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i));
        }
    }

    /** In index order. */
    List<NetInterface> all() {
        return ordered;
    }

    boolean isEmpty() {
        return ordered.isEmpty();
    }

    Optional<NetInterface> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Optional<NetInterface> byIndex(int index) {
        return Optional.ofNullable(byIndex.get(index));
    }

    List<NetInterface> byMac(String mac) {
        return List.copyOf(byMac.getOrDefault(mac.toLowerCase(Locale.ROOT), List.of()));
    }

    /** The addresses of a device of one family that are not {@code secondary}, in order; empty for unknown devices. */
    List<InterfaceAddress> primaries(String dev, IpFamily family) {
        NetInterface i = byName.get(dev);
        if (i == null) {
            return List.of();
        }
        List<InterfaceAddress> out = new ArrayList<>();
        for (InterfaceAddress a : i.addresses()) {
            if (a.family() == family && !a.secondary()) {
                out.add(a);
            }
        }
        return out;
    }

    /** True for lo and devices flagged LOOPBACK. */
    boolean isLoopback(String dev) {
        return dev.equals(FlowKey.LOOPBACK_DEV) || !loopbacks.isEmpty() && loopbacks.contains(dev);
    }

    /**
     * True when the device is known and administratively down; unknown devices count as up, and so do devices whose
     * flags the bundle does not show ({@code ip -o addr} without an {@code ip link} beside it).
     */
    boolean isDown(String dev) {
        NetInterface i = byName.get(dev);
        return i != null && !i.flags().isEmpty() && !i.isUp();
    }

    /** Scope rank as the kernel orders them: global/universe 0, site 200, link 253, host 254, nowhere 255. */
    static int scopeRank(String scope) {
        return switch (scope) {
            case "global", "universe" -> 0;
            case "site" -> 200;
            case "link" -> 253;
            case "host" -> 254;
            case "nowhere" -> 255;
            default -> parseScope(scope);
        };
    }

    private static int parseScope(String scope) {
        try {
            return Integer.parseInt(scope);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
