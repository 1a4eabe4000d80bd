package io.pktpath.cli.filter;

import io.pktpath.cli.CliException;
import java.util.ArrayList;
import java.util.List;

/** The frame numbers {@code --frames} selects: {@code 7}, {@code 10-20}, {@code 30-} or a comma-separated list of them. */
public record FrameRanges(List<long[]> ranges) {
    public FrameRanges {
        ranges = List.copyOf(ranges);
    }

    public static FrameRanges parse(String text) throws CliException {
        List<long[]> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-');
                long from = Long.parseLong(dash < 0 ? p : p.substring(0, dash));
                long to = dash < 0 ? from : dash == p.length() - 1 ? Long.MAX_VALUE : Long.parseLong(p.substring(dash + 1));
                if (from < 1 || to < from) {
                    throw new NumberFormatException();
                }
                out.add(new long[] {from, to});
            } catch (NumberFormatException e) {
                throw CliException.usage("--frames " + text + ": '" + p + "' is not a frame range (expected N, N-M or"
                        + " N-, frames counted from 1, e.g. --frames 10-20,35)");
            }
        }
        return new FrameRanges(out);
    }

    public boolean contains(long frame) {
        return ranges.stream().anyMatch(r -> frame >= r[0] && frame <= r[1]);
    }

    /** The last frame selected (Long.MAX_VALUE when a range is open). */
    public long last() {
        return ranges.stream().mapToLong(r -> r[1]).max().orElse(Long.MAX_VALUE);
    }
}
