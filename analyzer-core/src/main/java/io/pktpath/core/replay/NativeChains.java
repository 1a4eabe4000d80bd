package io.pktpath.core.replay;

import io.pktpath.core.conntrack.ConntrackPolicy;
import io.pktpath.core.netfilter.CompiledRuleset;
import io.pktpath.core.trace.Hook;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The native nftables chains the replay runs ({@link NftNativeReplay}), compiled per IP family and listed per hook in
 * priority order (at equal priority the chain listed later first: the kernel runs the hook registered later first, and
 * a listing holds tables and their chains in creation order), with the iptables tables' own priorities to place them
 * among: filter chains at their own priority, nat chains inside the NAT step (the kernel's nat core runs every nat
 * chain of a hook, iptables' and nft's, at dstnat or srcnat, ordered among themselves by their priorities). A filter
 * chain at prerouting or output below conntrack's priority runs before the conntrack lookup (before or after
 * iptables' raw table by priority), so its packets have no conntrack entry yet. An ingress chain (netdev or inet) runs
 * for the packets arriving on one of its devices, before PREROUTING.
 */
final class NativeChains {
    /** Priorities of iptables-nft's tables and of conntrack (nf_ip_hook_priorities); security is 50 with legacy. */
    static final int RAW = -300;
    static final int CONNTRACK = -200;
    static final int MANGLE = -150;
    static final int DSTNAT = -100;
    static final int FILTER = 0;
    static final int SRCNAT = 100;
    static final int SECURITY_NFT = 150;
    static final int SECURITY_LEGACY = 50;
    static final int FIRST = Integer.MIN_VALUE;
    static final int LAST = Integer.MAX_VALUE;

    /**
     * One base chain at a hook: the table its steps name ({@code inet pkp_fw}), its name and priority, and for an
     * ingress chain the devices it is bound to (none at the IP hooks).
     */
    record Slot(String table, String chain, int priority, java.util.Set<String> devices) {
    }

    private static final Slot[] NONE = new Slot[0];
    private final CompiledRuleset v4;
    private final CompiledRuleset v6;
    private final Slot[][] slots4 = new Slot[Hook.values().length][];
    private final Slot[][] slots6 = new Slot[Hook.values().length][];
    private final Slot[][] nat4 = new Slot[Hook.values().length][];
    private final Slot[][] nat6 = new Slot[Hook.values().length][];
    private final Slot[][] bridge4 = new Slot[Hook.values().length][];
    private final Slot[][] bridge6 = new Slot[Hook.values().length][];
    private final boolean needsConntrack;

    private NativeChains(NftNativeReplay replay) {
        this.v4 = CompiledRuleset.compile(replay.ruleset(IpFamily.V4));
        this.v6 = CompiledRuleset.compile(replay.ruleset(IpFamily.V6));
        this.needsConntrack = ConntrackPolicy.isEnabled(replay.ruleset(IpFamily.V4), replay.ruleset(IpFamily.V6));
        for (Hook hook : Hook.values()) {
            slots4[hook.ordinal()] = slots(replay, hook, IpFamily.V4, false, false);
            slots6[hook.ordinal()] = slots(replay, hook, IpFamily.V6, false, false);
            nat4[hook.ordinal()] = slots(replay, hook, IpFamily.V4, true, false);
            nat6[hook.ordinal()] = slots(replay, hook, IpFamily.V6, true, false);
            bridge4[hook.ordinal()] = slots(replay, hook, IpFamily.V4, false, true);
            bridge6[hook.ordinal()] = slots(replay, hook, IpFamily.V6, false, true);
        }
    }

    /** The chains to replay, or empty when none is (the replay then pays nothing for native chains). */
    static Optional<NativeChains> of(NftNativeReplay replay) {
        return replay.isEmpty() ? Optional.empty() : Optional.of(new NativeChains(replay));
    }

    private static Slot[] slots(NftNativeReplay replay, Hook hook, IpFamily family, boolean nat, boolean bridge) {
        List<Slot> out = new ArrayList<>();
        for (NftNativeReplay.ReplayedChain c : replay.chains()) {
            if (c.nat() == nat && c.bridge() == bridge && c.families().contains(family) && c.hook().toUpperCase(Locale.ROOT).equals(hook.name())) {
                out.add(0, new Slot(c.table(), c.name(), c.priority(), c.devices()));
            }
        }
        // listed later = registered later = first at an equal priority (nf_hook_entries_grow inserts before equal ones)
        out.sort(Comparator.comparingInt(Slot::priority));
        return out.isEmpty() ? NONE : out.toArray(new Slot[0]);
    }

    /** The filter chains at a hook, in priority order. */
    Slot[] at(IpFamily family, Hook hook) {
        return (family == IpFamily.V4 ? slots4 : slots6)[hook.ordinal()];
    }

    /**
     * The bridge table chains at a bridge hook (PREROUTING, FORWARD, INPUT, OUTPUT, POSTROUTING stand for the bridge's
     * own hooks), in priority order: at prerouting, forward and postrouting all of them run before br_netfilter's IP
     * hook there (prerouting below 0, forward below -1, postrouting before the last priority), input after IP
     * PREROUTING, output after IP POSTROUTING, for the IP frames of {@code family} that cross the bridge.
     */
    Slot[] bridgeAt(IpFamily family, Hook hook) {
        return (family == IpFamily.V4 ? bridge4 : bridge6)[hook.ordinal()];
    }

    /**
     * The ingress chains a packet of {@code family} arriving on {@code device} (or, for a frame of a bridge port, on
     * its port {@code port}) walks, in priority order; empty when none is bound there.
     */
    List<Slot> ingressAt(IpFamily family, String device, String port) {
        Slot[] all = at(family, Hook.INGRESS);
        if (all.length == 0) {
            return List.of();
        }
        List<Slot> out = new ArrayList<>(all.length);
        for (Slot slot : all) {
            if (slot.devices().contains(device) || !port.isEmpty() && slot.devices().contains(port)) {
                out.add(slot);
            }
        }
        return out;
    }

    /** True when a filter chain of {@code family} runs at {@code hook} before conntrack's lookup (priority below -200). */
    boolean beforeConntrack(IpFamily family, Hook hook) {
        for (Slot slot : at(family, hook)) {
            if (slot.priority() < CONNTRACK) {
                return true;
            }
        }
        return false;
    }

    /** The nat chains at a hook, in priority order (walked inside the NAT step). */
    Slot[] natAt(IpFamily family, Hook hook) {
        return (family == IpFamily.V4 ? nat4 : nat6)[hook.ordinal()];
    }

    CompiledRuleset rules(IpFamily family) {
        return family == IpFamily.V4 ? v4 : v6;
    }

    /** True when a replayed native rule makes the kernel load conntrack ({@code ct state}). */
    boolean needsConntrack() {
        return needsConntrack;
    }

    /**
     * The priority of an iptables table's chain at a hook, to place native chains among them; a native chain at the
     * same priority is taken to run after it (the kernel runs the later registered first; iptables' tables are usually
     * registered after the nftables service loaded its ruleset at boot).
     */
    static int iptablesPriority(Hook hook, String table, boolean nftBackend) {
        return switch (table) {
            case "raw" -> RAW;
            case "mangle" -> MANGLE;
            case "nat" -> hook == Hook.PREROUTING || hook == Hook.OUTPUT ? DSTNAT : SRCNAT;
            case "filter" -> FILTER;
            case "security" -> nftBackend ? SECURITY_NFT : SECURITY_LEGACY;
            default -> 0;
        };
    }
}
