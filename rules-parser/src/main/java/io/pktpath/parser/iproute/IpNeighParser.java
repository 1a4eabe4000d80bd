package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.IpAddress;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code ip [-s] neigh [show]} text output (ip-neighbour(8)): {@code ADDR dev IFACE [lladdr MAC] [router]
 * [proxy] [ref N used A/B/C probes N] STATE...} (with {@code -s -s}, as an sosreport runs it, iproute2 writes
 * {@code used A/B/Cprobes N}); a bad line becomes one diagnostic and is skipped.
 */
public final class IpNeighParser {
    private static final Set<String> IGNORED_WITH_VALUE = Set.of("ref", "used", "probes", "protocol", "nud", "vni",
            "port", "src_vni");
    private static final Set<String> IGNORED_FLAGS = Set.of("extern_learn", "offload", "managed", "sticky", "self",
            "master", "permanent");

    private IpNeighParser() {
    }

    public static Parsed<List<Neighbor>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        List<Neighbor> out = new ArrayList<>();
        for (ListingLine l : ListingLine.of(fileName, text)) {
            try {
                out.add(read(l.cursor(), l.span(), l.line().strip()));
            } catch (LineError e) {
                l.report(e, diags);
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static Neighbor read(TokenCursor c, SourceSpan span, String text) throws LineError {
        IpAddress address = TokenCursor.address(c.next());
        Optional<String> dev = Optional.empty();
        Optional<String> lladdr = Optional.empty();
        boolean router = false;
        boolean proxy = false;
        Set<NeighborState> states = EnumSet.noneOf(NeighborState.class);
        while (c.hasNext()) {
            Token t = c.next();
            String k = t.text();
            switch (k) {
                case "dev" -> dev = Optional.of(c.value(t, "an interface name").text());
                case "lladdr" -> lladdr = Optional.of(c.value(t, "a link-layer address").text().toLowerCase(java.util.Locale.ROOT));
                case "router" -> router = true;
                case "proxy" -> proxy = true;
                default -> {
                    if (IGNORED_WITH_VALUE.contains(k)) {
                        Token v = c.value(t, "a value for " + k);
                        if (k.equals("used") && v.text().endsWith("probes")) {
                            // iproute2 prints -s -s statistics as "used 0/0/0probes 4": no space before probes
                            c.value(v, "the number of probes");
                        }
                    } else if (!IGNORED_FLAGS.contains(k)) {
                        states.add(state(t));
                    }
                }
            }
        }
        if (dev.isEmpty()) {
            throw new LineError("missing-value", "neighbor without 'dev'", "ADDR dev IFACE ...", text.length() + 1);
        }
        return new Neighbor(address, dev.get(), lladdr, router, proxy, states, span, text);
    }

    private static NeighborState state(Token t) throws LineError {
        try {
            return NeighborState.valueOf(t.text());
        } catch (IllegalArgumentException e) {
            throw new LineError("unknown-keyword", "unknown neighbor keyword or state '" + t.text() + "'",
                    "dev, lladdr, router, proxy or a state such as REACHABLE, STALE, FAILED", t.column());
        }
    }
}
