package io.pktpath.parser.bundle;

import io.pktpath.parser.diag.ToolComplaint;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes a bundle file by its content, never its name: capture magic numbers (pcap {@code a1b2c3d4},
 * {@code a1b23c4d} in either byte order; pcapng {@code 0a0d0d0a}), then the shape of the text's significant lines.
 */
public final class ContentSniffer {
    private static final int SAMPLE_LINES = 200;
    private static final Pattern IFACE_HEADER = Pattern.compile("^\\d+: [^:\\s]+: <[^>]*>.*");
    /** A {@code bridge fdb show} entry: {@code MAC dev IFACE ...}. */
    private static final Pattern FDB_ENTRY = Pattern.compile("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\\s+dev\\s+\\S+.*");
    private static final Pattern INET_LINE = Pattern.compile("^\\s+inet6? .*");
    /** An {@code ip -o addr} line: {@code 2: eth0    inet 10.0.0.1/24 brd ... \       valid_lft ...}. */
    private static final Pattern ONELINE_ADDR = Pattern.compile("^\\d+: [^:\\s]+\\s+inet6? \\S+/\\d+.*");
    private static final Pattern RULE = Pattern.compile("^\\d+:\\s+(not\\s+)?from\\s+\\S+.*");
    private static final Pattern ROUTE = Pattern.compile("^((unicast|local|broadcast|multicast|blackhole|unreachable|prohibit"
            + "|throw|anycast|nat)\\s+)?(default|[0-9a-fA-F.:]+(/\\d+)?)(\\s+(via|dev|proto|scope|src|metric|table|nhid"
            + "|from|tos|pref|expires|mtu|onlink|linkdown|error)\\b.*|\\s*)$");
    private static final Pattern MADDR_HEADER = Pattern.compile("^\\d+:\\s+[^\\s\\\\]+\\\\?(\\s+(link|inet6?|family)\\s+\\S.*)?$");
    private static final Pattern MADDR_ENTRY = Pattern.compile("^\\s+(link|inet6?|family)\\s+\\S.*");
    private static final Pattern NEXTHOP = Pattern.compile("^\\s+nexthop\\b.*");
    private static final Pattern NEIGH = Pattern.compile("^[0-9a-fA-F.:]+\\s+dev\\s+\\S+.*\\b(PERMANENT|NOARP|REACHABLE|STALE"
            + "|DELAY|PROBE|INCOMPLETE|FAILED|NONE|proxy)\\s*$");
    private static final Pattern SYSCTL = Pattern.compile("^([a-z][a-z0-9_-]*(\\.[A-Za-z0-9_@:+/-]+)+|/proc/sys/\\S+)\\s*[=:].*");
    private static final Pattern CONNTRACK = Pattern.compile("^(ipv[46]\\s+\\d+\\s+)?[a-z0-9-]+\\s+\\d+\\s+\\d+\\s.*src=.*");
    private static final Pattern CONNTRACK_SUMMARY = Pattern.compile("^conntrack v\\S+ \\(conntrack-tools\\): .*");
    private static final Pattern CONNTRACK_STATS = Pattern.compile("^cpu=\\d+\\s+\\w+=\\d+.*");
    private static final Pattern IPSET_CREATE = Pattern.compile("^create \\S+ (hash|bitmap|list):\\S+.*");
    private static final Pattern SS_HEADER = Pattern.compile("^(Netid\\s+)?State\\s+Recv-Q\\s+Send-Q\\s+Local Address:Port\\b.*");
    private static final Pattern SS_ROW = Pattern.compile("^([a-z][a-z0-9_]*\\s+)?(LISTEN|UNCONN|ESTAB|SYN-SENT|SYN-RECV"
            + "|FIN-WAIT-[12]|TIME-WAIT|CLOSE-WAIT|LAST-ACK|CLOSING|CLOSED|UNKNOWN)\\s+\\d+\\s+\\d+\\s+\\S*:\\S+\\s+\\S+.*");
    private static final Pattern NFT_TABLE = Pattern.compile("^table\\s+\\S+(\\s+\\S+)?\\s*\\{\\s*(#.*)?$");
    private static final Pattern ARP_LISTED_CHAIN = Pattern.compile("^Chain\\s+\\S+\\s+\\((policy\\s+[A-Z]+|\\d+\\s+references?)[^)]*\\)$");
    /** What ebtables and arptables print for a table the kernel lacks or the node never created (an sosreport keeps it). */
    private static final Pattern NO_LINK_LAYER_TABLE = Pattern.compile("^(?:The kernel doesn't support the (ebtables|arptables) "
            + "'|(ebtables|arptables) v\\S+ \\([^)]*\\): table '\\S+' does not exist)");
    private static final Pattern EB_MARKERS = Pattern.compile("-p\\s+!?\\s*(IPv4|IPv6|ARP|RARP|802_1Q|LENGTH|0x[0-9a-fA-F]{4})\\b"
            + "|--(ip6?-(src|dst|proto|sport|dport|tos)|arp-|vlan-|pkttype-|logical-|among-|stp-|802_3-|mark-target|dnat-target"
            + "|snat-target|to-(src|dst))|\\s-[sd]\\s+!?\\s*[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}\\b");
    private static final Pattern ARP_MARKERS = Pattern.compile("--(opcode|h-length|h-type|proto-type|source-mac|destination-mac"
            + "|mangle-)|-j\\s+mangle\\b");
    private static final Pattern PLAIN_LISTING_COLUMNS = Pattern.compile("^\\s*(num\\s+)?target\\s+prot\\s+opt\\s+source"
            + "\\s+destination\\s*$");
    private static final Pattern RULE_COUNTERS = Pattern.compile("^\\[\\d+:\\d+\\] -A .*");

    /** The reason an empty (or blank) file is ignored; a file named with its kind adds what it was expected to hold. */
    public static final String EMPTY_FILE = "empty file";

    private ContentSniffer() {
    }

    /** Recognizes a file from its first bytes (for magic numbers) and its text. */
    public static Recognition recognize(byte[] head, String text) {
        if (isCapture(head)) {
            return Recognition.of(InputKind.CAPTURE);
        }
        if (text.isBlank()) {
            return Recognition.unknown(EMPTY_FILE);
        }
        if (text.indexOf('\0') >= 0) {
            return Recognition.unknown("binary file that is not a pcap or pcapng capture");
        }
        List<String> lines = significantLines(text);
        if (lines.isEmpty()) {
            return Recognition.unknown("comments only");
        }
        // a tool's complaint before its output (an sosreport keeps stderr: "RTNETLINK answers: Invalid argument" before
        // ss -peaonmi's listing in a namespace without some socket families) does not decide what the file is
        int complaints = 0;
        while (complaints < lines.size() - 1 && ToolComplaint.startsLine(lines.get(complaints))) {
            complaints++;
        }
        if (complaints > 0) {
            lines = lines.subList(complaints, lines.size());
        }
        String first = lines.get(0);
        if (conntrackEvents(lines)) {
            return Recognition.of(InputKind.CONNTRACK_EVENTS);
        }
        if (first.startsWith("[") || first.startsWith("{")) {
            return JsonShape.recognize(text);
        }
        Recognition listing = iptablesListing(lines);
        if (listing != null) {
            return listing;
        }
        Recognition linkLayer = linkLayer(lines, text);
        return linkLayer != null ? linkLayer : recognizeText(lines);
    }

    /**
     * An {@code iptables -nvL} listing (a chain header, then the {@code pkts bytes target ...} columns), or null; a
     * listing without {@code -v} is refused: it has no interface columns, so its rules cannot be replayed.
     */
    static Recognition iptablesListing(List<String> lines) {
        if (lines.size() < 2 || !io.pktpath.parser.iptables.listing.ListingReader.CHAIN.matcher(lines.get(0).strip()).matches()) {
            return null;
        }
        if (io.pktpath.parser.iptables.listing.ListingReader.COLUMNS.matcher(lines.get(1)).matches()) {
            return Recognition.of(InputKind.IPTABLES_LISTING);
        }
        if (PLAIN_LISTING_COLUMNS.matcher(lines.get(1)).matches()) {
            return Recognition.unknown("iptables -L listing without -v: it has no interface columns (in, out), so its"
                    + " rules cannot be replayed (iptables -nvL or iptables-save can)");
        }
        return null;
    }

    /**
     * ebtables or arptables rules, or null: an {@code ebtables -L} listing ({@code Bridge table:}), an
     * {@code arptables -L} one ({@code Chain INPUT (policy ACCEPT)} followed by rules written as options, where
     * {@code iptables -L} writes a column header), or a save whose chain declarations carry no {@code [packets:bytes]}
     * (iptables-save's always do); which tool saved it is read from its header comment, else from its tables and rules.
     */
    static Recognition linkLayer(List<String> lines, String text) {
        String first = lines.get(0).strip();
        Matcher noTable = NO_LINK_LAYER_TABLE.matcher(first);
        if (noTable.find() && lines.size() <= 4) {
            return Recognition.unknown((noTable.group(1) != null ? noTable.group(1) : noTable.group(2)) + " output without rules: '" + first + "'");
        }
        if (first.startsWith("Bridge table:") || first.startsWith("Bridge chain:")) {
            return Recognition.of(InputKind.EBTABLES);
        }
        if (ARP_LISTED_CHAIN.matcher(first).matches() && lines.stream().skip(1).map(String::strip)
                .allMatch(l -> ARP_LISTED_CHAIN.matcher(l).matches() || l.startsWith("-") || l.matches("^\\d+\\.?\\s+-.*"))) {
            return Recognition.of(InputKind.ARPTABLES);
        }
        List<String> declarations = lines.stream().filter(l -> l.startsWith(":")).toList();
        if (!first.startsWith("*") || declarations.isEmpty() || declarations.stream().anyMatch(l -> l.contains(" ["))) {
            return null;
        }
        String head = text.length() > 4096 ? text.substring(0, 4096) : text;
        if (head.contains("ebtables-save")) {
            return Recognition.of(InputKind.EBTABLES);
        }
        if (head.contains("arptables-save")) {
            return Recognition.of(InputKind.ARPTABLES);
        }
        boolean arp = lines.stream().anyMatch(l -> ARP_MARKERS.matcher(l).find());
        boolean eb = lines.stream().anyMatch(l -> l.equals("*nat") || l.equals("*broute") || EB_MARKERS.matcher(l).find());
        return Recognition.of(arp && !eb ? InputKind.ARPTABLES : InputKind.EBTABLES);
    }

    static boolean isCapture(byte[] h) {
        if (h.length < 4) {
            return false;
        }
        int magic = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        return magic == 0xa1b2c3d4 || magic == 0xd4c3b2a1 || magic == 0xa1b23c4d || magic == 0x4d3cb2a1
                || magic == 0x0a0d0d0a;
    }

    /**
     * The first {@link #SAMPLE_LINES} lines that are neither blank nor comments (lines end at {@code \n} or
     * {@code \r\n}), found by scanning only as far as they reach: a dump of tens of megabytes is not split whole.
     */
    static List<String> significantLines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(start, newline >= 0 && end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith(";")) {
                out.add(line.stripTrailing());
                if (out.size() == SAMPLE_LINES) {
                    break;
                }
            }
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
        return out;
    }

    private static Recognition recognizeText(List<String> lines) {
        String first = lines.get(0);
        // A table header followed by chain declarations or rules: the COMMIT of a large first table can lie far beyond
        // the sample, so it is not required.
        if (first.startsWith("*") && lines.stream().anyMatch(l -> l.strip().equals("COMMIT")
                || l.startsWith(":") && l.contains(" [") || l.startsWith("-A ") || RULE_COUNTERS.matcher(l).matches())) {
            return Recognition.of(lines.stream().anyMatch(l -> RULE_COUNTERS.matcher(l).matches())
                    ? InputKind.IPTABLES_COUNTERS : InputKind.IPTABLES_SAVE);
        }
        if (lines.stream().anyMatch(l -> l.startsWith("PACKET: ") || l.strip().startsWith("TRACE: ")
                || l.startsWith("trace id "))) {
            return Recognition.of(InputKind.TRACE_LOG);
        }
        if (first.startsWith(io.pktpath.parser.ipvs.IpvsadmParser.LISTING_HEADER) || lines.stream()
                .allMatch(l -> io.pktpath.parser.ipvs.IpvsadmParser.SAVE_LINE.matcher(l.strip()).matches())) {
            return Recognition.of(InputKind.IPVSADM);
        }
        if (NFT_TABLE.matcher(first.strip()).matches()
                || first.strip().equals("flush ruleset") && lines.stream().anyMatch(l -> l.startsWith("table "))) {
            return Recognition.of(InputKind.NFT_RULESET);
        }
        // the rows must exist: a file whose lines all start with a space (/proc/net/tcp, which an sosreport copies)
        // is not an ss listing, though none of its lines contradicts one
        List<String> unindented = lines.stream().filter(l -> !Character.isWhitespace(l.charAt(0))).toList();
        if (SS_HEADER.matcher(first).matches()
                || !unindented.isEmpty() && unindented.stream().allMatch(l -> SS_ROW.matcher(l).matches())) {
            return Recognition.of(InputKind.SOCKETS);
        }
        if (IFACE_HEADER.matcher(first).matches()) {
            return Recognition.of(lines.stream().anyMatch(l -> INET_LINE.matcher(l).matches()) ? InputKind.IP_ADDR
                    : InputKind.IP_LINK);
        }
        if (all(lines, ONELINE_ADDR)) {
            return Recognition.of(InputKind.IP_ADDR_ONELINE);
        }
        if (IPSET_CREATE.matcher(first).matches()) {
            return Recognition.of(InputKind.IPSET_SAVE);
        }
        if (MADDR_HEADER.matcher(first).matches() && lines.stream().allMatch(l -> MADDR_HEADER.matcher(l).matches()
                || MADDR_ENTRY.matcher(l).matches())) {
            return Recognition.of(InputKind.IP_MADDR);
        }
        if (all(lines, FDB_ENTRY)) {
            return Recognition.unknown("bridge fdb listing: not used (a bridged frame's port comes from the capture)");
        }
        if (all(lines, RULE)) {
            return Recognition.of(InputKind.IP_RULE);
        }
        if (all(lines, NEIGH)) {
            return Recognition.of(InputKind.IP_NEIGH);
        }
        if (lines.stream().allMatch(l -> ROUTE.matcher(l).matches() || NEXTHOP.matcher(l).matches())) {
            return Recognition.of(InputKind.IP_ROUTE);
        }
        if (all(lines, CONNTRACK_STATS)
                || io.pktpath.parser.conntrack.ConntrackStatsParser.isProcHeader(first)) {
            return Recognition.of(InputKind.CONNTRACK_STATS);
        }
        if (lines.stream().allMatch(l -> CONNTRACK.matcher(l).matches() || CONNTRACK_SUMMARY.matcher(l).matches())) {
            return Recognition.of(InputKind.CONNTRACK_LIST);
        }
        if (lines.size() <= 2 && KernelVersionParser.fromLine(first.strip()).isPresent()) {
            return Recognition.of(InputKind.KERNEL_VERSION);
        }
        if (lines.stream().filter(l -> SYSCTL.matcher(l.strip()).matches() || l.startsWith("sysctl: ")).count()
                >= Math.max(1, lines.size() * 9 / 10)) {
            return Recognition.of(InputKind.SYSCTL);
        }
        return Recognition.unknown("not a known input (text without iptables/ip/sysctl/ipset/conntrack/trace markers)");
    }

    /**
     * {@code conntrack -E}: event lines ({@code [NEW]}, {@code [UPDATE]}, {@code [DESTROY]}, after an optional
     * {@code -o timestamp} prefix) with tuples, at least 9 in 10 of the sample (a damaged line is the parser's to report);
     * {@code conntrack -L} lines never carry an event tag.
     */
    private static boolean conntrackEvents(List<String> lines) {
        long events = lines.stream().filter(l -> l.contains("src=")
                && io.pktpath.parser.conntrack.ConntrackEventParser.EVENT_START.matcher(l).find()).count();
        long summaries = lines.stream().filter(l -> CONNTRACK_SUMMARY.matcher(l.strip()).matches()).count();
        return events > 0 && events + summaries >= Math.max(1, lines.size() * 9 / 10);
    }

    private static boolean all(List<String> lines, Pattern p) {
        return lines.stream().allMatch(l -> p.matcher(l).matches());
    }
}
