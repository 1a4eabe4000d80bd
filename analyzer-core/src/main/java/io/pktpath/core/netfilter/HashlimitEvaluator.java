package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.HashlimitMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.net.Digits;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code -m hashlimit}: one token bucket per key (the {@code --hashlimit-mode} fields, addresses masked) in the table
 * named {@code --hashlimit-name}; {@code --hashlimit-upto} matches within the rate, {@code --hashlimit-above} over it.
 * A bucket idle for {@code --hashlimit-htable-expire} is dropped and starts full again; iptables sets that, when the rule
 * does not give it, to the rate's unit (1 s for /sec, 60 s for /min: iptables-save then leaves it out). Byte rates go
 * to the oracle.
 */
final class HashlimitEvaluator implements MatchEvaluator {
    private final String name;
    private final boolean above;
    private final long cost;
    private final long capacity;
    private final long expireNanos;
    private final List<String> mode;
    private final int srcMask;
    private final int dstMask;
    private final String text;
    private final String unsupported;

    HashlimitEvaluator(HashlimitMatch m) {
        this.text = Describe.module(m);
        this.name = m.name().map(n -> n.value().text()).orElse("");
        this.above = m.above().isPresent();
        String rate = (above ? m.above() : m.upto()).map(Negatable::value).map(OptionValue.Text::text).orElse("");
        int slash = rate.indexOf('/');
        String count = slash < 0 ? "" : rate.substring(0, slash);
        OptionalLong unit = slash < 0 ? OptionalLong.empty() : Rates.unitNanos(rate.substring(slash + 1));
        boolean packets = !count.isEmpty() && Digits.only(count) && unit.isPresent();
        this.unsupported = packets ? "" : "cannot be evaluated offline: hashlimit rate " + rate;
        this.cost = packets ? Rates.cost(Long.parseLong(count), unit.getAsLong()) : 1;
        long burst = m.burst().map(b -> b.value().value()).orElse(5L);
        this.capacity = cost * Math.max(1, burst);
        long expireMs = m.option("--hashlimit-htable-expire").map(o -> o.value())
                .filter(OptionValue.Number.class::isInstance).map(v -> ((OptionValue.Number) v).value())
                .orElse(unit.isPresent() ? unit.getAsLong() / 1_000_000L : 10_000L);
        this.expireNanos = expireMs * 1_000_000L;
        this.mode = m.mode().map(w -> w.value().words()).orElse(List.of());
        this.srcMask = (int) m.sourceMask().map(v -> v.value().value()).orElse(-1L).longValue();
        this.dstMask = (int) m.destinationMask().map(v -> v.value().value()).orElse(-1L).longValue();
    }

    private String key(Evaluation e) {
        return "hashlimit " + name + " " + e.packet.family() + fields(e);
    }

    /** The packet's values of the {@code --hashlimit-mode} fields, each after a space. */
    private String fields(Evaluation e) {
        StringBuilder sb = new StringBuilder();
        for (String field : mode) {
            switch (field) {
                case "srcip" -> sb.append(" src ").append(Prefixes.masked(e.packet.src(), srcMask));
                case "dstip" -> sb.append(" dst ").append(Prefixes.masked(e.packet.dst(), dstMask));
                case "srcport" -> sb.append(" sport ").append(e.packet.hasPorts() ? e.packet.sport() : 0);
                case "dstport" -> sb.append(" dport ").append(e.packet.hasPorts() ? e.packet.dport() : 0);
                default -> sb.append(' ').append(field);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean test(Evaluation e) {
        if (!unsupported.isEmpty()) {
            return e.chooseUnknown(unsupported);
        }
        String key = key(e);
        var before = e.state().bucket(key);
        if (before.isEmpty()) {
            String of = fields(e);
            e.note("hashlimit bucket " + name + " of " + e.rule.label() + (of.isEmpty() ? "" : " for" + of)
                    + " assumed full at capture start");
        }
        boolean paid = StateUpdate.BucketTake.evaluate(before, e.packet.timeNanos(), cost, capacity,
                expireNanos).paid();
        e.state().record(new StateUpdate.BucketTake(key, e.packet.timeNanos(), cost, capacity, expireNanos));
        return paid != above;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (!unsupported.isEmpty()) {
            return new Mismatch(text, "oracle chose no match");
        }
        return new Mismatch(text, (above ? "within the rate" : "over the rate") + " for " + key(e).substring(10));
    }
}
