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
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.linklayer.LinkLayerTool;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For each native nftables base chain of the bundle ({@link NftRuleset#nativeBaseChains}, and iptables-nft's own of a
 * family replayed from the listing: {@link NftNativeReplay#considered()}) that pktpath does not replay
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
        /** For a bridge or arp family chain, which captured frames cross its hook; {@link LinkSide#NONE} otherwise. */
        final LinkSide side;

        Watched(NftHookedChain chain, String notReplayed) {
            this.chain = chain;
            this.notReplayed = notReplayed;
            this.hook = hookOf(chain);
            this.side = LinkSide.of(chain);
        }
    }

    /**
     * The captured frames a bridge or arp family chain sees, by where the capture shows them: a bridge chain at
     * prerouting or input the frames arriving on a bridge port, at output or postrouting those leaving through one, at
     * forward both; an arp chain at input the ARP packets the node received (not on a bridge port), at output those it
     * sent.
     */
    enum LinkSide {
        NONE, ARRIVING, LEAVING, BOTH, ARP_IN, ARP_OUT;

        static LinkSide of(NftHookedChain c) {
            String hook = c.base().hook();
            if (c.table().family() == NftFamily.BRIDGE) {
                return switch (hook) {
                    case "prerouting", "input" -> ARRIVING;
                    case "output", "postrouting" -> LEAVING;
                    case "forward" -> BOTH;
                    default -> NONE;
                };
            }
            if (c.table().family() == NftFamily.ARP) {
                return hook.equals("input") ? ARP_IN : hook.equals("output") ? ARP_OUT : NONE;
            }
            return NONE;
        }

        /** Whether a frame on {@code iface} ({@code bridged}: a bridge port) in direction {@code dir} crossed the hook. */
        boolean sees(boolean bridged, String dir, boolean arp) {
            return switch (this) {
                case NONE -> false;
                case ARRIVING -> bridged && dir.equals("in");
                case LEAVING -> bridged && dir.equals("out");
                case BOTH -> bridged && (dir.equals("in") || dir.equals("out"));
                case ARP_IN -> !bridged && arp && dir.equals("in");
                case ARP_OUT -> !bridged && arp && dir.equals("out");
            };
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
    /** The node's bridge ports, each with its bridge ({@code ip link}'s {@code master}). */
    private final Map<String, String> bridgeOfPort;
    private boolean linkLayer;

    /**
     * The native base chains of the bundle's nft ruleset that the bundle's replay decision does not replay; the tables
     * ebtables-nft and arptables-nft make ({@code bridge filter/nat/broute}, {@code arp filter}) are left to
     * EBTABLES_NOT_REPLAYED and ARPTABLES_NOT_REPLAYED when the bundle also holds those rules as their tools list them.
     */
    NativeChainTracker(Bundle bundle) {
        this(bundle.nftRuleset(), bundle.nftReplay(), bundle.linkLayer(LinkLayerTool.EBTABLES).isPresent(),
                bundle.linkLayer(LinkLayerTool.ARPTABLES).isPresent(), Bridges.byPort(Bridges.of(bundle)));
    }

    private NativeChainTracker(Optional<NftRuleset> ruleset, NftNativeReplay replay, boolean ebtables, boolean arptables,
                               Map<String, String> bridgeOfPort) {
        this.bridgeOfPort = bridgeOfPort;
        // with a family's iptables-nft tables replayed from the listing, those chains are watched too when refused
        List<NftHookedChain> chains = replay.iptablesFromListing().isEmpty()
                ? ruleset.map(NftRuleset::nativeBaseChains).orElse(List.of()) : replay.considered();
        for (NftHookedChain c : chains) {
            if (replay.replays(c) || ebtables && isToolTable(c, NftFamily.BRIDGE, "filter", "nat", "broute")
                    || arptables && isToolTable(c, NftFamily.ARP, "filter")) {
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
            linkLayer |= w.side != LinkSide.NONE;
        }
    }

    /** A table of {@code family} named as ebtables-nft or arptables-nft names its tables. */
    private static boolean isToolTable(NftHookedChain c, NftFamily family, String... names) {
        return c.table().family() == family && List.of(names).contains(c.table().name());
    }

    boolean active() {
        return !watched.isEmpty();
    }

    void accept(PacketTrace t) {
        if (watched.isEmpty()) {
            return;
        }
        if (linkLayer) {
            boolean bridged = bridgeOfPort.containsKey(t.packet().iface());
            boolean arp = Bridges.isArp(t.packet());
            for (Watched w : watched) {
                if (w.side.sees(bridged, t.packet().dir(), arp)) {
                    w.frames.add(t.packet().frame());
                }
            }
        }
        if (t.role() != FrameRole.INGRESS && t.role() != FrameRole.LOCAL_OUT) {
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
