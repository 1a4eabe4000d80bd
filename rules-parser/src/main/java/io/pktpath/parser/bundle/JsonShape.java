package io.pktpath.parser.bundle;

import io.pktpath.parser.json.JsonReader;
import io.pktpath.parser.json.JsonSyntaxException;
import io.pktpath.parser.json.JsonValue;

import java.util.regex.Pattern;

/**
 * Recognizes {@code ip -j} JSON documents (addr, link, rule, route, neigh, maddr) by the members of their first object,
 * and {@code nft -j list ruleset} by its {@code nftables} member.
 */
final class JsonShape {
    private static final Pattern NFT_DOCUMENT = Pattern.compile("\\s*\\{\\s*\"nftables\"\\s*:");

    private JsonShape() {
    }

    static Recognition recognize(String text) {
        JsonValue root;
        try {
            root = JsonReader.read(text);
        } catch (JsonSyntaxException e) {
            if (NFT_DOCUMENT.matcher(text).lookingAt()) {
                // a cut nft -j listing: its reader names the position
                return Recognition.of(InputKind.NFT_RULESET);
            }
            return Recognition.unknown("not an input pktpath reads: it starts like JSON (ip -j) but does not parse"
                    + " as JSON (line " + e.line() + ": " + e.getMessage() + ")");
        }
        if (root instanceof JsonValue.JsonObject object && object.get("nftables").isPresent()) {
            return Recognition.of(InputKind.NFT_RULESET);
        }
        if (!(root instanceof JsonValue.JsonArray array) || array.items().isEmpty()
                || !(array.items().get(0) instanceof JsonValue.JsonObject first)) {
            return Recognition.unknown("JSON that is not a non-empty ip -j array of objects");
        }
        if (first.get("maddr").isPresent()) {
            return Recognition.of(InputKind.IP_MADDR_JSON);
        }
        if (first.get("ifindex").isPresent() && first.get("ifname").isPresent()) {
            return Recognition.of(InputKind.IP_ADDR_JSON);
        }
        if (first.get("priority").isPresent()) {
            return Recognition.of(InputKind.IP_RULE_JSON);
        }
        if (first.get("dst").isPresent() && first.get("state").isEmpty()) {
            return Recognition.of(InputKind.IP_ROUTE_JSON);
        }
        if (first.get("dst").isPresent()) {
            return Recognition.of(InputKind.IP_NEIGH_JSON);
        }
        return Recognition.unknown("JSON of an unknown shape (not ip -j addr/link/route/rule/neigh/maddr)");
    }
}
