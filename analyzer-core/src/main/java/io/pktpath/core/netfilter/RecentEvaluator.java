package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.RecentMatch;
import io.pktpath.parser.net.IpAddress;
import java.util.Optional;

/**
 * {@code -m recent} as the kernel's {@code recent_mt}: lists of (masked) source or destination addresses with hit
 * times; {@code --set} records and matches, {@code --remove} matches and forgets, {@code --rcheck/--update} match when
 * enough hits fall within {@code --seconds} ({@code --update} then records one more, {@code --reap} forgets old ones).
 */
final class RecentEvaluator implements MatchEvaluator {
    private final String list;
    private final boolean set;
    private final boolean remove;
    private final boolean update;
    private final boolean invert;
    private final boolean reap;
    private final boolean rttl;
    private final boolean dest;
    private final long secondsNanos;
    private final long hitcount;
    private final Optional<IpAddress> mask;
    private final int ruleStamps;
    private final String text;

    RecentEvaluator(RecentMatch m) {
        this.text = Describe.module(m);
        this.list = m.name().map(n -> n.value().text()).orElse("DEFAULT");
        this.set = m.set();
        this.remove = m.remove();
        this.update = m.update();
        this.invert = command(m).map(MatchOption::negated).orElse(false);
        this.reap = m.reap();
        this.rttl = m.rttl();
        this.dest = m.rdest();
        this.secondsNanos = m.seconds().map(s -> s.value().value()).orElse(0L) * 1_000_000_000L;
        this.hitcount = m.hitcount().map(h -> h.value().value()).orElse(0L);
        this.mask = m.mask().map(v -> v.value().address());
        this.ruleStamps = RecentLimits.stamps(hitcount);
    }

    private static Optional<MatchOption> command(RecentMatch m) {
        for (String name : new String[] {"--set", "--rcheck", "--update", "--remove"}) {
            Optional<MatchOption> o = m.option(name);
            if (o.isPresent()) {
                return o;
            }
        }
        return Optional.empty();
    }

    private IpAddress address(Evaluation e) {
        IpAddress a = dest ? e.packet.dst() : e.packet.src();
        if (mask.isEmpty() || mask.get().family() != a.family()) {
            return a;
        }
        return new IpAddress(a.family(), a.hi() & mask.get().hi(), a.lo() & mask.get().lo());
    }

    private Optional<RecentEntry> entry(Evaluation e, IpAddress a) {
        Optional<RecentEntry> found = e.state().recent(list, a);
        int ttl = e.packet.ttl();
        if (rttl && found.isPresent() && found.get().ttl() != 0 && ttl != 0 && found.get().ttl() != ttl) {
            return Optional.empty();
        }
        return found;
    }

    private long hitsWithin(RecentEntry entry, long now) {
        long since = now - secondsNanos;
        return entry.stamps().stream().filter(s -> secondsNanos == 0 || s >= since).count();
    }

    @Override
    public boolean test(Evaluation e) {
        IpAddress a = address(e);
        long now = e.packet.timeNanos();
        Optional<RecentEntry> found = entry(e, a);
        boolean ret = invert;
        if (found.isEmpty()) {
            if (!set) {
                e.note("recent list " + list + ": no earlier hit of " + a + " in this replay (list contents at capture start unknown)");
                return ret;
            }
            String evicted = evicted(e);
            e.state().record(new StateUpdate.RecentStamp(list, a, now, e.packet.ttl(), ruleStamps));
            e.matchEffect("recent " + list + ": " + a + " added (1 hit)" + evicted);
            return !ret;
        }
        String effect;
        int held = found.get().stamps().size();
        if (set) {
            ret = !ret;
            int keep = Math.max(1, Math.max(ruleStamps, e.state().recentStampLimit(list)));
            effect = "recent " + list + ": " + a + " recorded again (" + hitsText(Math.min(held + 1, keep)) + ")";
        } else if (remove) {
            e.state().record(new StateUpdate.RecentRemove(list, a));
            ret = !ret;
            effect = "recent " + list + ": " + a + " removed";
        } else {
            long hits = hitsWithin(found.get(), now);
            if (hits > 0 && hits >= Math.max(1, hitcount)) {
                ret = !ret;
            }
            String reaped = "";
            if (reap && secondsNanos > 0) {
                StateUpdate.RecentReap r = new StateUpdate.RecentReap(list, a, update && ret, now - secondsNanos);
                Optional<IpAddress> victim = r.victim(e.state().recentList(list));
                e.state().record(r);
                reaped = victim.map(v -> "; reaped " + v + " (its last hit over " + secondsNanos / 1_000_000_000L
                        + " s before)").orElse("");
            }
            effect = "recent " + list + ": " + a + " has " + hitsText(hits)
                    + (secondsNanos > 0 ? " in the last " + secondsNanos / 1_000_000_000L + " s" : "")
                    + (held == 0 ? "" : ", the last " + secondsText(now - found.get().stamps().get(held - 1)) + " before")
                    + (update && ret ? "; recorded again" : "") + reaped;
        }
        if (set || update && ret) {
            e.state().record(new StateUpdate.RecentStamp(list, a, now, e.packet.ttl(), ruleStamps));
        }
        e.matchEffect(effect);
        return ret;
    }

    /** What adding a new address drops first: the least recently hit one when the list is full. */
    private String evicted(Evaluation e) {
        java.util.Map<IpAddress, RecentEntry> all = e.state().recentList(list);
        if (all.size() < RecentLimits.ADDRESSES_PER_LIST) {
            return "";
        }
        return StateUpdate.leastRecent(all).map(old -> "; the list held " + RecentLimits.ADDRESSES_PER_LIST
                + " addresses: " + old + ", the least recently hit, was dropped").orElse("");
    }

    private static String hitsText(long n) {
        return n == 1 ? "1 hit" : n + " hits";
    }

    /** A duration in seconds with millisecond precision, as {@code 0.996 s}. */
    private static String secondsText(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    @Override
    public Mismatch explain(Evaluation e) {
        IpAddress a = address(e);
        Optional<RecentEntry> found = entry(e, a);
        if (found.isEmpty()) {
            return new Mismatch(text, a + " not in list " + list);
        }
        return new Mismatch(text, a + " has " + hitsWithin(found.get(), e.packet.timeNanos()) + " hits"
                + (secondsNanos > 0 ? " in the last " + secondsNanos / 1_000_000_000L + " s" : "")
                + (hitcount > 0 ? " (needs " + hitcount + ")" : ""));
    }
}
