package io.pktpath.core.verify;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code nft monitor trace} output for one family (ip6, or ip) into the {@code xtables-monitor --trace} form
 * {@link KernelTraceParser} reads, so packets can be compared where xtables-monitor 1.8.9 loses them (IPv6 events; any
 * event once it meets a rule it cannot parse, such as kube-proxy's concatenations, when it exits): each traced rule is
 * located in {@code nft -a list ruleset} by its text, and its position there names the {@code iptables-save} /
 * {@code ip6tables-save} rule whose text the step then carries (a native table's rule keeps its nft text).
 */
public final class NftTraceConverter {
    private static final Pattern LINE = Pattern.compile(
            "^trace id (\\S+) (ip6|ip|inet|netdev|bridge|arp) (\\S+) (\\S+) (packet:|rule|policy)(.*)$");
    private static final Pattern VERDICT = Pattern.compile("\\(verdict ([a-z]+)(?: (\\S+))?\\)\\s*$");

    private NftTraceConverter() {
    }

    /**
     * The xtables-monitor equivalent of every ip6 packet, rule and policy line, one output line per input line (other
     * lines become comments) so line numbers stay those of the nft trace; rules not found keep their nft text.
     */
    /** The raw IPv6 header nft prints for a packet it cannot decode: its payload length is the fifth and sixth byte. */
    private static final Pattern RAW_IP6 = Pattern.compile("ether type ip6 @th,0,\\d+ 0x6[0-9a-f]{7}([0-9a-f]{4})");

    public static String convert(String nftTrace, String nftRuleset, Optional<Ruleset> ip6tables) {
        return convert(nftTrace, nftRuleset, ip6tables, "ip6");
    }

    /**
     * As {@link #convert(String, String, Optional)} for the family {@code ip6} or {@code ip}, with that family's dump.
     * A native inet table's lines of a packet of that family (its {@code packet:} line names {@code ip6 saddr} or
     * {@code ip saddr}) become xtables-monitor's family-1 lines ({@code PACKET: 1 ID ... NFPROTO=10 ...}, {@code TRACE:
     * 1 ID table:chain:rule:0x0:VERDICT  nft: RULE}), compared like those on table, chain and verdict; a netdev
     * table's (ingress) lines of such a packet become family-5 lines the same way (no NFPROTO: its header names it), a
     * bridge table's family-7 lines with the frame's MAC addresses and ether type (xtables-monitor prints an IPv6
     * frame's bridge lines, {@link Verifier} leaves them out of its log for this one).
     */
    public static String convert(String nftTrace, String nftRuleset, Optional<Ruleset> iptables, String family) {
        NftRuleIndex index = NftRuleIndex.parse(nftRuleset, family);
        String number = family.equals("ip6") ? "10" : "2";
        java.util.Map<String, Boolean> inetOfFamily = new java.util.HashMap<>();
        List<String> out = new ArrayList<>();
        for (String raw : nftTrace.split("\n")) {
            Matcher m = LINE.matcher(raw.strip());
            boolean inet = m.matches() && (m.group(2).equals("inet") || m.group(2).equals("netdev")
                    || m.group(2).equals("bridge"));
            boolean bridge = inet && m.group(2).equals("bridge");
            String nativeFamily = !inet ? "" : bridge ? "7" : m.group(2).equals("netdev") ? "5" : "1";
            if (inet && m.group(5).equals("packet:")) {
                // a packet nft cannot decode (a non-first IPv6 fragment) shows its ether type and raw header only
                inetOfFamily.put(m.group(1), (" " + m.group(6)).contains(" " + family + " saddr ")
                        || (m.group(6) + " ").contains(" ether type " + family + " "));
            }
            if (!m.matches() || !(m.group(2).equals(family) || inet && inetOfFamily.getOrDefault(m.group(1), false))) {
                out.add("# " + raw.strip());
                continue;
            }
            String id = m.group(1);
            String table = m.group(3);
            String chain = m.group(4);
            String rest = m.group(6).strip();
            String lineFamily = inet ? nativeFamily : number;
            switch (m.group(5)) {
                case "packet:" -> out.add("PACKET: " + lineFamily + " " + id + " " + (inet && nativeFamily.equals("1")
                        ? "NFPROTO=" + number + " " : "") + header(rest, family) + (bridge ? macFields(rest, family) : ""));
                case "policy" -> out.add(" TRACE: " + lineFamily + " " + id + " " + table + ":" + chain + ":policy:"
                        + rest.toUpperCase());
                default -> out.add(inet ? nativeRule(lineFamily, id, table, chain, rest) : rule(id, table, chain, rest, index,
                        iptables, number));
            }
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * One warning per non-blank line of an {@code nft monitor trace} log that is not a trace line (a corrupted or
     * foreign line), as {@code FILE:LINE:1: warning[TRC003]: ...}: the conversion skips such lines.
     */
    public static List<String> unreadLines(String file, String nftTrace) {
        Diagnostics diagnostics = new Diagnostics();
        String[] lines = nftTrace.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String stripped = lines[i].strip();
            if (!stripped.isEmpty() && !LINE.matcher(stripped).matches()) {
                diagnostics.warning("TRC003", "not a line of nft monitor trace; skipped",
                        "trace id ID ip|ip6|inet|netdev|bridge|arp TABLE CHAIN packet:|rule|policy ...",
                        SourceSpan.line(file, i + 1).atColumn(1), lines[i]);
            }
        }
        return diagnostics.toList().stream().map(Diagnostic::headline).toList();
    }

    /**
     * A bridge table's frame addresses and ether type as xtables-monitor's family-7 PACKET line names them ({@code
     * MACSRC=}, {@code MACDST=}, {@code MACPROTO=}), which tell two frames under a reused trace id apart.
     */
    private static String macFields(String packet, String family) {
        String[] t = packet.split("\\s+");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 2 < t.length; i++) {
            if (t[i].equals("ether") && (t[i + 1].equals("saddr") || t[i + 1].equals("daddr"))) {
                sb.append(t[i + 1].equals("saddr") ? " MACSRC=" : " MACDST=").append(t[i + 2]);
            }
        }
        return sb.append(" MACPROTO=").append(family.equals("ip6") ? "86dd" : "0800").toString();
    }

    /** A native inet table's traced rule as xtables-monitor prints it, its nft text kept. */
    private static String nativeRule(String lineFamily, String id, String table, String chain, String rest) {
        Traced t = Traced.of(rest);
        return " TRACE: " + lineFamily + " " + id + " " + table + ":" + chain + ":rule:0x0:" + t.verdict() + "  nft: "
                + NftRuleIndex.normalize(t.text());
    }

    /** A traced rule's verdict as xtables-monitor writes it ({@code CONTINUE} if nft printed none) and its text. */
    private record Traced(String verdict, String text) {
        static Traced of(String rest) {
            Matcher v = VERDICT.matcher(rest);
            if (!v.find()) {
                return new Traced("CONTINUE", rest);
            }
            String verdict = v.group(2) == null ? v.group(1).toUpperCase() : v.group(1).toUpperCase() + ":" + v.group(2);
            return new Traced(verdict, rest.substring(0, v.start()));
        }
    }

    private static String rule(String id, String table, String chain, String rest, NftRuleIndex index,
                               Optional<Ruleset> ip6tables, String number) {
        Traced traced = Traced.of(rest);
        String verdict = traced.verdict();
        String text = traced.text();
        Optional<Integer> position = index.position(table, chain, text);
        String iptables = position.flatMap(p -> ip6tables.flatMap(r -> r.table(table)).flatMap(t -> t.chain(chain))
                .flatMap(c -> c.rule(p))).map(Rule::text).orElse("nft: " + NftRuleIndex.normalize(text));
        String handle = "0x" + Integer.toHexString(position.orElse(0));
        return " TRACE: " + number + " " + id + " " + table + ":" + chain + ":rule:" + handle + ":" + verdict + "  "
                + (number.equals("10") ? "-6" : "-4") + " -t " + table + " " + iptables;
    }

    /**
     * {@code iif "eth0" ... ip6 saddr A ip6 daddr B ... ip6 length N tcp sport P tcp dport Q} as KEY=value fields, with
     * the transport protocol's number as {@code PROTO=} (the first of {@code tcp sport}, {@code udp sport},
     * {@code icmpv6 type}, ...), which xtables-monitor does not print.
     */
    static String header(String packet) {
        return header(packet, "ip6");
    }

    /**
     * The packet fields of one family ({@code ip6}, or {@code ip}: its {@code id} is ID=, its length the total); a
     * packet shown as {@code ether type ip6 @th,0,160 0x...} (nft decodes no field of a non-first IPv6 fragment) has
     * its length read from the raw IPv6 header.
     */
    static String header(String packet, String family) {
        Matcher raw = RAW_IP6.matcher(packet);
        if (family.equals("ip6") && raw.find() && !packet.contains(" ip6 saddr ")) {
            String iif = header(packet.substring(0, raw.start()), "none");
            return (iif + " LEN=" + lengthAsXtables(Integer.toString(Integer.parseInt(raw.group(1), 16)))).strip();
        }
        String[] t = packet.split("\\s+");
        StringBuilder sb = new StringBuilder();
        boolean protocol = false;
        for (int i = 0; i + 1 < t.length; i++) {
            String value = t[i + 1].replace("\"", "");
            int number = protocol ? -1 : transportNumber(t[i], value);
            if (number >= 0) {
                sb.append("PROTO=").append(number).append(' ');
                protocol = true;
            }
            switch (t[i]) {
                case "iif" -> sb.append("IN=").append(value).append(' ');
                case "oif" -> sb.append("OUT=").append(value).append(' ');
                case "saddr" -> sb.append(i > 0 && t[i - 1].equals(family) ? "SRC=" + value + " " : "");
                case "daddr" -> sb.append(i > 0 && t[i - 1].equals(family) ? "DST=" + value + " " : "");
                case "length" -> sb.append(i > 0 && t[i - 1].equals(family)
                        ? "LEN=" + (family.equals("ip6") ? lengthAsXtables(value) : value) + " " : "");
                case "id" -> sb.append(i > 0 && t[i - 1].equals("ip") && family.equals("ip") ? "ID=" + value + " " : "");
                case "sport" -> sb.append("SPORT=").append(value).append(' ');
                case "flags" -> sb.append(i > 0 && t[i - 1].equals("tcp") ? "TCPFLAGS=" + tcpFlags(t, i + 1) + " " : "");
                case "dport" -> sb.append("DPORT=").append(value).append(' ');
                default -> { }
            }
        }
        return sb.toString().strip();
    }

    /**
     * {@code tcp flags == syn | ack} or {@code tcp flags 0x18} as one word ({@code syn|ack}, {@code 0x18}): with it two
     * segments of one flow under a reused trace id (an IPv6 header has no id) are told apart.
     */
    private static String tcpFlags(String[] t, int from) {
        int i = from < t.length && t[from].equals("==") ? from + 1 : from;
        StringBuilder sb = new StringBuilder(i < t.length ? t[i] : "");
        while (i + 2 < t.length && t[i + 1].equals("|")) {
            sb.append('|').append(t[i + 2]);
            i += 2;
        }
        return sb.toString();
    }

    /** The protocol number nft names by {@code name} when followed by one of its header fields, else -1. */
    private static int transportNumber(String name, String field) {
        return switch (name) {
            case "tcp" -> field.equals("sport") || field.equals("dport") || field.equals("flags") ? 6 : -1;
            case "udp" -> field.equals("sport") || field.equals("dport") || field.equals("length") ? 17 : -1;
            case "icmpv6" -> field.equals("type") || field.equals("code") ? 58 : -1;
            case "icmp" -> field.equals("type") || field.equals("code") ? 1 : -1;
            case "sctp" -> field.equals("sport") || field.equals("dport") ? 132 : -1;
            default -> -1;
        };
    }

    /** xtables-monitor prints an IPv6 payload length plus 20; the converted line keeps that convention. */
    private static String lengthAsXtables(String payload) {
        try {
            return Integer.toString(Integer.parseInt(payload) + 20);
        } catch (NumberFormatException e) {
            return payload;
        }
    }

}
