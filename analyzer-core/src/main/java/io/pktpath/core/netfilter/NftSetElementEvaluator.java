package io.pktpath.core.netfilter;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.ipset.SetProbe;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set statement or meter with a stateful expression per element, as nft_dynset evaluates it: the packet's element
 * (its source or destination address, with its ports in a concatenation) is looked up in the set's one store, shared by
 * every statement that names the set; absent (never added, deleted or expired) it is created with a fresh copy of this
 * statement's expression (a full limit, an unused quota, an empty ct count list: nft_limit_clone, nft_quota_clone,
 * nft_connlimit_clone; none for a statement without one), unless the set already holds {@code size} elements, when the
 * statement ends the rule as a mismatch (nft_dynset_new fails, nft_dynset_eval breaks: neither the rule's counter nor
 * its verdict is taken, checks/nft-set-full.sh), with a note naming the set and its size; {@code update} sets an existing
 * element's expiry anew; then the expression the element was created with, whichever statement created it, is
 * evaluated and the match is whether it lets the packet through (an element without one always does). The set's
 * elements at capture start are unknown (the listing is taken after): it starts empty, as a note says. An expired
 * element keeps its place toward {@code size} until the set's garbage collection, at its first pass after the expiry
 * (every gc-interval, at times the capture does not show): it is taken as collected half an interval after its expiry,
 * and a note says so on each packet whose outcome that decides.
 */
final class NftSetElementEvaluator implements MatchEvaluator {
    private static final long NANOS = 1_000_000_000L;

    private final NftSetElementMatch element;
    private final Map<Match, KeyedExpression> expressions = new ConcurrentHashMap<>();

    NftSetElementEvaluator(NftSetElementMatch element) {
        this.element = element;
    }

    private KeyedExpression evaluator(Match m) {
        return expressions.computeIfAbsent(m, x -> x instanceof NftLimitMatch l ? new NftLimitEvaluator(l)
                : x instanceof NftQuotaMatch q ? new NftQuotaEvaluator(q) : new ConnlimitEvaluator((NftCountMatch) x));
    }

    private static String kind(Match m) {
        return m instanceof NftLimitMatch ? "limit" : m instanceof NftQuotaMatch ? "quota" : "ct count";
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

    /** The key of the element's current generation: its expression's creator and state are kept under it. */
    private String elementKey(Evaluation e, String a) {
        return generationKey(a) + " #" + e.state().nthCount(generationKey(a)).orElse(0);
    }

    private String expressionKey(Evaluation e, String a) {
        return "nft element expression " + elementKey(e, a).substring("nft element ".length());
    }

    private boolean live(Evaluation e) {
        return e.state().ipsetMember(member(e)).map(m -> m.liveAt(e.packet.timeNanos())).orElse(false);
    }

    /** Who creates an element with this statement: its rule and the statement's words. */
    private String creator(Evaluation e) {
        return e.rule.label() + " ('" + element.text() + "')";
    }

    /**
     * The set's elements at {@code now}: {@code live} ones, those expired less than a gc-interval ago (which the
     * kernel may not have collected yet) and, of these, those expired less than half an interval ago (taken as not
     * collected yet).
     */
    private record Occupancy(int live, int uncollected, int assumed) {
    }

    private Occupancy occupancy(Evaluation e, long now) {
        long gc = element.gcIntervalSeconds() * NANOS;
        int live = 0;
        int uncollected = 0;
        int assumed = 0;
        for (IpsetMember m : e.state().membersOf(element.set())) {
            if (m.liveAt(now)) {
                live++;
            } else if (m.added() && now - m.expiresNanos() < gc) {
                uncollected++;
                if (now - m.expiresNanos() < gc / 2) {
                    assumed++;
                }
            }
        }
        return new Occupancy(live, uncollected, assumed);
    }

    private boolean full(Occupancy o) {
        return element.size() > 0 && o.live() + o.assumed() >= element.size();
    }

    /** A note when the set is full or not only by the expired elements the kernel may not have collected yet. */
    private void noteCollection(Evaluation e, String a, Occupancy o) {
        if (element.size() == 0 || o.live() >= element.size() || o.live() + o.uncollected() < element.size()) {
            return;
        }
        String held = element.shown() + " holds " + o.live() + " live element(s) of its size " + element.size() + " and "
                + o.uncollected() + " expired less than its gc-interval (" + element.gcIntervalSeconds() + " s) ago, which"
                + " the kernel counts until its garbage collection (at its first pass after the expiry, at a time the"
                + " capture does not show): ";
        e.note(held + (full(o)
                ? "taken as not collected yet (expired less than half the interval ago), so no element for " + a
                + " is created and the statement ends the rule; had the collection run, the element would have been"
                + " created"
                : "taken as collected (expired more than half the interval ago), so the element " + a + " is created;"
                + " had the collection not run yet, the set was full and the statement would have ended the rule"));
    }

    @Override
    public boolean test(Evaluation e) {
        String a = value(e);
        if (a == null) {
            return false;
        }
        long now = e.packet.timeNanos();
        long expires = element.timeoutSeconds() > 0 ? now + element.timeoutSeconds() * NANOS : Long.MAX_VALUE;
        NftElementExpression own = new NftElementExpression(element.stateful(), creator(e));
        boolean created = !live(e);
        boolean refreshed = false;
        if (created) {
            if (element.size() > 0) {
                Occupancy o = occupancy(e, now);
                noteCollection(e, a, o);
                if (o.live() >= element.size()) {
                    e.note(element.shown() + " is full (" + o.live() + " live element(s), its size " + element.size()
                            + "): no element for " + a + " is created, so '" + element.text() + "' ends "
                            + e.rule.label() + " there (nft_dynset's insert fails: neither the rest of the rule, its"
                            + " counter or verdict, is taken)");
                }
                if (full(o)) {
                    return false;
                }
            }
            if (e.state().nthCount(generationKey(a)).isEmpty()) {
                e.note(element.shown() + ": the element " + a + " is created in the replay (the set's elements at"
                        + " capture start are unknown, the listing being taken after the traffic: it starts empty)");
            }
            e.state().record(new StateUpdate.NthAdvance(generationKey(a)));
            e.state().record(new StateUpdate.IpsetAdd(member(e), expires));
            e.state().record(new StateUpdate.NftElementCreated(elementKey(e, a), own));
        } else if (element.update() && element.timeoutSeconds() > 0) {
            e.state().record(new StateUpdate.IpsetAdd(member(e), expires));
            refreshed = true;
        }
        // the element's expression is its creator's: this statement's when it was just created
        NftElementExpression its = e.state().nftElement(elementKey(e, a)).orElse(own);
        boolean other = !its.creator().equals(own.creator());
        String what = created ? "created the element " + a + element.stateful().map(m -> " with a fresh " + kind(m))
                .orElse(" without an expression")
                : "the element " + a + (other ? " (created by " + its.creator() + its.expression().map(m -> " with its "
                + kind(m)).orElse(" without an expression") + ")" : "") + (refreshed ? " (timeout refreshed)" : "");
        boolean matched = its.expression().isEmpty() || evaluator(its.expression().get()).evaluate(e,
                expressionKey(e, a));
        if (matched) {
            String expiry = "";
            if (element.timeoutSeconds() > 0 && (!other || created || element.update())) {
                expiry = ", expires " + element.timeoutSeconds() + " s after " + (created || element.update()
                        ? "this packet" : "it was created");
            } else if (other) {
                long left = e.state().ipsetMember(member(e)).map(IpsetMember::expiresNanos).orElse(Long.MAX_VALUE);
                expiry = left == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, ", expires %.2f s after this packet",
                        (left - now) / 1e9);
            }
            String goesOn = created && element.stateful().isEmpty() ? ": the statement goes on"
                    : ", which has no expression: the statement goes on";
            e.matchEffect(element.shown() + ": " + what + (its.expression().isEmpty() ? goesOn : "") + expiry);
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
            Occupancy o = occupancy(e, e.packet.timeNanos());
            return new Mismatch(element.text(), element.shown() + " is full (its size " + element.size() + " reached"
                    + (o.assumed() > 0 ? ", counting " + o.assumed() + " expired element(s) taken as not collected yet"
                    : "") + "): no element for " + a + " can be created, so the statement ends the rule");
        }
        NftElementExpression its = e.state().nftElement(elementKey(e, a))
                .orElse(new NftElementExpression(element.stateful(), creator(e)));
        // an element without an expression always matches: test() never fails on it
        Match m = its.expression().orElseThrow();
        Mismatch why = evaluator(m).explain(e, expressionKey(e, a));
        String by = its.creator().equals(creator(e)) ? "" : " (created by " + its.creator() + " with its " + kind(m) + ")";
        return new Mismatch(element.text(), "the element " + a + " of " + element.shown() + by + ": "
                + why.failedMatch() + ": " + why.packetValue());
    }
}
