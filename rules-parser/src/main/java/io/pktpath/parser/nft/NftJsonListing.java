package io.pktpath.parser.nft;

import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.nft.NftJsonExpressions.Kind;
import io.pktpath.parser.nft.NftJsonExpressions.Unrendered;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Writes the objects of an {@code nft -j list ruleset} document (tables, sets, maps, chains, rules) as the text
 * {@code nft -a list ruleset} prints, one line per table, set, chain header, hook line, element list and rule, each
 * remembering the JSON value it was written from. Objects pktpath does not read (flowtables, named counters, quotas, ct
 * helpers) are left out, as the text reader skips them.
 */
final class NftJsonListing {
    private final List<String> lines = new ArrayList<>();
    private final List<JsonValue> origins = new ArrayList<>();
    private final Map<String, TableParts> tables = new LinkedHashMap<>();
    private final Consumer<Unrendered> problems;
    private final List<CompatTally> compat = new ArrayList<>();

    /**
     * The iptables-nft compat expressions ({@code xt}) of one table: nft -j names them without their parameters
     * ({@code {"xt": {"type": "match", "name": "conntrack"}}} for the text's {@code ct state related,established}).
     */
    record CompatTally(String table, boolean iptablesTable, int count, JsonValue first) {
    }

    private NftJsonListing(Consumer<Unrendered> problems) {
        this.problems = problems;
    }

    /** Per table that has them, its {@code xt} expressions. */
    List<CompatTally> compat() {
        return List.copyOf(compat);
    }

    /** The listing of {@code objects} (the items of the {@code nftables} array); what cannot be read goes to {@code problems}. */
    static NftJsonListing of(List<JsonValue> objects, Consumer<Unrendered> problems) {
        NftJsonListing l = new NftJsonListing(problems);
        for (JsonValue item : objects) {
            l.collect(item);
        }
        for (TableParts t : l.tables.values()) {
            l.write(t);
        }
        return l;
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }

    /** The JSON value the 1-based line {@code line} of {@link #text()} was written from. */
    JsonValue origin(int line) {
        return origins.get(Math.max(0, Math.min(line, origins.size()) - 1));
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    private void collect(JsonValue item) {
        if (!(item instanceof JsonValue.JsonObject o) || o.members().size() != 1) {
            problems.accept(new Unrendered(item, "nftables item is not an object with one member",
                    "{\"table\": ...}, {\"chain\": ...}, {\"set\": ...}, {\"map\": ...} or {\"rule\": ...}"));
            return;
        }
        String kind = o.members().keySet().iterator().next();
        JsonValue body = o.members().get(kind);
        if (!List.of("table", "chain", "set", "map", "rule").contains(kind)) {
            return;
        }
        if (!(body instanceof JsonValue.JsonObject b)) {
            problems.accept(new Unrendered(body, kind + " is not an object", "{\"family\": ..., \"name\": ...}"));
            return;
        }
        Optional<String> family = b.string("family");
        Optional<String> table = b.string(kind.equals("table") ? "name" : "table");
        if (family.isEmpty() || table.isEmpty()) {
            problems.accept(new Unrendered(b, kind + " without its family or table name",
                    "\"family\" and \"" + (kind.equals("table") ? "name" : "table") + "\" strings"));
            return;
        }
        String key = family.get() + " " + table.get();
        if (kind.equals("table")) {
            Optional<NftFamily> f = NftFamily.of(family.get());
            if (f.isEmpty()) {
                problems.accept(new Unrendered(b.get("family").get(), "unknown table family '" + family.get()
                        + "'; the table is not read", "ip, ip6, inet, arp, bridge or netdev"));
                return;
            }
            tables.putIfAbsent(key, new TableParts(b, f.get()));
            return;
        }
        TableParts t = tables.get(key);
        if (t == null) {
            problems.accept(new Unrendered(b, kind + " of table " + key + ", which no table object before it declares",
                    "{\"table\": {\"family\": \"" + family.get() + "\", \"name\": \"" + table.get() + "\"}} first"));
            return;
        }
        switch (kind) {
            case "chain" -> {
                Optional<String> name = b.string("name");
                if (name.isEmpty()) {
                    problems.accept(new Unrendered(b, "chain without a name", "\"name\": a string"));
                } else {
                    t.chains.putIfAbsent(name.get(), new ChainParts(b));
                }
            }
            case "rule" -> {
                Optional<String> chain = b.string("chain");
                ChainParts c = chain.map(t.chains::get).orElse(null);
                if (c == null) {
                    problems.accept(new Unrendered(b, "rule of chain " + chain.orElse("(none)") + ", which no chain"
                            + " object of table " + key + " before it declares", "\"chain\": the name of a chain"));
                } else {
                    c.rules.add(b);
                }
            }
            default -> t.sets.add(b);
        }
    }

    private void write(TableParts t) {
        add("table " + t.family.keyword() + " " + name(t.table.string("name").get()) + " {" + handle(t.table), t.table);
        t.table.string("comment").ifPresent(c -> add("\tcomment " + NftJsonExpressions.quote(c), t.table));
        for (JsonValue.JsonObject s : t.sets) {
            writeSet(s);
        }
        List<JsonValue> xts = new ArrayList<>();
        for (ChainParts c : t.chains.values()) {
            writeChain(t.family, c);
            c.rules.forEach(r -> r.array("expr").stream().filter(e -> e instanceof JsonValue.JsonObject o
                    && o.get("xt").isPresent()).forEach(xts::add));
        }
        add("}", t.table);
        String name = t.table.string("name").get();
        if (!xts.isEmpty()) {
            compat.add(new CompatTally(t.family.keyword() + " " + name, IptablesNftTables.isIptablesTableName(
                    t.family, name), xts.size(), xts.get(0)));
        }
    }

    private void writeSet(JsonValue.JsonObject s) {
        boolean map = s.get("map").isPresent();
        String name = s.string("name").orElse("");
        add("\t" + (map ? "map " : "set ") + name(name) + " {" + handle(s), s);
        List<String> keyTypes = types(s.get("type").orElse(null));
        List<String> dataTypes = types(s.get("map").orElse(null));
        add("\t\ttype " + String.join(" . ", keyTypes) + (map ? " : " + String.join(" . ", dataTypes) : ""), s);
        s.number("size").ifPresent(n -> add("\t\tsize " + n, s));
        List<String> flags = types(s.get("flags").orElse(null));
        if (!flags.isEmpty()) {
            add("\t\tflags " + String.join(",", flags), s);
        }
        s.number("timeout").ifPresent(t -> add("\t\ttimeout " + t + "s", s));
        s.number("gc-interval").ifPresent(t -> add("\t\tgc-interval " + t + "s", s));
        s.string("comment").ifPresent(c -> add("\t\tcomment " + NftJsonExpressions.quote(c), s));
        JsonValue elem = s.get("elem").orElse(null);
        if (elem instanceof JsonValue.JsonArray items && !items.items().isEmpty()) {
            List<Kind> kinds = keyTypes.stream().map(NftJsonExpressions::kindOfType).toList();
            Kind dataKind = dataTypes.size() == 1 ? NftJsonExpressions.kindOfType(dataTypes.get(0)) : Kind.PLAIN;
            List<String> written = new ArrayList<>();
            for (JsonValue item : items.items()) {
                try {
                    written.add(NftJsonExpressions.element(item, kinds, dataKind));
                } catch (Unrendered e) {
                    problems.accept(e);
                    written.add(NftJsonStatements.UNRENDERED + "element");
                }
            }
            add("\t\telements = { " + String.join(", ", written) + " }", elem);
        } else if (elem != null && !(elem instanceof JsonValue.JsonArray)) {
            problems.accept(new Unrendered(elem, "set elements are not a list", "\"elem\": [ ... ]"));
        }
        add("\t}", s);
    }

    private void writeChain(NftFamily family, ChainParts c) {
        JsonValue.JsonObject o = c.chain;
        add("\tchain " + name(o.string("name").get()) + " {" + handle(o), o);
        Optional<String> hook = o.string("hook");
        if (hook.isPresent()) {
            StringBuilder s = new StringBuilder("\t\ttype ").append(o.string("type").orElse("filter")).append(" hook ")
                    .append(hook.get());
            List<String> devices = types(o.get("dev").orElse(null));
            if (devices.size() == 1) {
                s.append(" device ").append(NftJsonExpressions.quote(devices.get(0)));
            } else if (devices.size() > 1) {
                s.append(" devices = { ").append(String.join(", ", devices.stream().map(NftJsonExpressions::quote)
                        .toList())).append(" }");
            }
            s.append(" priority ").append(NftJsonPriority.text(family, hook.get(), o.number("prio").orElse(0L)))
                    .append("; policy ").append(o.string("policy").orElse("accept")).append(';');
            add(s.toString(), o);
        }
        o.string("comment").ifPresent(cm -> add("\t\tcomment " + NftJsonExpressions.quote(cm), o));
        for (JsonValue.JsonObject r : c.rules) {
            add("\t\t" + NftJsonStatements.rule(r, family, problems) + handle(r), r);
        }
        add("\t}", o);
    }

    /** A type, flag or device member: one string or a list of them. */
    private static List<String> types(JsonValue v) {
        if (v instanceof JsonValue.JsonString s) {
            return List.of(s.value());
        }
        List<String> out = new ArrayList<>();
        if (v instanceof JsonValue.JsonArray a) {
            for (JsonValue item : a.items()) {
                if (item instanceof JsonValue.JsonString s) {
                    out.add(s.value());
                }
            }
        }
        return out;
    }

    /** A table, chain or set name, quoted when it holds what would end it in the text ({@code {}, white space, #). */
    private static String name(String n) {
        return n.isEmpty() || n.chars().anyMatch(ch -> Character.isWhitespace(ch) || "{};#\"".indexOf(ch) >= 0)
                ? NftJsonExpressions.quote(n.replace("\"", "")) : n;
    }

    private static String handle(JsonValue.JsonObject o) {
        return o.number("handle").map(h -> " # handle " + h).orElse("");
    }

    private void add(String line, JsonValue origin) {
        lines.add(line.replace('\n', ' ').replace('\r', ' '));
        origins.add(origin);
    }

    private static final class TableParts {
        final JsonValue.JsonObject table;
        final NftFamily family;
        final List<JsonValue.JsonObject> sets = new ArrayList<>();
        final Map<String, ChainParts> chains = new LinkedHashMap<>();

        TableParts(JsonValue.JsonObject table, NftFamily family) {
            this.table = table;
            this.family = family;
        }
    }

    private static final class ChainParts {
        final JsonValue.JsonObject chain;
        final List<JsonValue.JsonObject> rules = new ArrayList<>();

        ChainParts(JsonValue.JsonObject chain) {
            this.chain = chain;
        }
    }
}
