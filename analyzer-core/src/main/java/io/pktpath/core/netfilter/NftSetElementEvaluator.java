package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.ipset.SetProbe;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * A set statement or meter with a stateful expression per element, as nft_dynset evaluates it: the packet's element
 * (its source or destination address, with its ports in a concatenation) is looked up; absent (never added, deleted or expired) it is created with a
 * fresh copy of the expression (a full limit, an unused quota, an empty ct count list: nft_limit_clone,
 * nft_quota_clone, nft_connlimit_clone), unless the set already holds {@code size} elements, when the statement ends
 * the rule as a mismatch (nft_dynset_new fails, nft_dynset_eval breaks); {@code update} sets an existing element's
 * expiry anew; then the element's expression is evaluated and the match is whether it lets the packet through. The
 * set's elements at capture start are unknown (the listing is taken after): it starts empty, as a note says. An
 * expired element stops counting toward {@code size} at its expiry (the kernel counts it until its garbage
 * collection, within about a second).
 */
final class NftSetElementEvaluator implements MatchEvaluator {
    private static final long NANOS = 1_000_000_000L;

    private final NftSetElementMatch element;
    private final KeyedExpression expression;
    private final String kind;

    NftSetElementEvaluator(NftSetElementMatch element) {
        this.element = element;
        if (element.stateful() instanceof NftLimitMatch l) {
            expression = new NftLimitEvaluator(l);
            kind = "limit";
        } else if (element.stateful() instanceof NftQuotaMatch q) {
            expression = new NftQuotaEvaluator(q);
            kind = "quota";
        } else {
            expression = new ConnlimitEvaluator((NftCountMatch) element.stateful());
            kind = "ct count";
        }
    }

    /** The packet's element as nft prints it ({@code 10.0.0.1}, {@code 10.0.0.1 . 22}); null when it has none. */
    private String value(Evaluation e) {
        StringBuilder b = new StringBuilder();
        for (String part : element.key()) {
            String v = switch (part) {
                case "ip saddr", "ip6 saddr" -> e.packet.src().isV4() == (element.family() == IpFamily.V4)
                        ? e.packet.src().toString() : null;
                case "ip daddr", "ip6 daddr" -> e.packet.dst().isV4() == (element.family() == IpFamily.V4)
                        ? e.packet.dst().toString() : null;
                default -> e.packet.proto() == (part.startsWith("tcp") ? Packet.TCP : Packet.UDP)
                        ? Integer.toString(part.endsWith("sport") ? e.packet.sport() : e.packet.dport()) : null;
            };
            if (v == null) {
                return null;
            }
            b.append(b.length() == 0 ? "" : " . ").append(v);
        }
        return b.toString();
    }

    /** The element as a member of the set's ipset-like model (addresses and ports, as set look-ups probe them). */
    private IpsetKey member(Evaluation e) {
        List<SetProbe> probes = new ArrayList<>(element.key().size());
        for (String part : element.key()) {
            probes.add(switch (part) {
                case "ip saddr", "ip6 saddr" -> new SetProbe.Address(e.packet.src());
                case "ip daddr", "ip6 daddr" -> new SetProbe.Address(e.packet.dst());
                default -> new SetProbe.Port(e.packet.proto(), part.endsWith("sport") ? e.packet.sport()
                        : e.packet.dport());
            });
        }
        return new IpsetKey(element.set(), probes);
    }

    /** The key of the generation count of the element: a new element is a new generation with a fresh expression. */
    private String generationKey(String a) {
        return "nft element " + element.set() + " " + a;
    }

    private String expressionKey(Evaluation e, String a) {
        return RuleState.nftKey(kind, e.rule, element.text()) + " element " + a + " #"
                + e.state().nthCount(generationKey(a)).orElse(0);
    }

    private boolean live(Evaluation e) {
        return e.state().ipsetMember(member(e)).map(m -> m.liveAt(e.packet.timeNanos())).orElse(false);
    }

    @Override
    public boolean test(Evaluation e) {
        String a = value(e);
        if (a == null) {
            return false;
        }
        long now = e.packet.timeNanos();
        long expires = element.timeoutSeconds() > 0 ? now + element.timeoutSeconds() * NANOS : Long.MAX_VALUE;
        String what;
        if (!live(e)) {
            if (element.size() > 0 && e.state().liveIpsetMembers(element.set(), now) >= element.size()) {
                return false;
            }
            if (e.state().nthCount(generationKey(a)).isEmpty()) {
                e.note(element.shown() + ": the element " + a + " is created in the replay (the set's elements at"
                        + " capture start are unknown, the listing being taken after the traffic: it starts empty)");
            }
            e.state().record(new StateUpdate.NthAdvance(generationKey(a)));
            e.state().record(new StateUpdate.IpsetAdd(member(e), expires));
            what = "created the element " + a + " with a fresh " + kind;
        } else if (element.update() && element.timeoutSeconds() > 0) {
            e.state().record(new StateUpdate.IpsetAdd(member(e), expires));
            what = "the element " + a + " (timeout refreshed)";
        } else {
            what = "the element " + a;
        }
        boolean matched = expression.evaluate(e, expressionKey(e, a));
        if (matched) {
            e.matchEffect(element.shown() + ": " + what + (element.timeoutSeconds() > 0 ? ", expires "
                    + element.timeoutSeconds() + " s after " + (what.startsWith("created") || element.update()
                    ? "this packet" : "it was created") : ""));
        }
        return matched;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        String a = value(e);
        if (a == null) {
            return new Mismatch(element.text(), "the packet has no " + element.keyText());
        }
        if (!live(e)) {
            return new Mismatch(element.text(), element.shown() + " is full (its size " + element.size()
                    + " reached): no element for " + a + " can be created, so the statement ends the rule");
        }
        Mismatch m = expression.explain(e, expressionKey(e, a));
        return new Mismatch(element.text(), "the element " + a + " of " + element.shown() + ": " + m.failedMatch()
                + ": " + m.packetValue());
    }
}
