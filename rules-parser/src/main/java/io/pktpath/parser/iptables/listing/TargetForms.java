package io.pktpath.parser.iptables.listing;

import java.util.Set;

/**
 * The targets as {@code iptables -nvL} prints their options (after the matches), turned back into iptables-save's
 * {@code -j TARGET --options}: {@code MARK or 0x4000} is {@code -j MARK --set-xmark 0x4000/0x4000}, {@code to:IP:PORT}
 * of DNAT is {@code --to-destination IP:PORT}; a target without options (ACCEPT, a user chain) prints nothing.
 */
final class TargetForms {
    /** Targets whose listing prints nothing after the matches. */
    private static final Set<String> BARE = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE", "TRACE");

    private TargetForms() {
    }

    /** The {@code -j TARGET ...} (or {@code -g CHAIN}) of a rule whose target column is {@code target}; consumes all. */
    static String read(TailCursor c, String target, boolean goTo) throws ListingFormException {
        if (target.isEmpty()) {
            return done(c, "", "no target (the target column is empty)");
        }
        if (goTo) {
            return done(c, "-g " + target, "nothing after the matches of a rule that goes to chain " + target);
        }
        String j = "-j " + target;
        return switch (target) {
            case "MARK" -> done(c, j + mark(c, "MARK"), "MARK and|or|xor|set V or MARK xset V/M");
            case "CONNMARK" -> done(c, j + connmark(c), "CONNMARK save|restore [mask M] or CONNMARK set V");
            case "DNAT", "SNAT" -> done(c, j + nat(c, target.equals("DNAT") ? "--to-destination" : "--to-source"),
                    "to:ADDR[:PORT] [random] [random-fully] [persistent]");
            case "MASQUERADE" -> done(c, j + masquerade(c), "[masq ports: P] [random] [random-fully]");
            case "REDIRECT" -> done(c, j + redirect(c), "redir ports P [random]");
            case "REJECT" -> done(c, j + (c.accept("reject-with") ? " --reject-with " + c.value("the reject type") : ""),
                    "reject-with TYPE");
            case "TPROXY" -> done(c, j + tproxy(c), "TPROXY redirect ADDR:PORT mark V/M");
            case "CT" -> ct(c);
            case "NOTRACK" -> done(c, j, "nothing");
            case "SET" -> done(c, j + setTarget(c), "add-set|del-set NAME DIRS [exist] [timeout N]");
            case "TCPMSS" -> done(c, j + tcpmss(c), "TCPMSS clamp to PMTU or TCPMSS set N");
            case "LOG" -> done(c, j + log(c), "LOG flags N level N [prefix \"P\"]");
            case "NFLOG" -> done(c, j + nflog(c), "nflog-prefix P, nflog-group N, nflog-range N, nflog-threshold N");
            case "NFQUEUE" -> done(c, j + nfqueue(c), "NFQUEUE num N or NFQUEUE balance A:B [bypass] [cpu-fanout]");
            case "NETMAP" -> done(c, j + (c.accept("to:") ? " --to " + c.value("the network") : netmapTo(c)), "to:NET/LEN");
            case "CHECKSUM" -> done(c, j + (c.accept("CHECKSUM fill") ? " --checksum-fill" : ""), "CHECKSUM fill");
            default -> done(c, j, BARE.contains(target) ? "nothing after the matches of " + target
                    : "a match print, or nothing before the jump to chain " + target);
        };
    }

    private static String done(TailCursor c, String save, String expected) throws ListingFormException {
        if (!c.atEnd()) {
            throw new ListingFormException("unknown listed form '" + c.rest() + "'", c.position(),
                    "a match as iptables -nvL prints it, then the target's options: " + expected);
        }
        return save;
    }

    private static String mark(TailCursor c, String word) throws ListingFormException {
        c.expect(word);
        String op = c.value("and, or, xor, set or xset");
        String v = c.value("the mark");
        return switch (op) {
            case "and" -> " --set-xmark 0x0/" + hex(~parse(v, c));
            case "or" -> " --set-xmark " + v + "/" + v;
            case "xor" -> " --set-xmark " + v + "/0x0";
            case "set" -> " --set-xmark " + v + "/0xffffffff";
            case "xset" -> " --set-xmark " + v;
            default -> throw new ListingFormException(word + " operation '" + op + "'", c.position(),
                    "and, or, xor, set or xset");
        };
    }

    private static String connmark(TailCursor c) throws ListingFormException {
        boolean save;
        if (c.accept("CONNMARK save")) {
            save = true;
        } else if (c.accept("CONNMARK restore")) {
            save = false;
        } else {
            return mark(c, "CONNMARK");
        }
        String nf = "0xffffffff";
        String ct = "0xffffffff";
        if (c.accept("mask")) {
            nf = c.value("the mask");
            ct = nf;
        } else if (c.accept("nfmask")) {
            nf = c.value("the nfmask");
            c.expect("ctmask");
            ct = tilde(c.value("the ctmask"));
        } else if (c.accept("ctmask")) {
            ct = c.value("the ctmask");
            c.expect("nfmask");
            nf = tilde(c.value("the nfmask"));
        }
        return (save ? " --save-mark" : " --restore-mark") + " --nfmask " + nf + " --ctmask " + ct;
    }

    private static String tilde(String v) {
        return v.startsWith("~") ? v.substring(1) : v;
    }

    private static String nat(TailCursor c, String option) throws ListingFormException {
        StringBuilder sb = new StringBuilder();
        while (c.peek().startsWith("to:")) {
            sb.append(' ').append(option).append(' ').append(c.next().substring(3));
        }
        if (sb.length() == 0) {
            throw new ListingFormException("no 'to:' in a NAT rule", c.position(), "to:ADDR[:PORT]");
        }
        return sb.append(natFlags(c)).toString();
    }

    private static String natFlags(TailCursor c) {
        StringBuilder sb = new StringBuilder();
        for (String flag : new String[] {"random", "random-fully", "persistent"}) {
            if (c.accept(flag)) {
                sb.append(" --").append(flag);
            }
        }
        return sb.toString();
    }

    private static String masquerade(TailCursor c) throws ListingFormException {
        String ports = c.accept("masq ports:") ? " --to-ports " + c.value("the ports") : "";
        return ports + natFlags(c);
    }

    private static String redirect(TailCursor c) throws ListingFormException {
        String ports = c.accept("redir ports") ? " --to-ports " + c.value("the ports") : "";
        return ports + natFlags(c);
    }

    private static String tproxy(TailCursor c) throws ListingFormException {
        c.expect("TPROXY redirect");
        String to = c.value("ADDR:PORT");
        int colon = to.lastIndexOf(':');
        if (colon < 0) {
            throw new ListingFormException("TPROXY address '" + to + "'", c.position(), "ADDR:PORT");
        }
        String ip = to.substring(0, colon);
        if (ip.startsWith("[") && ip.endsWith("]")) {
            ip = ip.substring(1, ip.length() - 1);
        }
        String mark = c.accept("mark") ? " --tproxy-mark " + c.value("the mark") : "";
        return " --on-port " + to.substring(colon + 1) + " --on-ip " + ip + mark;
    }

    private static String ct(TailCursor c) throws ListingFormException {
        if (c.accept("NOTRACK")) {
            return done(c, "-j NOTRACK", "nothing after NOTRACK");
        }
        if (c.accept("CT notrack")) {
            return done(c, "-j CT --notrack", "nothing after CT notrack");
        }
        StringBuilder sb = new StringBuilder("-j CT");
        c.expect("CT");
        while (!c.atEnd()) {
            String w = c.next();
            switch (w) {
                case "zone", "helper", "timeout", "ctevents", "expevents" -> sb.append(" --").append(w).append(' ')
                        .append(c.value("the value of CT " + w));
                default -> throw new ListingFormException("CT option '" + w + "'", c.position(),
                        "CT notrack, CT zone N or CT helper NAME");
            }
        }
        return sb.toString();
    }

    private static String setTarget(TailCursor c) throws ListingFormException {
        StringBuilder sb = new StringBuilder();
        for (String op : new String[] {"add-set", "del-set", "map-set"}) {
            if (c.accept(op)) {
                sb.append(" --").append(op).append(' ').append(c.value("the set name")).append(' ')
                        .append(c.value("the directions"));
            }
        }
        if (c.accept("exist")) {
            sb.append(" --exist");
        }
        if (c.accept("timeout")) {
            sb.append(" --timeout ").append(c.value("the timeout"));
        }
        return sb.toString();
    }

    private static String tcpmss(TailCursor c) throws ListingFormException {
        if (c.accept("TCPMSS clamp to PMTU")) {
            return " --clamp-mss-to-pmtu";
        }
        c.expect("TCPMSS set");
        return " --set-mss " + c.value("the MSS");
    }

    private static String log(TailCursor c) throws ListingFormException {
        c.expect("LOG flags");
        int flags = parse(c.value("the flags"), c);
        c.expect("level");
        String level = c.value("the level");
        StringBuilder sb = new StringBuilder();
        if (c.accept("prefix")) {
            String rest = c.rest();
            if (!rest.startsWith("\"") || !rest.endsWith("\"") || rest.length() < 2) {
                throw new ListingFormException("LOG prefix " + rest, c.position(), "prefix \"TEXT\"");
            }
            sb.append(" --log-prefix ").append(SaveText.quoted(rest.substring(1, rest.length() - 1)));
            c.reset(c.position() + rest.length());
        }
        if (!level.equals("4")) {
            sb.append(" --log-level ").append(level);
        }
        String[] names = {"--log-tcp-sequence", "--log-tcp-options", "--log-ip-options", "--log-uid", null, "--log-macdecode"};
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && (flags & (1 << i)) != 0) {
                sb.append(' ').append(names[i]);
            }
        }
        return sb.toString();
    }

    private static String nflog(TailCursor c) throws ListingFormException {
        StringBuilder sb = new StringBuilder();
        if (c.accept("nflog-prefix")) {
            String p = c.value("the prefix");
            if (p.startsWith("\"")) {
                throw new ListingFormException("a quoted NFLOG prefix", c.position(), "nflog-prefix WORD");
            }
            sb.append(" --nflog-prefix ").append(p);
        }
        for (String w : new String[] {"nflog-group", "nflog-range", "nflog-size", "nflog-threshold"}) {
            if (c.accept(w)) {
                sb.append(" --").append(w).append(' ').append(c.value("the value of " + w));
            }
        }
        return sb.toString();
    }

    private static String nfqueue(TailCursor c) throws ListingFormException {
        c.expect("NFQUEUE");
        StringBuilder sb = new StringBuilder();
        if (c.accept("num")) {
            sb.append(" --queue-num ").append(c.value("the queue number"));
        } else if (c.accept("balance")) {
            sb.append(" --queue-balance ").append(c.value("the queue range"));
        }
        if (c.accept("bypass")) {
            sb.append(" --queue-bypass");
        }
        if (c.accept("cpu-fanout")) {
            sb.append(" --queue-cpu-fanout");
        }
        return sb.toString();
    }

    private static String netmapTo(TailCursor c) throws ListingFormException {
        String w = c.value("to:NET/LEN");
        if (!w.startsWith("to:")) {
            throw new ListingFormException("NETMAP '" + w + "'", c.position(), "to:NET/LEN");
        }
        return " --to " + w.substring(3);
    }

    private static int parse(String v, TailCursor c) throws ListingFormException {
        try {
            return Integer.decode(v) ;
        } catch (NumberFormatException e) {
            try {
                return (int) Long.decode(v).longValue();
            } catch (NumberFormatException e2) {
                throw new ListingFormException("'" + v + "' is not a number", c.position(), "a number");
            }
        }
    }

    private static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
