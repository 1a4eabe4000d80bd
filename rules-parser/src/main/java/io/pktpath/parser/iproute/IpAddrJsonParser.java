package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses {@code ip -j [-d] addr} and {@code ip -j [-d] link} JSON into the same {@link NetInterface} model as the text
 * parser: {@code link} or {@code link_index} give the {@code @peer}, {@code linkinfo.info_kind} the kind,
 * {@code addr_info} the addresses, {@code linkinfo.info_slave_data.hairpin} (of a bridge port, {@code -d}) the hairpin
 * mode; {@code bridge -j -d link}, in the same shape, gives its ports' {@code hairpin} at the top level.
 */
public final class IpAddrJsonParser {
    private IpAddrJsonParser() {
    }

    public static Parsed<List<NetInterface>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        List<NetInterface> out = new ArrayList<>();
        for (JsonValue.JsonObject o : JsonInput.objects(fileName, text, diags)) {
            try {
                out.add(iface(o));
            } catch (InvalidValueException e) {
                diags.error("bad-address", e.getMessage(), e.expected(), JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            } catch (IllegalArgumentException e) {
                diags.error("bad-address", e.getMessage(), "values as ip -j prints them", JsonInput.span(fileName, o),
                        JsonInput.lineAt(text, o.line()));
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static NetInterface iface(JsonValue.JsonObject o) throws InvalidValueException {
        InterfaceBuilder b = new InterfaceBuilder();
        b.index = o.number("ifindex").orElse(0L).intValue();
        b.name = o.string("ifname").orElse("");
        b.peer = o.string("link").or(() -> o.number("link_index").map(i -> "if" + i));
        b.flags.addAll(JsonInput.strings(o, "flags"));
        b.mtu = o.number("mtu").orElse(0L).intValue();
        b.operState = o.string("operstate").orElse("UNKNOWN");
        b.linkType = o.string("link_type").orElse("none");
        b.mac = o.string("address").flatMap(InterfaceBuilder::macOf);
        b.master = o.string("master");
        b.kind = o.get("linkinfo").filter(JsonValue.JsonObject.class::isInstance)
                .flatMap(li -> ((JsonValue.JsonObject) li).string("info_kind"));
        b.hairpin = hairpin(o);
        for (JsonValue a : o.array("addr_info")) {
            if (a instanceof JsonValue.JsonObject ao && ao.string("local").isPresent()) {
                b.addresses.add(address(ao));
            }
        }
        return b.build();
    }

    /**
     * {@code linkinfo: {info_slave_kind: "bridge", info_slave_data: {hairpin: true|false}}} of {@code ip -j -d link}, or
     * the top-level {@code "hairpin"} of a port in {@code bridge -j -d link} (which has no {@code linkinfo}).
     */
    private static Optional<Boolean> hairpin(JsonValue.JsonObject o) throws InvalidValueException {
        Optional<JsonValue.JsonObject> info = o.get("linkinfo").filter(JsonValue.JsonObject.class::isInstance)
                .map(JsonValue.JsonObject.class::cast);
        Optional<JsonValue> v;
        if (info.isEmpty()) {
            v = o.string("master").isPresent() ? o.get("hairpin") : Optional.empty();
        } else if (info.get().string("info_slave_kind").filter("bridge"::equals).isPresent()) {
            v = info.get().get("info_slave_data").filter(JsonValue.JsonObject.class::isInstance)
                    .flatMap(d -> ((JsonValue.JsonObject) d).get("hairpin"));
        } else {
            return Optional.empty();
        }
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonValue.JsonBoolean b)) {
            throw new InvalidValueException("the hairpin mode of " + o.string("ifname").orElse("?")
                    + " is not a boolean", "true or false");
        }
        return Optional.of(b.value());
    }

    private static InterfaceAddress address(JsonValue.JsonObject a) throws InvalidValueException {
        IpAddress local = IpAddress.parse(a.string("local").orElseThrow());
        int prefix = a.number("prefixlen").orElse((long) local.family().bits()).intValue();
        if (prefix < 0 || prefix > local.family().bits()) {
            throw new InvalidValueException("prefixlen " + prefix + " out of range", "0-" + local.family().bits());
        }
        Cidr cidr = new Cidr(local, prefix);
        Optional<Cidr> peer = Optional.empty();
        if (a.string("address").isPresent()) {
            peer = Optional.of(new Cidr(IpAddress.parse(a.string("address").get()), prefix));
        }
        Optional<IpAddress> brd = a.string("broadcast").isPresent()
                ? Optional.of(IpAddress.parse(a.string("broadcast").get())) : Optional.empty();
        Set<String> flags = new TreeSet<>();
        for (String f : AddrLineReader.ADDRESS_FLAGS) {
            if (!f.equals("secondary") && !f.equals("temporary") && JsonInput.flag(a, f)) {
                flags.add(f);
            }
        }
        boolean secondary = JsonInput.flag(a, "secondary") || JsonInput.flag(a, "temporary");
        return new InterfaceAddress(cidr, a.string("scope").orElse("global"), secondary, brd, peer, a.string("label"),
                flags);
    }
}
