package io.pktpath.parser.iptables.listing;

import java.util.Optional;
import java.util.Set;

/**
 * The match modules as {@code iptables -nvL} prints them (each module's print function of iptables 1.8), turned back
 * into the options iptables-save writes for them ({@code tcp dpt:443} is {@code -m tcp --dport 443},
 * {@code mark match ! 0x4000/0x4000} is {@code -m mark ! --mark 0x4000/0x4000}).
 */
final class MatchForms {
    private static final Set<String> CT_WORDS = Set.of("ctstate", "ctproto", "ctorigsrc", "ctorigdst", "ctreplsrc",
            "ctrepldst", "ctorigsrcport", "ctorigdstport", "ctreplsrcport", "ctrepldstport", "ctstatus", "ctexpire",
            "ctdir");
    private static final String[] TCP_FLAGS = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};

    private MatchForms() {
    }

    /**
     * The save form of the match printed at the cursor ({@code negated} when a {@code !} came before it), consumed;
     * empty (the cursor unmoved) when no match module prints what follows.
     */
    static Optional<String> read(TailCursor c, boolean negated) throws ListingFormException {
        String not = negated ? "! " : "";
        String w = c.peek();
        if (w.equals("/*") && !negated) {
            return Optional.of("-m comment --comment " + SaveText.quoted(c.comment()));
        }
        if ((w.equals("tcp") || w.equals("udp") || w.equals("sctp")) && !negated) {
            return Optional.of(ports(c, c.next()));
        }
        if (CT_WORDS.contains(w)) {
            return Optional.of(conntrack(c, negated));
        }
        switch (w) {
            case "multiport" -> {
                c.next();
                String which = c.value("sports, dports or ports");
                if (!Set.of("sports", "dports", "ports").contains(which)) {
                    throw new ListingFormException("multiport '" + which + "'", c.position(), "sports, dports or ports");
                }
                String v = c.value("the ports");
                boolean inv = v.equals("!") || v.startsWith("!");
                if (v.equals("!")) {
                    v = c.value("the ports");
                } else if (inv) {
                    v = v.substring(1);
                }
                return Optional.of("-m multiport " + (inv ? "! " : "") + "--" + which + " " + v);
            }
            case "state" -> {
                c.next();
                return Optional.of("-m state " + not + "--state " + c.value("the states"));
            }
            case "mark", "connmark" -> {
                if (!c.peekSecond().equals("match")) {
                    return Optional.empty();
                }
                String module = c.next();
                c.next();
                boolean inv = negated || c.accept("!");
                return Optional.of("-m " + module + (inv ? " !" : "") + " --mark " + c.value("the mark (VALUE[/MASK])"));
            }
            case "statistic" -> {
                c.next();
                return Optional.of("-m statistic" + prefixed(c, Set.of("mode", "probability", "every", "packet"), "statistic"));
            }
            case "recent:" -> {
                c.next();
                return Optional.of(recent(c, not));
            }
            case "match-set" -> {
                c.next();
                return Optional.of(set(c, not));
            }
            case "ADDRTYPE" -> {
                c.next();
                c.expect("match");
                return Optional.of(addrtype(c));
            }
            case "limit:" -> {
                c.next();
                if (c.accept("avg")) {
                    String rate = c.value("the rate");
                    c.expect("burst");
                    String burst = c.value("the burst");
                    return Optional.of("-m limit --limit " + rate + (burst.equals("5") ? "" : " --limit-burst " + burst));
                }
                throw new ListingFormException("hashlimit ('limit: " + c.rest() + "'): the listing does not print the"
                        + " rule's --hashlimit-name, and rules of one name share their buckets", c.position(),
                        "limit: avg RATE burst N (-m limit); -m hashlimit needs iptables-save");
            }
            case "#conn" -> {
                c.next();
                return Optional.of(connlimit(c));
            }
            case "socket" -> {
                c.next();
                StringBuilder sb = new StringBuilder("-m socket");
                while (Set.of("--transparent", "--nowildcard", "--restore-skmark").contains(c.peek())) {
                    sb.append(' ').append(c.next());
                }
                return Optional.of(sb.toString());
            }
            case "owner" -> {
                return Optional.of(owner(c, negated));
            }
            case "PHYSDEV" -> {
                c.next();
                c.expect("match");
                return Optional.of(physdev(c));
            }
            case "PKTTYPE" -> {
                c.next();
                String op = c.value("= or !=");
                return Optional.of("-m pkttype " + (op.equals("!=") ? "! " : "") + "--pkt-type " + c.value("the packet type"));
            }
            case "length" -> {
                c.next();
                String v = c.value("the length");
                boolean inv = v.startsWith("!");
                return Optional.of("-m length " + (inv ? "! " : "") + "--length " + (inv ? v.substring(1) : v));
            }
            case "TTL", "HL" -> {
                String module = c.next();
                c.expect("match " + module);
                String op = c.value("==, !=, < or >");
                String n = c.value("the " + module);
                String opt = "--" + module.toLowerCase(java.util.Locale.ROOT);
                return Optional.of(switch (op) {
                    case "==" -> "-m " + module.toLowerCase(java.util.Locale.ROOT) + " " + opt + "-eq " + n;
                    case "!=" -> "-m " + module.toLowerCase(java.util.Locale.ROOT) + " ! " + opt + "-eq " + n;
                    case "<" -> "-m " + module.toLowerCase(java.util.Locale.ROOT) + " " + opt + "-lt " + n;
                    case ">" -> "-m " + module.toLowerCase(java.util.Locale.ROOT) + " " + opt + "-gt " + n;
                    default -> throw new ListingFormException("unknown " + module + " comparison '" + op + "'",
                            c.position(), "==, !=, < or >");
                });
            }
            case "rpfilter" -> {
                c.next();
                StringBuilder sb = new StringBuilder("-m rpfilter");
                while (Set.of("loose", "validmark", "accept-local", "invert").contains(c.peek())) {
                    sb.append(" --").append(c.next());
                }
                return Optional.of(sb.toString());
            }
            case "source", "destination" -> {
                if (!c.peekSecond().equals("IP")) {
                    return Optional.empty();
                }
                String side = c.next();
                c.expect("IP range");
                boolean inv = c.accept("!");
                return Optional.of("-m iprange " + (inv ? "! " : "") + (side.equals("source") ? "--src-range " : "--dst-range ")
                        + c.value("the address range"));
            }
            case "MAC" -> {
                c.next();
                boolean inv = c.accept("!");
                return Optional.of("-m mac " + (inv ? "! " : "") + "--mac-source " + c.value("the MAC address"));
            }
            default -> {
                if (w.startsWith("icmptype") || w.equals("icmp")) {
                    return Optional.of(icmp(c, "icmp", "--icmp-type"));
                }
                if (w.startsWith("ipv6-icmptype") || w.equals("ipv6-icmp")) {
                    return Optional.of(icmp(c, "icmp6", "--icmpv6-type"));
                }
                return Optional.empty();
            }
        }
    }

    /** {@code tcp spt:X dpts:!A:B option=N flags:0xM/0xC}, {@code udp ...}, {@code sctp ...}. */
    private static String ports(TailCursor c, String proto) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m ").append(proto);
        while (!c.atEnd()) {
            String w = c.peek();
            if (w.startsWith("spt:") || w.startsWith("spts:") || w.startsWith("dpt:") || w.startsWith("dpts:")) {
                c.next();
                boolean range = w.charAt(3) == 's';
                String v = w.substring(range ? 5 : 4);
                boolean inv = v.startsWith("!");
                sb.append(inv ? " !" : "").append(w.startsWith("s") ? " --sport " : " --dport ").append(inv ? v.substring(1) : v);
            } else if (w.startsWith("option=") && proto.equals("tcp")) {
                c.next();
                String v = w.substring(7);
                boolean inv = v.startsWith("!");
                sb.append(inv ? " !" : "").append(" --tcp-option ").append(inv ? v.substring(1) : v);
            } else if (w.startsWith("flags:") && proto.equals("tcp")) {
                int at = c.position();
                c.next();
                String v = w.substring(6);
                boolean inv = v.startsWith("!");
                String[] mc = (inv ? v.substring(1) : v).split("/");
                if (mc.length != 2) {
                    throw new ListingFormException("tcp flags '" + w + "'", at, "flags:0xMASK/0xCOMP");
                }
                sb.append(inv ? " !" : "").append(" --tcp-flags ").append(tcpFlags(hex(mc[0], at))).append(' ')
                        .append(tcpFlags(hex(mc[1], at)));
            } else if (w.equals("unknown") || w.equals("chunk-types")) {
                throw new ListingFormException(proto + " option '" + c.rest() + "'", c.position(),
                        "spt:, dpt:, option= or flags:");
            } else {
                break;
            }
        }
        return sb.toString();
    }

    /** iptables-save's names of TCP flags, in its order ({@code FIN,SYN,RST,ACK}), {@code NONE} for none. */
    static String tcpFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < TCP_FLAGS.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(TCP_FLAGS[i]);
            }
        }
        return sb.length() == 0 ? "NONE" : sb.toString();
    }

    private static int hex(String v, int at) throws ListingFormException {
        try {
            return Integer.decode(v);
        } catch (NumberFormatException e) {
            throw new ListingFormException("'" + v + "' is not a number", at, "0xHEX");
        }
    }

    /** The words of one conntrack match: {@code [!] ctstate NEW [!] ctorigdst ADDR ...}, each option once. */
    private static String conntrack(TailCursor c, boolean negated) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m conntrack");
        Set<String> seen = new java.util.HashSet<>();
        boolean inv = negated;
        while (true) {
            String w = c.peek();
            if (!CT_WORDS.contains(w) || !seen.add(w)) {
                break;
            }
            c.next();
            sb.append(inv ? " !" : "").append(" --").append(w).append(' ').append(c.value("the value of " + w));
            int save = c.position();
            inv = c.accept("!");
            if (inv && !CT_WORDS.contains(c.peek()) || inv && seen.contains(c.peek())) {
                c.reset(save);
                break;
            }
        }
        return sb.toString();
    }

    /** A module whose listed words are its save options without their {@code --} ({@code statistic}). */
    private static String prefixed(TailCursor c, Set<String> words, String module) throws ListingFormException {
        StringBuilder sb = new StringBuilder();
        while (!c.atEnd()) {
            String w = c.peek();
            if (w.equals("!") && words.contains(c.peekSecond())) {
                c.next();
                sb.append(" !");
                continue;
            }
            if (!words.contains(w)) {
                break;
            }
            c.next();
            sb.append(" --").append(w).append(' ').append(c.value("the value of " + module + " " + w));
        }
        if (sb.indexOf("--mode nth") >= 0 && sb.indexOf("--packet") < 0) {
            sb.append(" --packet 0");
        }
        return sb.toString();
    }

    /** {@code recent: CHECK seconds: N reap hit_count: N TTL-Match name: X side: source mask: M}. */
    private static String recent(TailCursor c, String not) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m recent").append(not.isEmpty() ? "" : " !");
        String command = switch (c.peek()) {
            case "SET" -> " --set";
            case "CHECK" -> " --rcheck";
            case "UPDATE" -> " --update";
            case "REMOVE" -> " --remove";
            default -> throw new ListingFormException("recent command '" + c.peek() + "'", c.position(),
                    "SET, CHECK, UPDATE or REMOVE");
        };
        c.next();
        sb.append(command);
        if (c.accept("seconds:")) {
            sb.append(" --seconds ").append(c.value("the seconds"));
        }
        if (c.accept("reap")) {
            sb.append(" --reap");
        }
        if (c.accept("hit_count:")) {
            sb.append(" --hitcount ").append(c.value("the hit count"));
        }
        if (c.accept("TTL-Match")) {
            sb.append(" --rttl");
        }
        c.expect("name:");
        sb.append(" --name ").append(c.value("the list name"));
        String side = "";
        if (c.accept("side:")) {
            String s = c.value("source or dest");
            side = s.equals("source") ? " --rsource" : s.equals("dest") ? " --rdest" : null;
            if (side == null) {
                throw new ListingFormException("recent side '" + s + "'", c.position(), "source or dest");
            }
        }
        if (c.accept("mask:")) {
            sb.append(" --mask ").append(c.value("the mask"));
        }
        return sb.append(side).toString();
    }

    /** {@code match-set NAME src,dst [return-nomatch] [! update-counters] [! update-subcounters] [packets-eq N]...}. */
    private static String set(TailCursor c, String not) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m set ").append(not).append("--match-set ").append(c.value("the set name"))
                .append(' ').append(c.value("the directions (src,dst)"));
        Set<String> flags = Set.of("return-nomatch", "update-counters", "update-subcounters");
        while (!c.atEnd()) {
            int save = c.position();
            boolean inv = c.accept("!");
            String w = c.peek();
            if (flags.contains(w)) {
                c.next();
                sb.append(inv ? " !" : "").append(" --").append(w);
            } else if (w.matches("(packets|bytes)-(eq|lt|gt)")) {
                c.next();
                sb.append(inv ? " !" : "").append(" --").append(w).append(' ').append(c.value("the count"));
            } else {
                c.reset(save);
                break;
            }
        }
        return sb.toString();
    }

    /** {@code ADDRTYPE match src-type [!]T dst-type [!]T limit-in limit-out}. */
    private static String addrtype(TailCursor c) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m addrtype");
        for (String side : new String[] {"src-type", "dst-type"}) {
            if (c.accept(side)) {
                String v = c.value("the address types");
                boolean inv = false;
                if (v.equals("!")) {
                    inv = true;
                    v = c.value("the address types");
                } else if (v.startsWith("!")) {
                    inv = true;
                    v = v.substring(1);
                }
                sb.append(inv ? " !" : "").append(" --").append(side).append(' ').append(v);
            }
        }
        if (c.accept("limit-in")) {
            sb.append(" --limit-iface-in");
        }
        if (c.accept("limit-out")) {
            sb.append(" --limit-iface-out");
        }
        return sb.toString();
    }

    /** {@code #conn src/32 > 2} (above) or {@code <= 2} (upto). */
    private static String connlimit(TailCursor c) throws ListingFormException {
        String side = c.value("src/MASK or dst/MASK");
        String op = c.value("> or <=");
        String n = c.value("the connection count");
        int slash = side.indexOf('/');
        if (slash < 0 || !(side.startsWith("src") || side.startsWith("dst")) || !(op.equals(">") || op.equals("<="))) {
            throw new ListingFormException("connlimit '#conn " + side + " " + op + " " + n + "'", c.position(),
                    "#conn src/MASK > N or #conn src/MASK <= N");
        }
        return "-m connlimit " + (op.equals(">") ? "--connlimit-above " : "--connlimit-upto ") + n + " --connlimit-mask "
                + side.substring(slash + 1) + (side.startsWith("src") ? " --connlimit-saddr" : " --connlimit-daddr");
    }

    /** {@code [!] owner UID match N [!] owner GID match N [!] owner socket exists incl. suppl. groups}. */
    private static String owner(TailCursor c, boolean negated) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m owner");
        boolean inv = negated;
        while (true) {
            if (c.accept("owner UID match")) {
                sb.append(inv ? " !" : "").append(" --uid-owner ").append(c.value("the UID"));
            } else if (c.accept("owner GID match")) {
                sb.append(inv ? " !" : "").append(" --gid-owner ").append(c.value("the GID"));
            } else if (c.accept("owner socket exists")) {
                sb.append(inv ? " !" : "").append(" --socket-exists");
            } else {
                throw new ListingFormException("owner match '" + c.rest() + "'", c.position(),
                        "owner UID match N, owner GID match N or owner socket exists");
            }
            if (c.accept("incl. suppl. groups")) {
                sb.append(" --suppl-groups");
            }
            int save = c.position();
            inv = c.accept("!");
            if (!c.peek().equals("owner")) {
                c.reset(save);
                return sb.toString();
            }
        }
    }

    /** {@code PHYSDEV match [!] --physdev-in X ...}: its options as iptables-save writes them. */
    private static String physdev(TailCursor c) throws ListingFormException {
        StringBuilder sb = new StringBuilder("-m physdev");
        while (!c.atEnd()) {
            int save = c.position();
            boolean inv = c.accept("!");
            String w = c.peek();
            if (w.equals("--physdev-in") || w.equals("--physdev-out")) {
                c.next();
                sb.append(inv ? " !" : "").append(' ').append(w).append(' ').append(c.value("the device"));
            } else if (w.startsWith("--physdev-is-")) {
                c.next();
                sb.append(inv ? " !" : "").append(' ').append(w);
            } else {
                c.reset(save);
                break;
            }
        }
        return sb.toString();
    }

    /** {@code icmptype 8 [code 0|codes 1-2]} or {@code icmp !type 8} / {@code icmp any}, and ICMPv6's. */
    private static String icmp(TailCursor c, String module, String option) throws ListingFormException {
        String w = c.next();
        boolean inv = false;
        String type;
        if (w.endsWith("type")) {
            type = c.value("the type");
        } else {
            String v = c.value("the type");
            if (v.equals("any")) {
                return "-m " + module + " " + option + " any";
            }
            if (v.startsWith("!type")) {
                inv = true;
            } else if (!v.equals("type")) {
                throw new ListingFormException(w + " '" + v + "'", c.position(), "type N");
            }
            type = c.value("the type");
        }
        String code = "";
        if (module.equals("icmp") && type.equals("255") && !c.peek().startsWith("code")) {
            return "-m icmp" + (inv ? " !" : "") + " --icmp-type any";
        }
        if (c.accept("code")) {
            code = "/" + c.value("the code");
        } else if (c.accept("codes")) {
            throw new ListingFormException(w + " with a code range", c.position(), "code N");
        }
        return "-m " + module + (inv ? " !" : "") + " " + option + " " + type + code;
    }
}
