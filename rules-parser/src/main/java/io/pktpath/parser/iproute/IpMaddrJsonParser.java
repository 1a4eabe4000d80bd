package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code ip -j [-4|-6] [-o] maddr [show [dev IFACE]]} JSON into the same {@link MulticastGroups} model as
 * {@link IpMaddrParser}: per interface {@code ifindex}, {@code ifname} and a {@code maddr} array of
 * {@code {"link": MAC}} and {@code {"family": "inet"|"inet6", "address": GROUP}} entries, each with {@code users}
 * when not 1 and {@code "features": "static"} for an address added with {@code ip maddr add}; entries of other
 * families are skipped. With {@code -o} every entry is an object of its own, so objects with the same index are merged.
 * A group's text is the line iproute2 prints for it; a bad interface or entry becomes one diagnostic and is skipped.
 */
public final class IpMaddrJsonParser {
    private IpMaddrJsonParser() {
    }

    public static Parsed<List<MulticastGroups>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        Map<Integer, Listing> byIndex = new LinkedHashMap<>();
        for (JsonValue.JsonObject o : JsonInput.objects(fileName, text, diags)) {
            Optional<Long> index = o.number("ifindex").filter(i -> i >= 0 && i <= Integer.MAX_VALUE);
            Optional<String> name = o.string("ifname").filter(n -> !n.isEmpty());
            if (index.isEmpty() || name.isEmpty()) {
                diags.error("bad-header", "interface without " + (index.isEmpty() ? "a numeric 'ifindex'" : "an 'ifname'"),
                        "{\"ifindex\": N, \"ifname\": NAME, \"maddr\": [...]}", JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
                continue;
            }
            Listing l = byIndex.computeIfAbsent(index.get().intValue(), i -> new Listing(i, name.get(), o));
            for (JsonValue e : o.array("maddr")) {
                try {
                    entry(e, l, fileName);
                } catch (InvalidValueException ex) {
                    diags.error("bad-address", ex.getMessage(), ex.expected(), JsonInput.span(fileName, e),
                            JsonInput.lineAt(text, e.line()));
                }
            }
        }
        List<MulticastGroups> out = new ArrayList<>();
        byIndex.values().forEach(l -> out.add(new MulticastGroups(l.index, l.dev, l.links, l.groups,
                JsonInput.span(fileName, l.object))));
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static void entry(JsonValue v, Listing l, String fileName) throws InvalidValueException {
        if (!(v instanceof JsonValue.JsonObject e)) {
            throw new InvalidValueException("maddr entry is not an object", "{\"link\": MAC} or {\"family\": \"inet\","
                    + " \"address\": GROUP}");
        }
        if (e.string("link").isPresent()) {
            l.links.add(e.string("link").get().toLowerCase(Locale.ROOT));
            return;
        }
        Optional<String> family = e.string("family");
        if (family.isEmpty()) {
            throw new InvalidValueException("maddr entry with neither 'link' nor 'family'", "{\"link\": MAC} or"
                    + " {\"family\": \"inet\", \"address\": GROUP}");
        }
        if (!family.get().equals("inet") && !family.get().equals("inet6")) {
            return;
        }
        IpFamily expected = family.get().equals("inet") ? IpFamily.V4 : IpFamily.V6;
        String address = e.string("address").orElseThrow(() -> new InvalidValueException("maddr entry without"
                + " 'address'", "\"address\": a multicast group"));
        IpAddress group = IpAddress.parse(address);
        if (group.family() != expected || !group.isMulticast()) {
            throw new InvalidValueException("'" + address + "' is not an " + (expected == IpFamily.V4 ? "IPv4" : "IPv6")
                    + " multicast group", expected == IpFamily.V4 ? "a group in 224.0.0.0/4" : "a group in ff00::/8");
        }
        Optional<JsonValue> usersValue = e.get("users");
        Optional<Long> users = e.number("users").filter(u -> u >= 0 && u <= Integer.MAX_VALUE);
        if (usersValue.isPresent() && users.isEmpty()) {
            throw new InvalidValueException("'users' is not a user count", "\"users\": N");
        }
        List<String> words = e.string("features").map(List::of).orElse(List.of());
        int count = users.orElse(1L).intValue();
        String line = String.format(Locale.ROOT, "%-5s %s", family.get(), address) + (users.isPresent() ? " users "
                + count : "") + words.stream().map(w -> " " + w).reduce("", String::concat);
        l.groups.add(new JoinedGroup(group, count, words, JsonInput.span(fileName, e), line));
    }

    /** One interface's entries while its objects are read. */
    private static final class Listing {
        private final int index;
        private final String dev;
        private final JsonValue.JsonObject object;
        private final List<String> links = new ArrayList<>();
        private final List<JoinedGroup> groups = new ArrayList<>();

        Listing(int index, String dev, JsonValue.JsonObject object) {
            this.index = index;
            this.dev = dev;
            this.object = object;
        }
    }
}
