package io.pktpath.parser.iptables.match;

import java.util.List;
import java.util.Objects;

/**
 * One element's share of nft's {@code numgen random mod N} verdict map, as the translation writes it: the
 * {@code statistic} match the replay draws with ({@code -m statistic --mode random --probability 0.50000000000}), and
 * how nft names the draw ({@code numgen random mod 2}), the element it picks ({@code numgen 0 -> goto endpoint-a}) and
 * what is left when it does not ({@code numgen != 0}). iptables-save input never gives one; equal when the draw and
 * its names are.
 */
public record NumgenMatch(StatisticMatch statistic, String draw, String picked, String notPicked)
        implements ModuleMatch {
    public NumgenMatch {
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(draw, "draw");
        Objects.requireNonNull(picked, "picked");
        Objects.requireNonNull(notPicked, "notPicked");
    }

    /** {@code statistic}: the kernel module the iptables form of the draw loads. */
    @Override
    public String module() {
        return statistic.module();
    }

    @Override
    public List<MatchOption> options() {
        return statistic.options();
    }

    @Override
    public boolean implicit() {
        return statistic.implicit();
    }
}
