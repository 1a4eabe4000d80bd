package io.pktpath.core.findings;

import io.pktpath.core.trace.FrameRole;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.HookStep;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.parser.nft.NftFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftHookedChain;
import io.pktpath.parser.nft.NftRule;
import io.pktpath.parser.nft.NftRuleset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For each native nftables base chain of the bundle ({@link NftRuleset#nativeBaseChains}) that pktpath does not replay
 * ({@link NftNativeReplay}), with the reason, the replayed frames that
 * passed its hook in its family, and, for each of its rules that drops, rejects or rewrites and names one destination
 * port, the frames to that port: the evidence of NFT_NATIVE_CHAINS. Memory is bounded ({@link FrameSample}).
 */
final class NativeChainTracker {
    private static final Pattern NAMED_PORT = Pattern.compile("(?<![\\w-])(tcp|udp|sctp|th)\\s+dport\\s+(\\d{1,5})(?![\\d\\w-])");

    /** One native chain with the frames seen at its hook. */
    static final class Watched {
        final NftHookedChain chain;
        final Optional<Hook> hook;
        /** Why pktpath does not replay the chain ({@link NftNativeReplay}). */
        final String notReplayed;
        final FrameSample frames = new FrameSample();
        final List<PortRule> portRules = new ArrayList<>();

        Watched(NftHookedChain chain, String notReplayed) {
            this.chain = chain;
            this.notReplayed = notReplayed;
            this.hook = hookOf(chain);
        }
    }

    /** A decisive rule naming one destination port (and, for tcp/udp/sctp, one protocol), with the frames to it. */
    static final class PortRule {
        final NftRule rule;
        final int protocol;
        final int port;
        final FrameSample frames = new FrameSample();

        PortRule(NftRule rule, int protocol, int port) {
            this.rule = rule;
            this.protocol = protocol;
            this.port = port;
        }
    }

    final List<Watched> watched = new ArrayList<>();

    /** The native base chains of {@code ruleset} that {@code replay} (the bundle's decision) does not replay. */
    NativeChainTracker(Optional<NftRuleset> ruleset, NftNativeReplay replay) {
        for (NftHookedChain c : ruleset.map(NftRuleset::nativeBaseChains).orElse(List.of())) {
            if (replay.replays(c)) {
                continue;
            }
            Watched w = new Watched(c, replay.refusal(c.qualifiedName()).orElse("not in the replayed subset"));
            for (NftRule r : c.decisiveRules()) {
                Matcher m = NAMED_PORT.matcher(r.text());
                if (m.find()) {
                    int port = Integer.parseInt(m.group(2));
                    int protocol = switch (m.group(1)) {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        case "sctp" -> 132;
                        default -> -1;
                    };
                    if (port <= 65535 && !m.find()) {
                        w.portRules.add(new PortRule(r, protocol, port));
                    }
                }
            }
            watched.add(w);
        }
    }

    boolean active() {
        return !watched.isEmpty();
    }

    void accept(PacketTrace t) {
        if (watched.isEmpty() || (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT)) {
            return;
        }
        int family = t.datagram().family();
        for (int i = 0; i < t.path().size(); i++) {
            TraceStep s = t.path().get(i);
            if (s instanceof HookStep h) {
                for (Watched w : watched) {
                    if (sees(w, h.hook(), family, t)) {
                        w.frames.add(t.packet().frame());
                        ports(w, h.hook(), t);
                    }
                }
            }
        }
    }

    static boolean sees(Watched w, Hook hook, int family, PacketTrace t) {
        NftFamily f = w.chain.table().family();
        boolean familyFits = f == NftFamily.INET || f == NftFamily.IP && family == 4 || f == NftFamily.IP6 && family == 6
                || f == NftFamily.NETDEV;
        if (!familyFits || w.hook.isEmpty() || w.hook.get() != hook) {
            return false;
        }
        return f != NftFamily.NETDEV || w.chain.base().device().map(d -> d.equals(t.packet().iface())
                || (',' + d + ',').contains(',' + t.packet().iface() + ',')).orElse(true);
    }

    private static void ports(Watched w, Hook hook, PacketTrace t) {
        for (PortRule r : w.portRules) {
            if (names(r, w, hook, t)) {
                r.frames.add(t.packet().frame());
            }
        }
    }

    /**
     * True when the rule names the port the packet had when the chain saw it: after DNAT, unless the chain runs in
     * prerouting or output at a priority up to dstnat's (-100), before nat.
     */
    static boolean names(PortRule r, Watched w, Hook hook, PacketTrace t) {
        int priority = w.chain.base().priority().orElse(0);
        boolean beforeDnat = (hook == Hook.PREROUTING || hook == Hook.OUTPUT) && priority <= -100;
        int proto = t.datagram().proto();
        int port = !beforeDnat && t.nat().isPresent() ? t.nat().get().after().dport() : t.datagram().dport();
        return r.port == port && (r.protocol < 0 ? proto == 6 || proto == 17 || proto == 132 : r.protocol == proto);
    }

    /**
     * The IP hook a chain sees replayed frames at: its own hook for the ip, ip6 and inet families, PREROUTING for a
     * netdev ingress chain (it runs just before); none for bridge, arp and netdev egress chains, which see no routed
     * frame of the replay.
     */
    static Optional<Hook> hookOf(NftHookedChain c) {
        NftFamily f = c.table().family();
        String hook = c.base().hook();
        if (f == NftFamily.NETDEV) {
            return hook.equals("ingress") ? Optional.of(Hook.PREROUTING) : Optional.empty();
        }
        if (f == NftFamily.BRIDGE || f == NftFamily.ARP) {
            return Optional.empty();
        }
        if (f == NftFamily.INET && hook.equals("ingress")) {
            return Optional.of(Hook.PREROUTING);
        }
        try {
            return Optional.of(Hook.valueOf(hook.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
