package io.pktpath.parser.nft;

import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.ipset.IpSet;
import io.pktpath.parser.ipset.SetType;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nft's set statements from the packet path ({@code add|update|delete @name { ip saddr [timeout 5s] }}, nft(8) "SET
 * STATEMENT") written as iptables' {@code -j SET} on the ipset-like model of the dynamic set ({@link #model}): {@code add}
 * is {@code --add-set} (an existing element keeps its timeout), {@code update} {@code --add-set --exist} (it is
 * refreshed), {@code delete} {@code --del-set}; a key of {@code ip|ip6 saddr|daddr} is the direction {@code src|dst}.
 * A verdict after it in the same rule makes the rule's target the statement then the verdict
 * ({@link io.pktpath.parser.iptables.target.StatementVerdict}, {@link NftRuleDraft#rules}). An element with a
 * {@code limit}, {@code quota} or {@code ct count} ({@code add @set { ip saddr limit rate over 3/minute }}), a
 * {@code meter}, any {@code add} or {@code update} of a set another statement fills with one, and a plain one (a key
 * that is one address) of a set with a {@code size}, are the rule's last match instead ({@link io.pktpath.parser.iptables.match.NftSetElementMatch}), as nft_dynset decides by the element's
 * expression (the one it was created with) whether the rule goes on.
 */
final class NftSetStatement {
    /** A set statement naming its set: the statement and the set's name. */
    static final Pattern REFERENCE = Pattern.compile("(?:^|\\s)(add|update|delete) @([^\\s{}]+)");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?"
            + "(?:(\\d+)ms)?");
    /** nft's meter without a size: {@code NFT_METER_DEFAULT_SIZE} (nft lists it as {@code size 65535}). */
    private static final long METER_SIZE = 65_535;
    /** The kernel's garbage collection interval of a set without {@code gc-interval} (nft_set_gc_interval: HZ). */
    private static final long GC_INTERVAL = 1;

    private NftSetStatement() {
    }

    /** The ipset name a dynamic set is matched and changed under: {@code inet:pkp_ks:knocked}. */
    static String ipsetName(NftTable table, String set) {
        return table.family().keyword() + ":" + table.name() + ":" + set;
    }

    /** The ipset-like model of a set rules change, or why it cannot be replayed. */
    sealed interface Model permits Modelled, Unmodelled {
    }

    /** The set as a {@code hash:ip} ipset of its family, empty, with its default timeout (0: none) if it times out. */
    record Modelled(IpSet set) implements Model {
    }

    /** Why the set cannot be kept as an ipset-like set. */
    record Unmodelled(String reason) implements Model {
    }

    /**
     * The dynamic set {@code set} of {@code table} as an ipset: type {@code ipv4_addr} or {@code ipv6_addr} (a
     * concatenation or interval set is refused); it starts empty, since the listing is taken after the traffic.
     */
    static Model model(NftTable table, NftSet set, String file) {
        String type = set.declarations().getOrDefault("type", "");
        String flags = set.declarations().getOrDefault("flags", "");
        String where = "the dynamic set @" + set.name();
        if (type.contains(" . ")) {
            return new Unmodelled(where + " has a concatenated key (" + type + "): not replayed (an ipset port"
                    + " carries its protocol, nft's inet_service does not)");
        }
        IpFamily family = switch (type) {
            case "ipv4_addr" -> IpFamily.V4;
            case "ipv6_addr" -> IpFamily.V6;
            default -> null;
        };
        if (family == null) {
            return new Unmodelled(where + " is of type '" + type + "': only ipv4_addr and ipv6_addr are replayed");
        }
        if (List.of(flags.split(",")).contains("interval")) {
            return new Unmodelled(where + " has flags interval: not replayed");
        }
        Map<String, String> options = new TreeMap<>();
        String timeout = set.declarations().get("timeout");
        if (timeout != null) {
            Optional<Long> seconds = seconds(timeout);
            if (seconds.isEmpty()) {
                return new Unmodelled(where + " has timeout '" + timeout + "': only whole seconds are replayed");
            }
            options.put("timeout", String.valueOf(seconds.get()));
        } else if (List.of(flags.split(",")).contains("timeout")) {
            options.put("timeout", "0");
        }
        SetType hashIp = SetType.parse("hash:ip").orElseThrow();
        return new Modelled(new IpSet(ipsetName(table, set.name()), hashIp, family, options, Optional.empty(),
                List.of(), new SourceSpan(file, set.line(), 0)));
    }

    /**
     * Reads {@code add|update|delete @name { KEY [timeout T] }} at {@code w[i]} into the draft as a SET target; returns
     * the index after it, -1 (with the reason) when refused, {@code w.size() + 1} when a part is missing.
     */
    static int read(NftRuleDraft d, List<String> w, int i) {
        if (i + 2 >= w.size()) {
            return w.size() + 1;
        }
        String op = w.get(i);
        String ref = w.get(i + 1);
        String element = w.get(i + 2);
        String said = op + " " + ref + " " + element;
        if (!ref.startsWith("@") || !NftRuleTokens.isSet(element)) {
            d.refuse("'" + said + "' is not '" + op + " @set { key }'");
            return -1;
        }
        if (d.hasStatementOrVerdict()) {
            d.refuse("'" + said + "' follows another statement or verdict: one statement per rule is replayed");
            return -1;
        }
        Optional<NftSet> set = d.table().set(ref.substring(1)).filter(s -> s.kind().equals("set"));
        if (set.isEmpty()) {
            d.refuse("the set " + ref + " of '" + said + "' is not in table " + d.table().qualifiedName());
            return -1;
        }
        List<String> words = List.of(element.substring(1, element.length() - 1).strip().split("\\s+"));
        if (!op.equals("delete") && (words.contains("limit") || words.contains("quota") || words.contains("ct")
                || (filledWithExpressions(d.table(), set.get().name()) || sized(set.get()) && !words.contains("."))
                && !words.contains("counter") && !words.contains("last"))) {
            return stateful(d, said, words, op, set.get(), i + 3);
        }
        Model model = model(d.table(), set.get(), "");
        if (model instanceof Unmodelled u) {
            d.refuse(u.reason());
            return -1;
        }
        if (words.contains(".")) {
            d.refuse("'" + said + "' has a concatenated key: not replayed");
            return -1;
        }
        for (String stateful : List.of("counter", "last")) {
            if (words.contains(stateful)) {
                d.refuse("'" + said + "' keeps a " + stateful + " per element: not replayed");
                return -1;
            }
        }
        Optional<IpFamily> keyFamily = keyFamily(d, said, words);
        if (keyFamily.isEmpty()) {
            return -1;
        }
        if (keyFamily.get() != ((Modelled) model).set().family()) {
            d.refuse("'" + said + "': the key " + words.get(0) + " " + words.get(1) + " is not of the set's type");
            return -1;
        }
        if (words.contains("limit") || words.contains("quota") || words.contains("ct")) {
            d.refuse("'" + said + "': delete with a stateful expression is not replayed");
            return -1;
        }
        String timeout = "";
        int at = 2;
        if (at + 1 < words.size() + 1 && at < words.size() && words.get(at).equals("timeout")) {
            Optional<Long> seconds = at + 1 < words.size() ? seconds(words.get(at + 1)) : Optional.empty();
            if (seconds.isEmpty() || op.equals("delete")) {
                d.refuse("'" + said + "': the timeout is not whole seconds, or is given to delete");
                return -1;
            }
            timeout = " --timeout " + seconds.get();
            at += 2;
        }
        if (at != words.size()) {
            d.refuse("'" + said + "': '" + String.join(" ", words.subList(at, words.size()))
                    + "' in the element is not replayed");
            return -1;
        }
        d.onlyFamily(keyFamily.get());
        String name = ipsetName(d.table(), set.get().name());
        String direction = words.get(1).equals("saddr") ? "src" : "dst";
        d.statement(switch (op) {
            case "add" -> "-j SET --add-set " + name + " " + direction + timeout;
            case "update" -> "-j SET --add-set " + name + " " + direction + " --exist" + timeout;
            default -> "-j SET --del-set " + name + " " + direction;
        });
        return i + 3;
    }

    /**
     * The set an element with a stateful expression is kept in, as the statement or the meter names it ({@code named}:
     * the table's set a statement names, null for a meter).
     */
    private record Target(String ipset, String shown, String named, boolean update, long size, boolean timeouts,
                          long defaultTimeout, long gcInterval) {
    }

    /** A set statement that fills a set: its operation and its element's words. */
    private static final Pattern FILLS = Pattern.compile("(?:^|\\s)(add|update) @(\\S+) \\{([^{}]*)\\}");
    /** An element's key and timeout, before its expression. */
    private static final Pattern KEY_AND_TIMEOUT = Pattern.compile("^\\S+ \\S+(?: \\. \\S+ \\S+)*(?: timeout \\S+)?\\s*");

    /**
     * True when a set statement of {@code table} fills {@code set} with a stateful expression per element: then every
     * {@code add} and {@code update} of the set is an {@link NftSetElementMatch}, also one without an expression, as
     * nft_dynset evaluates the expression an element was created with whichever statement finds it.
     */
    private static boolean filledWithExpressions(NftTable table, String set) {
        for (NftChain c : table.chains()) {
            for (NftRule r : c.rules()) {
                Matcher m = FILLS.matcher(r.text());
                while (m.find()) {
                    String expression = KEY_AND_TIMEOUT.matcher(m.group(3).strip()).replaceFirst("");
                    if (m.group(2).equals(set) && !expression.isEmpty()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * True when {@code set} declares a {@code size} above 0: a plain {@code add} or {@code update} of it is then an
     * {@link NftSetElementMatch} too, as nft_dynset refuses a new element once the set holds {@code size} of them and
     * the rule ends there (checks/nft-set-full.sh: no counter, no verdict), which iptables' SET target does not model.
     */
    private static boolean sized(NftSet set) {
        return number(set.declarations().getOrDefault("size", "")) > 0;
    }

    /**
     * {@code add|update @set { KEY [timeout T] [STATEFUL] }} on the table's {@code set}: its type must be the key's (a
     * concatenation {@code ipv4_addr . inet_service} for {@code ip saddr . tcp dport}), not an interval set; its
     * {@code gc-interval} (1 s when not given: the kernel's default) is when expired elements stop counting.
     */
    private static int stateful(NftRuleDraft d, String said, List<String> words, String op, NftSet set, int next) {
        Map<String, String> declared = set.declarations();
        Optional<Key> key = key(d, said, words);
        if (key.isEmpty()) {
            return -1;
        }
        String type = declared.getOrDefault("type", "");
        if (!type.equals(key.get().type())) {
            d.refuse("'" + said + "': the key " + key.get().text() + " (" + key.get().type() + ") is not of the set's"
                    + " type (" + type + ")");
            return -1;
        }
        List<String> flags = List.of(declared.getOrDefault("flags", "").split(","));
        if (flags.contains("interval")) {
            d.refuse("the dynamic set @" + set.name() + " has flags interval: not replayed");
            return -1;
        }
        boolean timeouts = declared.containsKey("timeout") || flags.contains("timeout");
        long size = declared.containsKey("size") ? number(declared.get("size")) : 0;
        if (size < 0) {
            d.refuse("the dynamic set @" + set.name() + " has size '" + declared.get("size") + "'");
            return -1;
        }
        long defaultTimeout = 0;
        if (timeouts && declared.containsKey("timeout")) {
            Optional<Long> t = seconds(declared.get("timeout"));
            if (t.isEmpty()) {
                d.refuse("the dynamic set @" + set.name() + " has timeout '" + declared.get("timeout")
                        + "': only whole seconds are replayed");
                return -1;
            }
            defaultTimeout = t.get();
        }
        long gcInterval = GC_INTERVAL;
        if (declared.containsKey("gc-interval")) {
            Optional<Long> g = seconds(declared.get("gc-interval")).filter(v -> v > 0);
            if (g.isEmpty()) {
                d.refuse("the dynamic set @" + set.name() + " has gc-interval '" + declared.get("gc-interval")
                        + "': only whole seconds are replayed");
                return -1;
            }
            gcInterval = g.get();
        }
        return element(d, said, words, key.get(), new Target(ipsetName(d.table(), set.name()), "@" + set.name(),
                set.name(), op.equals("update"), size, timeouts, defaultTimeout, gcInterval), next);
    }

    /**
     * An element's key: its parts ({@code ip saddr}, {@code tcp dport}) joined by {@code .}, the family of its
     * addresses, nft's type of it ({@code ipv4_addr . inet_service}) and the index of the word after it.
     */
    private record Key(List<String> parts, IpFamily family, String type, int end) {
        String text() {
            return String.join(" . ", parts);
        }
    }

    /**
     * Reads the key the element's words start with: {@code ip|ip6 saddr|daddr} and {@code tcp|udp sport|dport} parts
     * joined by {@code .}, at least one an address, every address of one family; empty (refused) otherwise.
     */
    private static Optional<Key> key(NftRuleDraft d, String said, List<String> words) {
        List<String> parts = new java.util.ArrayList<>();
        List<String> types = new java.util.ArrayList<>();
        IpFamily family = null;
        int at = 0;
        while (true) {
            String a = at < words.size() ? words.get(at) : "";
            String b = at + 1 < words.size() ? words.get(at + 1) : "";
            IpFamily f = a.equals("ip") ? IpFamily.V4 : a.equals("ip6") ? IpFamily.V6 : null;
            boolean address = f != null && (b.equals("saddr") || b.equals("daddr"));
            boolean port = (a.equals("tcp") || a.equals("udp")) && (b.equals("sport") || b.equals("dport"));
            if (!address && !port || address && family != null && family != f) {
                d.refuse("'" + said + "': only keys of ip saddr, ip daddr, ip6 saddr and ip6 daddr (of one family),"
                        + " alone or joined with tcp|udp sport|dport by '.', are replayed");
                return Optional.empty();
            }
            if (address) {
                family = f;
            }
            parts.add(a + " " + b);
            types.add(address ? (f == IpFamily.V4 ? "ipv4_addr" : "ipv6_addr") : "inet_service");
            at += 2;
            if (at >= words.size() || !words.get(at).equals(".")) {
                break;
            }
            at++;
        }
        if (family == null) {
            d.refuse("'" + said + "': a key without an address is not replayed");
            return Optional.empty();
        }
        return Optional.of(new Key(List.copyOf(parts), family, String.join(" . ", types), at));
    }

    /** The family of the key {@code ip|ip6 saddr|daddr} the element's words start with; empty (refused) otherwise. */
    private static Optional<IpFamily> keyFamily(NftRuleDraft d, String said, List<String> words) {
        if (words.size() < 2 || !(words.get(0).equals("ip") || words.get(0).equals("ip6"))
                || !(words.get(1).equals("saddr") || words.get(1).equals("daddr"))) {
            d.refuse("'" + said + "': only the keys ip saddr, ip daddr, ip6 saddr and ip6 daddr are replayed");
            return Optional.empty();
        }
        return Optional.of(words.get(0).equals("ip") ? IpFamily.V4 : IpFamily.V6);
    }

    /**
     * The element {@code KEY [timeout T] STATEFUL} of a set statement or meter ({@code words}, its key checked) as an
     * {@link NftSetElementMatch}, the rule's last match; returns {@code next}, or -1 when refused (also when the
     * expression lacks a value).
     */
    private static int element(NftRuleDraft d, String said, List<String> words, Key key, Target target, int next) {
        IpFamily family = key.family();
        int at = key.end();
        long timeout = target.defaultTimeout();
        if (at < words.size() && words.get(at).equals("timeout")) {
            Optional<Long> seconds = at + 1 < words.size() ? seconds(words.get(at + 1)) : Optional.empty();
            if (seconds.isEmpty() || !target.timeouts()) {
                d.refuse("'" + said + "': the timeout is not whole seconds, or the set has no timeouts");
                return -1;
            }
            timeout = seconds.get();
            at += 2;
        }
        if (at == words.size() && target.named() == null) {
            d.refuse("'" + said + "': a meter without a stateful expression is not replayed");
            return -1;
        }
        Match[] read = new Match[1];
        // no expression: a statement on a set other statements fill with one (not a meter, which has one rule)
        boolean none = at == words.size() && target.named() != null;
        int end = none ? at : at < words.size() ? NftStatefulExpressions.read(d, words, at, (m, word, after) -> {
            read[0] = m;
            return after;
        }) : -1;
        if (end < 0 || end > words.size()) {
            d.refuse("'" + said + "': '" + String.join(" ", words.subList(at, words.size()))
                    + "' in the element is not replayed" + d.why().map(w -> " (" + w + ")").orElse(""));
            return -1;
        }
        if (end != words.size()) {
            d.refuse("'" + said + "': '" + String.join(" ", words.subList(end, words.size()))
                    + "' after the element's " + String.join(" ", words.subList(at, end))
                    + " is not replayed (one stateful expression per element is)");
            return -1;
        }
        d.onlyFamily(family);
        for (String part : key.parts()) {
            if (part.startsWith("tcp ") || part.startsWith("udp ")) {
                // nft's payload dependency of a port: the rule matches that protocol only
                d.protocolIs(part.substring(0, 3));
            }
        }
        NftSetElementMatch match = new NftSetElementMatch(target.ipset(), target.shown(), family, key.parts(),
                target.update(), timeout, target.size(), target.gcInterval(), Optional.ofNullable(read[0]), said);
        if (!d.stateful(match)) {
            d.refuse("'" + said + "' after a statement or a verdict is not replayed (nft runs the statement first)");
            return -1;
        }
        return next;
    }

    /**
     * Reads {@code meter NAME [size N] { KEY [timeout T] STATEFUL }} at {@code w[i]}: nft keeps it in a set of its own
     * (named NAME, {@code size} elements, 65535 when none is given) whose elements are updated, their timeout refreshed,
     * when the key has a timeout, and added otherwise (nft's {@code dynset update} and {@code dynset add}).
     */
    static int meter(NftRuleDraft d, List<String> w, int i) {
        if (i + 2 >= w.size()) {
            return w.size() + 1;
        }
        String name = w.get(i + 1);
        int at = i + 2;
        long size = METER_SIZE;
        if (w.get(at).equals("size")) {
            size = at + 1 < w.size() ? number(w.get(at + 1)) : -1;
            at += 2;
            if (size < 0) {
                d.refuse("meter " + name + ": size '" + (at - 1 < w.size() ? w.get(at - 1) : "") + "' is not a number");
                return -1;
            }
        }
        if (at >= w.size()) {
            return w.size() + 1;
        }
        String element = w.get(at);
        String said = String.join(" ", w.subList(i, at + 1));
        if (!NftRuleTokens.isSet(element)) {
            d.refuse("'" + said + "' is not 'meter NAME [size N] { key stateful }'");
            return -1;
        }
        if (d.hasStatementOrVerdict()) {
            d.refuse("'" + said + "' follows another statement or verdict: one statement per rule is replayed");
            return -1;
        }
        List<String> words = List.of(element.substring(1, element.length() - 1).strip().split("\\s+"));
        Optional<Key> key = key(d, said, words);
        if (key.isEmpty()) {
            return -1;
        }
        boolean timed = words.size() > key.get().end() && words.get(key.get().end()).equals("timeout");
        return element(d, said, words, key.get(), new Target(ipsetName(d.table(), name), "meter " + name, null, timed, size,
                timed, 0, GC_INTERVAL), at + 1);
    }

    /** A decimal count; -1 when not one. */
    private static long number(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(text);
    }

    /**
     * nft's duration ({@code 5s}, {@code 1m}, {@code 1h30m}, {@code 2d}) in seconds; empty when not whole seconds, or
     * beyond what a long holds (a damaged listing).
     */
    static Optional<Long> seconds(String text) {
        Matcher m = DURATION.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            return Optional.empty();
        }
        long[] unit = {86_400, 3_600, 60, 1};
        long total = 0;
        try {
            for (int g = 1; g <= 4; g++) {
                if (m.group(g) != null) {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(g)), unit[g - 1]));
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // beyond a long's seconds (a damaged listing): not a timeout pktpath can replay, said by the caller
            return Optional.empty();
        }
        if (m.group(5) != null) {
            if (m.group(5).length() > 18) {
                return Optional.empty();
            }
            long ms = Long.parseLong(m.group(5));
            if (ms % 1000 != 0) {
                return Optional.empty();
            }
            if (total > Long.MAX_VALUE - ms / 1000) {
                return Optional.empty();
            }
            total += ms / 1000;
        }
        return Optional.of(total);
    }

    /** True when {@code reference} ({@code @name}) names a set that a rule of {@code table} changes. */
    static boolean dynamic(NftTable table, String reference) {
        return reference.startsWith("@") && table.updatedSets().contains(reference.substring(1));
    }
}
