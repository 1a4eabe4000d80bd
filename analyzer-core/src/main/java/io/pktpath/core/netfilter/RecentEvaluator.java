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
            e.state().record(new StateUpdate.RecentStamp(list, a, now, e.packet.ttl()));
            e.matchEffect("recent " + list + ": " + a + " added (1 hit)");
            return !ret;
        }
        String effect;
        int held = found.get().stamps().size();
        if (set) {
            ret = !ret;
            effect = "recent " + list + ": " + a + " recorded again (" + hitsText(Math.min(held + 1, RecentEntry.MAX_STAMPS)) + ")";
        } else if (remove) {
            e.state().record(new StateUpdate.RecentRemove(list, a));
            ret = !ret;
            effect = "recent " + list + ": " + a + " removed";
        } else {
            long hits = hitsWithin(found.get(), now);
            if (hits > 0 && hits >= Math.max(1, hitcount)) {
                ret = !ret;
            }
            if (reap && secondsNanos > 0) {
                e.state().record(new StateUpdate.RecentReap(list, a, now - secondsNanos));
            }
            effect = "recent " + list + ": " + a + " has " + hitsText(hits)
                    + (secondsNanos > 0 ? " in the last " + secondsNanos / 1_000_000_000L + " s" : "")
                    + (held == 0 ? "" : ", the last " + secondsText(now - found.get().stamps().get(held - 1)) + " before")
                    + (update && ret ? "; recorded again" : "");
        }
        if (set || update && ret) {
            e.state().record(new StateUpdate.RecentStamp(list, a, now, e.packet.ttl()));
        }
        e.matchEffect(effect);
        return ret;
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
