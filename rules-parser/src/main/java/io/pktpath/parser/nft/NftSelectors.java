package io.pktpath.parser.nft;

import java.util.regex.Pattern;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the selectors of a native nft rule (nft(8) "PAYLOAD EXPRESSION", "META EXPRESSIONS", "CONNTRACK EXPRESSIONS",
 * "FIB EXPRESSIONS") into the iptables matches of the same test: addresses ({@code -s}/{@code -d}), ports
 * ({@code -m tcp|udp|multiport}), protocols ({@code -p}), interfaces ({@code -i}/{@code -o}), {@code ct state} and
 * {@code ct status dnat|snat} ({@code -m conntrack}), marks ({@code -m mark}), ct marks ({@code -m connmark}),
 * {@code fib ... type} ({@code -m addrtype}) and ICMP types ({@code -m icmp|icmp6}). Each reader takes the words and the index of its
 * selector and returns the index after it: -1 when refused, {@code w.size() + 1} when the rule ends before its value.
 */
final class NftSelectors {
    private static final Set<String> CT_STATES = Set.of("new", "established", "related", "invalid", "untracked");
    /** The ct status bits that xt_conntrack's virtual states express exactly. */
    private static final Set<String> CT_NAT_STATUS = Set.of("dnat", "snat");
    private static final Map<String, String> ICMPV6_NAMES = Map.of("nd-neighbor-solicit", "neighbour-solicitation",
            "nd-neighbor-advert", "neighbour-advertisement", "nd-router-solicit", "router-solicitation",
            "nd-router-advert", "router-advertisement", "nd-redirect", "redirect");
    private static final Set<String> ADDRESS_TYPES = Set.of("unspec", "unicast", "local", "broadcast", "anycast",
            "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve");
    private static final Set<String> PORT_PROTOCOLS = Set.of("tcp", "udp", "sctp", "dccp");
    private static final int MULTIPORT_MAX = 15;
    /** A mark or mask as nft prints it. */
    static final String MARK_VALUE = "0x[0-9a-fA-F]{1,8}|\\d{1,10}";
    /** {@link #MARK_VALUE}, compiled once (a translation tests it once per rule that reads a mark). */
    static final Pattern MARK = Pattern.compile(MARK_VALUE);
    private static final Pattern INTERFACE_NAME = Pattern.compile("[\\w.@:+-]+");

    private NftSelectors() {
    }

    /** The operator after a selector: {@code !=} (true), {@code ==} or none (false); null for any other. */
    private static Boolean negation(List<String> w, int at) {
        if (at >= w.size()) {
            return null;
        }
        return switch (w.get(at)) {
            case "!=" -> true;
            case "==" -> false;
            case "<", ">", "<=", ">=", "&", "|", "set" -> null;
            default -> false;
        };
    }

    /**
     * Where the value after a selector's words stands (past an {@code ==} or {@code !=} at {@code at}): -1 for an
     * operator outside the subset, {@code w.size() + 1} when the rule ends before a value.
     */
    private static int operand(List<String> w, int at) {
        if (negation(w, at) == null) {
            return -1;
        }
        int v = at < w.size() && (w.get(at).equals("!=") || w.get(at).equals("==")) ? at + 1 : at;
        return v >= w.size() ? w.size() + 1 : v;
    }

    /** An {@link #operand} that is no value to read: refused, or missing. */
    private static boolean noValue(List<String> w, int v) {
        return v < 0 || v > w.size();
    }

    /** The elements of {@code value} when there are some and each is one of {@code known}; else none. */
    private static List<String> keywords(String value, Set<String> known) {
        List<String> elements = NftRuleTokens.elements(value);
        return known.containsAll(elements) ? elements : List.of();
    }

    private static String upperList(List<String> words) {
        return String.join(",", words.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList());
    }

    /** {@code \d+(:\d+)?} of a regex: a port, or a range of two ports. */
    static boolean isPortOrRange(String e) {
        int colon = e.indexOf(':');
        return colon < 0 ? NftNumgen.isDigits(e, 0, e.length()) : NftNumgen.isDigits(e, 0, colon)
                && NftNumgen.isDigits(e, colon + 1, e.length());
    }

    /** The fragment offset's 13 bits of {@code ip frag-off}, as nft prints the mask (decimal) or as written (hex). */
    private static final Set<String> FRAG_OFFSET_MASK = Set.of("8191", "0x1fff");

    /**
     * {@code ip frag-off & 8191 != 0} (a non-first fragment) or {@code == 0} (not one): iptables' {@code -f} and
     * {@code ! -f}, which test the same 13 bits of the IPv4 header; any other mask or value is refused.
     */
    private static int fragmentOffset(NftRuleDraft d, List<String> w, int i) {
        if (i + 5 >= w.size() || !w.get(i + 2).equals("&") || !FRAG_OFFSET_MASK.contains(w.get(i + 3).toLowerCase(Locale.ROOT))
                || !Set.of("!=", "==").contains(w.get(i + 4)) || !w.get(i + 5).equals("0")) {
            return -1;
        }
        d.onlyFamily(IpFamily.V4);
        d.addFixed(w.get(i + 4).equals("!=") ? "-f" : "! -f");
        return i + 6;
    }

    /** {@code ip|ip6 saddr|daddr|protocol|nexthdr VALUE}, or {@code ip frag-off & 8191 != 0|== 0}. */
    static int ipHeader(NftRuleDraft d, List<String> w, int i) {
        if (i + 2 >= w.size()) {
            return -1;
        }
        if (w.get(i).equals("ip") && w.get(i + 1).equals("frag-off")) {
            return fragmentOffset(d, w, i);
        }
        IpFamily f = w.get(i).equals("ip") ? IpFamily.V4 : IpFamily.V6;
        String field = w.get(i + 1);
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        d.onlyFamily(f);
        String value = w.get(v);
        switch (field) {
            case "saddr", "daddr" -> {
                if (NftSetStatement.dynamic(d.table(), value)) {
                    // a set rules change is matched as the set it is during the replay (NftSetStatement)
                    d.addTail("-m set " + (neg ? "! " : "") + "--match-set "
                            + NftSetStatement.ipsetName(d.table(), value.substring(1)) + " "
                            + (field.equals("saddr") ? "src" : "dst"));
                    return v + 1;
                }
                if (!d.condition("", field.equals("saddr") ? "-s " : "-d ", neg, NftRuleTokens.elements(value), false)) {
                    return -1;
                }
            }
            case "protocol", "nexthdr" -> {
                if (!protocol(d, neg, value)) {
                    return -1;
                }
            }
            default -> {
                return -1;
            }
        }
        return v + 1;
    }

    /** A protocol test: one ({@code -p}, {@code ! -p}) or, unnegated and first, a set of them (alternatives). */
    private static boolean protocol(NftRuleDraft d, boolean neg, String value) {
        List<String> elements = NftRuleTokens.elements(value);
        if (elements.size() > 1 && !neg && d.protocol() == null && !d.hasAlternatives()) {
            d.protocolOneOf(elements.stream().map(e -> "-p " + iptablesProtocol(e)).toList());
            return true;
        }
        if (elements.size() != 1 || elements.get(0).startsWith("@") || d.hasProtocolAlternatives()) {
            return false;
        }
        String name = iptablesProtocol(elements.get(0));
        if (neg) {
            d.addFixed("! -p " + name);
            return true;
        }
        d.protocolIs(name);
        return true;
    }

    private static String iptablesProtocol(String nft) {
        return nft.equals("icmpv6") ? "ipv6-icmp" : nft;
    }

    /** {@code tcp|udp sport|dport VALUE}. */
    static int ports(NftRuleDraft d, List<String> w, int i) {
        return ports(d, w, i, w.get(i));
    }

    /**
     * {@code th dport N} (transport header, any protocol with ports): the rule's protocol ({@code meta l4proto tcp}
     * before it) says which; without one it is refused, as iptables' port matches need {@code -p}.
     */
    static int transportHeader(NftRuleDraft d, List<String> w, int i) {
        if (d.hasProtocolAlternatives()) {
            return portsOfEachProtocol(d, w, i);
        }
        if (d.protocol() == null || !PORT_PROTOCOLS.contains(d.protocol())) {
            d.refuse("'th " + (i + 1 < w.size() ? w.get(i + 1) : "") + "' needs one protocol with ports before it"
                    + " (meta l4proto tcp)");
            return -1;
        }
        return ports(d, w, i, d.protocol());
    }

    /**
     * {@code th dport|sport VALUE} after a set of protocols ({@code meta l4proto { tcp, udp } th dport 53}, netavark's
     * DNS rule): the transport header's port of whichever protocol the packet has, so each protocol alternative gets its
     * own port match ({@code -p tcp -m tcp --dport 53}, {@code -p udp -m udp --dport 53}); refused when a protocol of
     * the set has no ports.
     */
    private static int portsOfEachProtocol(NftRuleDraft d, List<String> w, int i) {
        if (i + 2 >= w.size()) {
            return -1;
        }
        String field = w.get(i + 1);
        if (!field.equals("dport") && !field.equals("sport")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        List<String> elements = NftRuleTokens.elements(w.get(v)).stream().map(e -> e.replace('-', ':')).toList();
        if (elements.isEmpty() || elements.stream().anyMatch(e -> !isPortOrRange(e))) {
            return -1;
        }
        int slots = elements.stream().mapToInt(e -> e.contains(":") ? 2 : 1).sum();
        if (elements.size() > 1 && slots > MULTIPORT_MAX) {
            return -1;
        }
        String not = neg ? "! " : "";
        boolean each = d.portsForEachProtocol(PORT_PROTOCOLS, proto -> elements.size() > 1
                ? "-m multiport " + not + "--" + field + "s " + String.join(",", elements)
                : "-m " + proto + " " + not + "--" + field + " " + elements.get(0));
        if (!each) {
            d.refuse("'th " + field + "' needs protocols with ports before it (meta l4proto { tcp, udp })");
            return -1;
        }
        return v + 1;
    }

    private static int ports(NftRuleDraft d, List<String> w, int i, String proto) {
        if (i + 2 >= w.size()) {
            return -1;
        }
        String field = w.get(i + 1);
        if (d.hasProtocolAlternatives() || !field.equals("dport") && !field.equals("sport")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        d.protocolIs(proto);
        List<String> elements = NftRuleTokens.elements(w.get(v)).stream().map(e -> e.replace('-', ':')).toList();
        if (elements.isEmpty() || elements.stream().anyMatch(e -> !isPortOrRange(e))) {
            return -1;
        }
        int slots = elements.stream().mapToInt(e -> e.contains(":") ? 2 : 1).sum();
        boolean ok;
        if (elements.size() > 1 && slots <= MULTIPORT_MAX) {
            ok = d.condition("-m multiport ", "--" + field + "s ", neg, List.of(String.join(",", elements)), true);
        } else {
            ok = d.condition("-m " + proto + " ", "--" + field + " ", neg, elements, true);
        }
        return ok ? v + 1 : -1;
    }

    /** {@code meta KEY VALUE} at {@code w[i]} (the key): l4proto, nfproto, mark, iifname, oifname, iif, oif. */
    static int meta(NftRuleDraft d, List<String> w, int i) {
        if (i + 1 >= w.size()) {
            return -1;
        }
        String key = w.get(i);
        if (key.equals("mark")) {
            return mark(d, w, i + 1);
        }
        if (key.equals("nftrace")) {
            return NftStatements.nftraceSet(d, w, i + 1);
        }
        if (key.equals("random")) {
            return random(d, w, i + 1);
        }
        if (key.equals("skuid") || key.equals("skgid")) {
            return owner(d, w, i);
        }
        int v = operand(w, i + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        String value = w.get(v);
        switch (key) {
            case "l4proto" -> {
                if (!protocol(d, neg, value)) {
                    return -1;
                }
            }
            case "nfproto" -> {
                List<String> e = NftRuleTokens.elements(value);
                if (e.size() != 1 || !(e.get(0).equals("ipv4") || e.get(0).equals("ipv6"))) {
                    return -1;
                }
                boolean isV4 = e.get(0).equals("ipv4");
                if ((d.family() == IpFamily.V4) == isV4 == neg) {
                    d.neverMatches();
                }
            }
            case "protocol" -> {
                // the frame's ether type, as a netdev chain tests it: ip or ip6 names a family, arp none of the two
                List<String> e = NftRuleTokens.elements(value);
                if (e.size() != 1 || !Set.of("ip", "ip6", "arp").contains(e.get(0))) {
                    return -1;
                }
                boolean matchesIp = e.get(0).equals(d.family() == IpFamily.V4 ? "ip" : "ip6");
                if (matchesIp == neg) {
                    d.neverMatches();
                }
            }
            case "iifname", "oifname", "iif", "oif" -> {
                return iface(d, w, i);
            }
            default -> {
                return -1;
            }
        }
        return v + 1;
    }

    /**
     * {@code meta random & 2147483647 < N}, from the word after {@code random}: iptables' {@code -m statistic --mode
     * random --probability P} as iptables-nft stores it (N = P * 2^31 rounded, the kernel matching when its random
     * 31 bits are below N), read back as the statistic match of probability N / 2^31, the numerator iptables-save's
     * {@code --probability} (N / 2^31 to 11 decimals) gives; {@code >=} (iptables' {@code ! --probability}) is the negation.
     */
    static int random(NftRuleDraft d, List<String> w, int i) {
        if (i + 3 >= w.size() || !w.get(i).equals("&") || !(w.get(i + 1).equals("2147483647")
                || w.get(i + 1).equalsIgnoreCase("0x7fffffff"))) {
            return -1;
        }
        String op = w.get(i + 2);
        if (!op.equals("<") && !op.equals(">=")) {
            return -1;
        }
        long n;
        try {
            String v = w.get(i + 3);
            n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
        if (n < 0 || n > io.pktpath.parser.iptables.match.OptionValue.Probability.SCALE) {
            return -1;
        }
        d.addTail("-m statistic --mode random " + (op.equals(">=") ? "! " : "") + "--probability "
                + new io.pktpath.parser.iptables.match.OptionValue.Probability(n).render());
        return i + 4;
    }

    /** A MAC address as nft prints it (six colon-separated two-digit hex bytes). */
    private static final Pattern MAC = Pattern.compile("(?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");

    /**
     * {@code ether type ip|ip6|arp} (the frame's type: ip or ip6 names a family, arp neither of the two replayed ones)
     * and {@code ether saddr [!=] MAC} ({@code -m mac [!] --mac-source MAC}), in a bridge table, where the frame's
     * link-layer header is the one the rule reads (elsewhere not in the replayed subset); {@code ether daddr} is refused: the capture
     * ({@code tcpdump -i any}, Linux cooked SLL2) keeps only a frame's source address.
     */
    static int ether(NftRuleDraft d, List<String> w, int i) {
        if (d.table().family() != NftFamily.BRIDGE) {
            // outside a bridge table (a netdev or inet ingress chain) the link-layer selectors are not replayed
            return -1;
        }
        if (i + 1 >= w.size()) {
            return w.size() + 1;
        }
        String field = w.get(i + 1);
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        List<String> e = NftRuleTokens.elements(w.get(v));
        switch (field) {
            case "type" -> {
                if (e.size() != 1 || !Set.of("ip", "ip6", "arp").contains(e.get(0))) {
                    return -1;
                }
                boolean matchesIp = e.get(0).equals(d.family() == IpFamily.V4 ? "ip" : "ip6");
                if (matchesIp == neg) {
                    d.neverMatches();
                }
                return v + 1;
            }
            case "saddr" -> {
                for (String mac : e) {
                    if (!MAC.matcher(mac).matches()) {
                        return -1;
                    }
                }
                return d.condition("-m mac ", "--mac-source ", neg, e, false) ? v + 1 : -1;
            }
            case "daddr" -> {
                d.refuse("'ether daddr' is not replayed: the capture (tcpdump -i any, Linux cooked SLL2) keeps only a"
                        + " frame's source MAC address");
                return -1;
            }
            default -> {
                return -1;
            }
        }
    }

    /** {@code iifname|oifname|iif|oif NAME} ({@code "eth*"} as iptables' {@code eth+}, or a set of names). */
    static int iface(NftRuleDraft d, List<String> w, int i) {
        boolean in = w.get(i).startsWith("i");
        int v = operand(w, i + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        List<String> names = new ArrayList<>();
        for (String e : NftRuleTokens.elements(w.get(v))) {
            String name = e.replace("\"", "");
            if (name.endsWith("*")) {
                name = name.substring(0, name.length() - 1) + "+";
            }
            if (name.isEmpty() || name.contains("*") || name.contains("\\") || !INTERFACE_NAME.matcher(name).matches()) {
                return -1;
            }
            names.add(name);
        }
        return d.condition("", in ? "-i " : "-o ", neg, names, false) ? v + 1 : -1;
    }

    /** {@code ct state STATES} ({@code -m conntrack --ctstate}), {@code ct status ...} or {@code ct mark ...}. */
    static int ct(NftRuleDraft d, List<String> w, int i) {
        if (i + 2 < w.size() && w.get(i + 1).equals("original")) {
            return ctOriginal(d, w, i + 2);
        }
        if (i + 2 < w.size() && w.get(i + 1).equals("status")) {
            return ctStatus(d, w, i);
        }
        if (i + 1 < w.size() && w.get(i + 1).equals("mark")) {
            return ctMark(d, w, i + 2);
        }
        if (i + 2 >= w.size() || !w.get(i + 1).equals("state")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        List<String> states = keywords(w.get(v), CT_STATES);
        if (states.isEmpty()) {
            return -1;
        }
        d.addTail("-m conntrack " + (neg ? "! " : "") + "--ctstate " + upperList(states));
        return v + 1;
    }

    /**
     * {@code ct original [ip|ip6] saddr|daddr ADDR} and {@code ct original proto-src|proto-dst PORT[-PORT]}, from the key
     * at {@code w[i]}: the connection's original tuple, as nft prints iptables' {@code -m conntrack --ctorigsrc},
     * {@code --ctorigdst}, {@code --ctorigsrcport} and {@code --ctorigdstport} (and as a native rule writes it); one
     * address or port (range) per test, {@code !=} negated.
     */
    private static int ctOriginal(NftRuleDraft d, List<String> w, int i) {
        int k = i < w.size() && (w.get(i).equals("ip") || w.get(i).equals("ip6")) ? i + 1 : i;
        if (k >= w.size()) {
            return w.size() + 1;
        }
        String option = switch (w.get(k)) {
            case "saddr" -> "--ctorigsrc";
            case "daddr" -> "--ctorigdst";
            case "proto-src" -> "--ctorigsrcport";
            case "proto-dst" -> "--ctorigdstport";
            default -> null;
        };
        if (option == null) {
            return -1;
        }
        int v = operand(w, k + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(k + 1).equals("!=");
        String value = w.get(v);
        boolean port = option.endsWith("port");
        if (port ? !value.matches("\\d{1,5}(-\\d{1,5})?") : !value.matches("[0-9a-fA-F.:]+(/\\d{1,3})?")) {
            return -1;
        }
        d.addTail("-m conntrack " + (neg ? "! " : "") + option + " " + (port ? value.replace('-', ':') : value));
        return v + 1;
    }

    /**
     * {@code skuid|skgid [!=] N} (nft prints iptables' {@code -m owner --uid-owner N} bare; {@code meta skuid} in a native
     * rule): the local socket's owner, {@code -m owner [!] --uid-owner N} ({@code --gid-owner}); a numeric id only (nft
     * prints a user's name when the listing host knows it, which need not be the node's).
     */
    static int owner(NftRuleDraft d, List<String> w, int i) {
        String option = w.get(i).equals("skuid") ? "--uid-owner" : "--gid-owner";
        int v = operand(w, i + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        if (!w.get(v).matches("\\d{1,10}")) {
            return -1;
        }
        d.addTail("-m owner " + (neg ? "! " : "") + option + " " + w.get(v));
        return v + 1;
    }

    /**
     * {@code ct status dnat} (or {@code snat}, or both as a list): the ct's IPS_DST_NAT / IPS_SRC_NAT bit, which is
     * what xt_conntrack's DNAT and SNAT states test, so {@code -m conntrack --ctstate DNAT}. Without a ct neither
     * matches (nft's expression breaks, xt_conntrack has only INVALID or UNTRACKED). Other status bits, and
     * {@code !=} (which nft's break makes false without a ct, where iptables' negation is true), stay outside the
     * subset.
     */
    private static int ctStatus(NftRuleDraft d, List<String> w, int i) {
        if (w.get(i + 2).equals("!=")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        List<String> bits = keywords(w.get(v), CT_NAT_STATUS);
        if (bits.isEmpty()) {
            return -1;
        }
        d.addTail("-m conntrack --ctstate " + upperList(bits.stream().distinct().toList()));
        return v + 1;
    }

    /**
     * The words after {@code mark} ({@code meta mark} or {@code mark}) at {@code w[i]}: a test of the mark, plain or
     * masked, or the statement {@code mark set} ({@link NftStatements#markSet}).
     */
    static int mark(NftRuleDraft d, List<String> w, int i) {
        if (i < w.size() && w.get(i).equals("set")) {
            return NftStatements.markSet(d, w, i + 1);
        }
        return markTest(d, w, i, "mark");
    }

    /**
     * A test of the packet's mark ({@code module} {@code mark}) or of its connection's ({@code connmark}: {@code ct mark
     * 0x1}, {@code ct mark & 0x00001000 == 0x00001000}), plain or masked, from the word after {@code mark} at
     * {@code w[i]}. Without a conntrack entry a ct mark test fails either way, {@code !=} too: nft's ct expression
     * breaks the rule and xt_connmark returns false before its invert, so {@code -m connmark} is the same test.
     */
    private static int markTest(NftRuleDraft d, List<String> w, int i, String module) {
        if (i < w.size() && (w.get(i).equals("&") || w.get(i).equals("and"))) {
            return maskedMark(d, w, i + 1, module);
        }
        int v = operand(w, i);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i).equals("!=");
        String value = w.get(v);
        if (!MARK.matcher(value).matches()) {
            return -1;
        }
        d.addTail("-m " + module + " " + (neg ? "! " : "") + "--mark " + value);
        return v + 1;
    }

    /**
     * {@code meta mark & MASK == VALUE} (or {@code !=}, or {@code mark and MASK == VALUE}; {@code ct mark & ...} with
     * {@code module} connmark): {@code -m mark --mark V/M}.
     */
    private static int maskedMark(NftRuleDraft d, List<String> w, int i, String module) {
        if (i >= w.size() || !MARK.matcher(w.get(i)).matches()) {
            return -1;
        }
        String mask = w.get(i);
        int v = operand(w, i + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 1).equals("!=");
        if (!MARK.matcher(w.get(v)).matches()) {
            return -1;
        }
        d.addTail("-m " + module + " " + (neg ? "! " : "") + "--mark " + w.get(v) + "/" + mask);
        return v + 1;
    }

    /**
     * The words after {@code ct mark} at {@code w[i]}: the statement {@code ct mark set} ({@link NftStatements#ctMarkSet}),
     * or a test of the connection's mark, {@code ct mark V}, {@code ct mark != V} or {@code ct mark & M == V}: xt_connmark's
     * {@code -m connmark --mark V[/M]}, {@code (ctmark & M) == V}. Without a conntrack entry both are false whatever the
     * operator (nft's ct expression breaks the rule, xt_connmark answers false before its inversion). A set of marks
     * and the other operators are refused.
     */
    private static int ctMark(NftRuleDraft d, List<String> w, int i) {
        if (i < w.size() && w.get(i).equals("set")) {
            return NftStatements.ctMarkSet(d, w, i + 1);
        }
        String mask = null;
        int at = i;
        if (at < w.size() && Set.of("&", "and", "|", "or", "^", "xor").contains(w.get(at))) {
            boolean and = w.get(at).equals("&") || w.get(at).equals("and");
            if (!and || at + 1 >= w.size() || !MARK.matcher(w.get(at + 1)).matches()) {
                d.refuse("'ct mark " + String.join(" ", w.subList(at, Math.min(w.size(), at + 2)))
                        + "': only ct mark & MASK == VALUE (or !=) with a number as mask is replayed");
                return -1;
            }
            mask = w.get(at + 1);
            at += 2;
        }
        int v = operand(w, at);
        if (noValue(w, v)) {
            if (v < 0) {
                d.refuse("'ct mark " + w.get(at) + "': only ct mark VALUE, != VALUE and & MASK == VALUE are replayed");
            }
            return v;
        }
        boolean neg = w.get(at).equals("!=");
        String value = w.get(v);
        if (!MARK.matcher(value).matches()) {
            d.refuse("'ct mark " + (mask == null ? "" : "& " + mask + " ") + (neg ? "!= " : "") + value
                    + "': only a single number is replayed as the mark (no sets, maps or ranges)");
            return -1;
        }
        d.addTail("-m connmark " + (neg ? "! " : "") + "--mark " + value + (mask == null ? "" : "/" + mask));
        return v + 1;
    }

    /**
     * {@code fib daddr type local} (or {@code saddr}, {@code !=}, another address type): the routing lookup of the
     * address's type, which is what {@code -m addrtype --dst-type LOCAL} asks; or the reverse-path check {@code fib
     * saddr [. mark] [. iif] oif missing|exists} ({@link #reversePath}); other fib lookups are refused.
     */
    static int fib(NftRuleDraft d, List<String> w, int i) {
        if (i + 3 < w.size() && w.get(i + 2).equals(".") || i + 2 < w.size() && w.get(i + 1).equals("saddr")
                && w.get(i + 2).equals("oif")) {
            return reversePath(d, w, i);
        }
        if (i + 3 >= w.size() || !(w.get(i + 1).equals("daddr") || w.get(i + 1).equals("saddr"))
                || !w.get(i + 2).equals("type")) {
            return -1;
        }
        int v = operand(w, i + 3);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 3).equals("!=");
        List<String> types = keywords(w.get(v), ADDRESS_TYPES);
        if (types.isEmpty()) {
            return -1;
        }
        d.addFixed("-m addrtype " + (neg ? "! " : "") + (w.get(i + 1).equals("daddr") ? "--dst-type " : "--src-type ")
                + upperList(types));
        return v + 1;
    }

    /**
     * {@code fib saddr . iif oif missing} (firewalld's IPv6 reverse-path drop; {@code . mark} too in newer releases):
     * the route back to the source, with the packet's mark if named, must leave by the input device ({@code iif}) or
     * exist at all (without it). It is the test of {@code -m rpfilter} ({@code --validmark} for the mark,
     * {@code --loose} without iif; iptables-translate writes rpfilter this way), {@code missing} (or {@code 0}) its
     * {@code --invert}, {@code exists} (or {@code != 0}) itself. Both let loopback input pass and refuse a local,
     * unreachable or prohibited route back; the kernel's fib expression takes that loopback shortcut only at prerouting,
     * so {@link NftNativeReplay} replays the check only in prerouting chains.
     */
    private static int reversePath(NftRuleDraft d, List<String> w, int i) {
        int end = i + 1;
        while (end < w.size() && Set.of("saddr", "daddr", "mark", "iif", ".").contains(w.get(end))) {
            end++;
        }
        String refusal = "fib " + String.join(" ", w.subList(i + 1, end))
                + ": only fib saddr [. mark] [. iif] oif missing|exists is replayed";
        Set<String> flags = new HashSet<>();
        int at = i + 1;
        while (at < end && Set.of("saddr", "mark", "iif").contains(w.get(at)) && flags.add(w.get(at))) {
            at++;
            if (at < end && w.get(at).equals(".")) {
                at++;
            } else {
                break;
            }
        }
        if (at != end || !flags.contains("saddr") || end >= w.size() || !w.get(end).equals("oif")) {
            d.refuse(refusal);
            return -1;
        }
        int v = operand(w, at + 1);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(at + 1).equals("!=");
        String value = w.get(v);
        if (!Set.of("missing", "exists", "0").contains(value)) {
            d.refuse("fib ... oif " + value + ": only oif missing or exists (0, != 0) is replayed");
            return -1;
        }
        boolean missing = value.equals("exists") == neg;
        d.addFixed("-m rpfilter" + (flags.contains("iif") ? "" : " --loose") + (flags.contains("mark") ? " --validmark"
                : "") + (missing ? " --invert" : ""));
        return v + 1;
    }

    /** {@code icmp type TYPES} or {@code icmpv6 type TYPES} (nft's neighbour discovery names as iptables prints them). */
    static int icmp(NftRuleDraft d, List<String> w, int i) {
        boolean v6 = w.get(i).equals("icmpv6");
        if (i + 2 >= w.size() || !w.get(i + 1).equals("type")) {
            return -1;
        }
        int v = operand(w, i + 2);
        if (noValue(w, v)) {
            return v;
        }
        boolean neg = w.get(i + 2).equals("!=");
        if (d.hasProtocolAlternatives()) {
            return -1;
        }
        d.onlyFamily(v6 ? IpFamily.V6 : IpFamily.V4);
        d.protocolIs(v6 ? "ipv6-icmp" : "icmp");
        List<String> types = NftRuleTokens.elements(w.get(v)).stream()
                .map(t -> v6 ? ICMPV6_NAMES.getOrDefault(t, t) : t).toList();
        boolean ok = d.condition(v6 ? "-m icmp6 " : "-m icmp ", v6 ? "--icmpv6-type " : "--icmp-type ", neg, types,
                true);
        return ok ? v + 1 : -1;
    }
}
