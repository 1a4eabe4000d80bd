package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.IpAddress;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code ip -j neigh} JSON into the same {@link Neighbor} model as {@link IpNeighParser}: {@code dst},
 * {@code dev}, {@code lladdr}, {@code router}/{@code proxy} (printed as {@code null} when set) and the {@code state} list.
 */
public final class IpNeighJsonParser {
    private IpNeighJsonParser() {
    }

    public static Parsed<List<Neighbor>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        List<Neighbor> out = new ArrayList<>();
        for (JsonValue.JsonObject o : JsonInput.objects(fileName, text, diags)) {
            try {
                out.add(neighbor(o, fileName));
            } catch (InvalidValueException e) {
                diags.error("bad-neighbor", e.getMessage(), e.expected(), JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            } catch (IllegalArgumentException e) {
                diags.error("bad-neighbor", e.getMessage(), "values as ip -j prints them", JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static Neighbor neighbor(JsonValue.JsonObject o, String fileName) throws InvalidValueException {
        IpAddress dst = IpAddress.parse(o.string("dst").orElseThrow(
                () -> new InvalidValueException("neighbor without 'dst'", "a \"dst\" member")));
        String dev = o.string("dev").orElseThrow(() -> new InvalidValueException("neighbor without 'dev'",
                "a \"dev\" member"));
        Set<NeighborState> states = EnumSet.noneOf(NeighborState.class);
        for (String s : JsonInput.strings(o, "state")) {
            try {
                states.add(NeighborState.valueOf(s));
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException("unknown neighbor state '" + s + "'",
                        "a state such as REACHABLE, STALE, FAILED");
            }
        }
        Optional<String> lladdr = o.string("lladdr").map(s -> s.toLowerCase(Locale.ROOT));
        return new Neighbor(dst, dev, lladdr, o.get("router").isPresent(), o.get("proxy").isPresent(), states,
                JsonInput.span(fileName, o), "");
    }
}
