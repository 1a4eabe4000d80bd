package io.pktpath.core.verify;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the output of {@code xtables-monitor --trace} (iptables-nft 1.8) into packets: lines are grouped by trace id,
 * and a new packet starts for an id when its raw table is entered again after the previous packet left it. A netdev
 * ingress chain's lines (family 5) come first, before raw: their {@code PACKET:} line shows the network header only as
 * hex ({@code NH=4500003c...}, a byte from 0x80 up printed as {@code ffffffXX}), read for SRC, DST, LEN and ID.
 */
public final class KernelTraceParser {
    private static final String RETURN_CODE = "0xfffffffb";
    /** The family number of a netdev table's lines. */
    private static final String NETDEV = "5";
    /** The family number of a bridge table's lines (their PACKET: line shows the network header as NH= hex too). */
    private static final String BRIDGE = "7";
    /** The trace ids whose current packet is a bridge table's non-IP frame (ARP), which is not replayed. */
    private final Set<String> nonIp = new java.util.HashSet<>();
    /** How many earlier packets are searched for the one a mid-path trace id continues. */
    private static final int CONTINUATION_WINDOW = 64;

    private final String file;
    private final Diagnostics diagnostics = new Diagnostics();
    private final List<Builder> finished = new ArrayList<>();
    private final Map<String, Builder> open = new HashMap<>();
    private final Map<String, KernelPacketHeader> pendingHeader = new HashMap<>();

    private KernelTraceParser(String file) {
        this.file = file;
    }

    /** Parses a whole trace log; lines that are neither PACKET nor TRACE are reported and skipped. */
    public static Parsed<List<KernelPacket>> parse(String file, String text) {
        KernelTraceParser parser = new KernelTraceParser(file);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            parser.line(lines[i].strip(), lines[i], i + 1);
        }
        return new Parsed<>(parser.result(), parser.diagnostics.toList());
    }

    private void line(String stripped, String raw, int lineNo) {
        if (stripped.isEmpty() || stripped.startsWith("#")) {
            return;
        }
        String[] tokens = stripped.split("\\s+");
        if (tokens.length < 3 || !(tokens[0].equals("PACKET:") || tokens[0].equals("TRACE:"))) {
            if (!stripped.startsWith("EVENT:") && !stripped.startsWith("xtables-monitor")) {
                diagnostics.warning("TRC001", "not a PACKET: or TRACE: line; skipped", "a line of xtables-monitor --trace",
                        SourceSpan.line(file, lineNo).atColumn(1), raw);
            }
            return;
        }
        String id = tokens[2];
        if (tokens[0].equals("PACKET:")) {
            KernelPacketHeader header = header(tokens, lineNo);
            if (tokens[1].equals(BRIDGE) && !carriesIp(header)) {
                // a bridge chain's ARP (or other non-IP) frame: not replayed, its lines are left out
                nonIp.add(id);
                return;
            }
            nonIp.remove(id);
            if (tokens[1].equals(NETDEV) || tokens[1].equals(BRIDGE)) {
                header = withNetworkHeader(header);
            }
            if (tokens[1].equals(BRIDGE)) {
                Set<String> flags = new LinkedHashSet<>(header.flags());
                flags.add(KernelPacketHeader.BRIDGE_FAMILY);
                header = new KernelPacketHeader(header.fields(), flags, header.line());
            }
            Builder current = open.get(id);
            if (current != null && !current.headers.isEmpty() && (!sameIdentity(current.lastHeader(), header)
                    && !reassembledAfter(current, parseFamily(tokens[1]), header) || otherFrame(current, header))) {
                if (!current.steps.isEmpty()) {
                    finished.add(current);
                }
                open.remove(id);
            }
            pendingHeader.put(id, header);
            open.computeIfAbsent(id, k -> new Builder(k, parseFamily(tokens[1]), lineNo)).lastSeen = lineNo;
            return;
        }
        if (tokens.length < 4) {
            diagnostics.warning("TRC002", "TRACE line without table:chain:type:verdict; skipped",
                    "TRACE: FAMILY ID table:chain:rule:HANDLE:VERDICT RULE or table:chain:policy:VERDICT",
                    SourceSpan.line(file, lineNo).atColumn(1), raw);
            return;
        }
        if (nonIp.contains(id)) {
            return;
        }
        KernelStep step = step(tokens[1], tokens[3], stripped, raw, lineNo);
        if (step == null) {
            return;
        }
        Builder current = open.get(id);
        if (current == null || current.startsNewPacket(step)) {
            if (current != null && !current.steps.isEmpty()) {
                finished.add(current);
            }
            current = new Builder(id, parseFamily(tokens[1]), lineNo);
            open.put(id, current);
        }
        KernelPacketHeader header = pendingHeader.remove(id);
        if (header != null) {
            current.headers.add(header);
        }
        current.steps.add(step);
    }

    private KernelStep step(String family, String where, String stripped, String raw, int lineNo) {
        String[] parts = where.split(":");
        if (parts.length < 4) {
            diagnostics.warning("TRC002", "TRACE line without table:chain:type:verdict; skipped",
                    "table:chain:rule:HANDLE:VERDICT or table:chain:policy:VERDICT",
                    SourceSpan.line(file, lineNo).atColumn(raw.indexOf(where) + 1), raw);
            return null;
        }
        String chain = parts[1];
        boolean nativeTable = KernelStep.nativeTable(family, parts[0]);
        String table = nativeTable ? KernelStep.qualified(family, parts[0]) : parts[0];
        if (parts[2].equals("policy")) {
            return new KernelStep(table, chain, true, "", "POLICY:" + parts[3], "", lineNo, nativeTable);
        }
        if (parts[2].equals("return")) {
            return new KernelStep(table, chain, false, "", "RETURN", "", lineNo, nativeTable);
        }
        String handle = parts[3];
        String verdict = parts.length > 4 ? String.join(":", java.util.Arrays.copyOfRange(parts, 4, parts.length)) : "";
        if (verdict.equals(RETURN_CODE)) {
            verdict = "RETURN";
        }
        int textAt = stripped.indexOf(where) + where.length();
        String text = stripped.substring(textAt).strip();
        text = text.replaceFirst("^-[46] ", "").replaceFirst("^-t \\S+ ", "");
        return new KernelStep(table, chain, false, handle, verdict, text, lineNo, nativeTable);
    }

    private static KernelPacketHeader header(String[] tokens, int lineNo) {
        Map<String, String> fields = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        for (int i = 3; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(tokens[i].substring(0, eq), tokens[i].substring(eq + 1));
            } else {
                flags.add(tokens[i]);
            }
        }
        return new KernelPacketHeader(fields, flags, lineNo);
    }

    /**
     * A netdev PACKET line's header with the IPv4 fields of its {@code NH=} hex added (SRC, DST, LEN, ID); as it is
     * when NH is absent, not IPv4 or cut.
     */
    static KernelPacketHeader withNetworkHeader(KernelPacketHeader h) {
        Optional<String> nh = h.field("NH");
        if (nh.isEmpty()) {
            return h;
        }
        byte[] b = signedHex(nh.get());
        if (b.length < 20 || (b[0] & 0xf0) != 0x40) {
            return h;
        }
        Map<String, String> fields = new LinkedHashMap<>(h.fields());
        fields.putIfAbsent("SRC", (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff));
        fields.putIfAbsent("DST", (b[16] & 0xff) + "." + (b[17] & 0xff) + "." + (b[18] & 0xff) + "." + (b[19] & 0xff));
        fields.putIfAbsent("LEN", Integer.toString((b[2] & 0xff) << 8 | b[3] & 0xff));
        fields.putIfAbsent("ID", Integer.toString((b[4] & 0xff) << 8 | b[5] & 0xff));
        return new KernelPacketHeader(fields, h.flags(), h.line());
    }

    /**
     * Whether a bridge table's PACKET line shows another frame than the bridge lines of {@code current} (the kernel
     * reused the trace id): its MAC addresses differ. The network header a bridge line shows has no ports, so two
     * frames of one host with IP ID 0 (SYN-ACKs) look alike by identity.
     */
    private static boolean otherFrame(Builder current, KernelPacketHeader header) {
        // only a frame entering a port (IN=, no OUT=) can be another: a bridged DNAT's forward and postrouting lines
        // show the destination's MAC where its prerouting line showed the bridge's
        if (!header.bridgeFamily() || header.field("MACDST").isEmpty() || header.field("IN").isEmpty()
                || header.field("OUT").isPresent()) {
            return false;
        }
        for (KernelPacketHeader h : current.headers) {
            if (h.bridgeFamily() && h.field("MACDST").isPresent()) {
                return !h.field("MACDST").equals(header.field("MACDST")) || !h.field("MACSRC").equals(header.field("MACSRC"));
            }
        }
        return false;
    }

    /**
     * Whether a bridge table's PACKET line shows an IP frame: its MACPROTO (0800, 86dd) or, where xtables-monitor prints
     * the link-layer header raw (at the bridge's postrouting hook: {@code LL=0x0 ...}), its network header's version.
     */
    private static boolean carriesIp(KernelPacketHeader h) {
        Optional<String> proto = h.field("MACPROTO");
        if (proto.isPresent()) {
            return proto.get().equals("0800") || proto.get().equals("86dd");
        }
        String nh = h.field("NH").orElse("");
        return nh.startsWith("4") || nh.startsWith("6");
    }

    /** xtables-monitor's hex of signed bytes: two digits each, a byte from 0x80 up as {@code ffffff} and two digits. */
    private static byte[] signedHex(String hex) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i + 1 < hex.length()) {
            if (hex.startsWith("ffffff", i) && i + 7 < hex.length()) {
                i += 6;
            }
            try {
                out.write(Integer.parseInt(hex.substring(i, i + 2), 16));
            } catch (NumberFormatException e) {
                break;
            }
            i += 2;
        }
        return out.toByteArray();
    }

    private static int parseFamily(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private List<KernelPacket> result() {
        List<Builder> all = new ArrayList<>(finished);
        for (Builder b : open.values()) {
            if (!b.steps.isEmpty()) {
                all.add(b);
            }
        }
        all.sort((a, b) -> Integer.compare(a.firstLine(), b.firstLine()));
        List<Builder> joined = new ArrayList<>(all.size());
        for (Builder b : all) {
            Builder earlier = b.startsInRaw() ? looped(joined, b) : continued(joined, b);
            if (earlier == null) {
                joined.add(b);
            } else if (floodedClone(earlier, b) && bridgeStep(b.steps.get(0))) {
                // a bridge's flooded copy: its chains ran before the lines of the original that follow them (the
                // local copy's bridge input chain, under the original's id), so the steps go in line order
                earlier.headers.addAll(b.headers);
                earlier.steps.addAll(b.steps);
                earlier.steps.sort(java.util.Comparator.comparingInt(KernelStep::line));
                earlier.continuedBy = b.id;
            } else {
                earlier.headers.addAll(b.headers);
                earlier.steps.addAll(b.steps);
                earlier.continuedBy = b.id;
            }
        }
        List<KernelPacket> packets = new ArrayList<>(joined.size());
        for (Builder b : joined) {
            if (b.headers.isEmpty()) {
                // its PACKET: line is missing or unreadable: the steps cannot be tied to a frame
                diagnostics.warning("TRC004", "trace id " + b.id + " has TRACE lines but no PACKET: line; skipped",
                        "a PACKET: line with the same id before its TRACE lines",
                        SourceSpan.line(file, b.firstLine()).atColumn(1), "");
                continue;
            }
            packets.add(new KernelPacket(b.id, b.family, b.headers, b.steps));
        }
        return packets;
    }

    /**
     * The packet a trace id that starts past the raw table continues: the kernel traced the same packet under a new id
     * (its skb was copied, e.g. when a bridge hands it to IP). The latest earlier packet of the same family with the
     * same IPv4 id, length, source address and port, not yet continued, is taken.
     */
    private static Builder continued(List<Builder> earlier, Builder later) {
        if (later.headers.isEmpty()) {
            return null;
        }
        KernelPacketHeader h = later.headers.get(0);
        for (int i = earlier.size() - 1; i >= 0 && i >= earlier.size() - CONTINUATION_WINDOW; i--) {
            Builder b = earlier.get(i);
            if (b.headers.isEmpty() || b.continuedBy != null && !floodedClone(b, later)) {
                continue;
            }
            KernelPacketHeader last = b.headers.get(b.headers.size() - 1);
            if (packetFamily(b.family, last) != packetFamily(later.family, h) || otherFrame(b, h)) {
                continue;
            }
            if (sameIdentity(last, h)) {
                return b;
            }
        }
        return null;
    }

    /**
     * Whether {@code later} is one more clone of the multicast (or broadcast) {@code earlier} entered a bridge with:
     * br_netfilter runs PREROUTING once on the port, then FORWARD on each copy the bridge floods to a port and INPUT on
     * the copy it hands to its own IP stack, each clone under a new trace id with the bridge as IN=
     * ({@code samples/recorder/checks/bridge-multicast-flood.sh}); all of them are the one packet the port received.
     */
    private static boolean floodedClone(Builder earlier, Builder later) {
        KernelPacketHeader h = later.headers.get(0);
        // a bridge line's IN= is the port, an IP line's the bridge: compared with the earlier line of the same kind
        KernelPacketHeader first = earlier.headers.stream().filter(e -> e.bridgeFamily() == h.bridgeFamily()).findFirst()
                .orElse(earlier.headers.get(0));
        String chain = later.steps.isEmpty() ? "" : later.steps.get(0).chain();
        return earlier.startsInRaw() && (chain.equals("FORWARD") || chain.equals("INPUT") || bridgeStep(later.steps.get(0)))
                && first.field("IN").isPresent() && sameField(first, h, "IN") && sameField(first, h, "DST")
                && h.field("DST").map(KernelTraceParser::flooded).orElse(false)
                && earlier.steps.stream().noneMatch(s -> s.chain().equals("INPUT"));
    }

    /** A bridge table's step (nft's family bridge, xtables-monitor's family 7). */
    private static boolean bridgeStep(KernelStep step) {
        return step.nativeTable() && step.table().startsWith("bridge ");
    }

    /** A multicast group (224.0.0.0/4, ff00::/8) or the limited broadcast, which a bridge floods to every port. */
    private static boolean flooded(String address) {
        if (address.contains(":")) {
            return address.regionMatches(true, 0, "ff", 0, 2);
        }
        int dot = address.indexOf('.');
        if (address.equals("255.255.255.255")) {
            return true;
        }
        try {
            int octet = Integer.parseInt(dot < 0 ? address : address.substring(0, dot));
            return octet >= 224 && octet <= 239;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The locally generated packet a packet entering on lo continues: the kernel traces a packet sent to the node itself
     * twice (OUTPUT, then PREROUTING with IN=lo), under two ids; it is one packet (and one capture frame, inbound on lo).
     * The passes are joined on family, IPv4 id, length and destination address and port as nat OUTPUT left them (the
     * output pass's last PACKET line), earliest candidate first (trace order). Source address and port are not compared:
     * nat POSTROUTING (source NAT, or undoing a DNAT for a reply) changes them after the output pass's last PACKET line.
     * A candidate output pass either ends with OUT=lo or had its destination rewritten by nat OUTPUT: after nat OUTPUT
     * reroutes a packet to lo its PACKET lines keep the first route's device (OUT=eth0), and only nat POSTROUTING (a
     * connection's first packet) prints OUT=lo. An output pass ending in a drop never reached lo.
     */
    static boolean loopsTo(int outFamily, List<KernelPacketHeader> outHeaders, List<KernelStep> outSteps,
                           int inFamily, KernelPacketHeader in) {
        if (outFamily != packetFamily(inFamily, in) || outHeaders.isEmpty() || outSteps.isEmpty()
                || !outSteps.get(0).chain().equals("OUTPUT") || !in.field("IN").equals(Optional.of("lo"))) {
            return false;
        }
        String verdict = outSteps.get(outSteps.size() - 1).verdict();
        if (verdict.equals("DROP") || verdict.equals("POLICY:DROP") || verdict.startsWith("REJECT")) {
            return false;
        }
        KernelPacketHeader first = outHeaders.get(0);
        KernelPacketHeader last = outHeaders.get(outHeaders.size() - 1);
        boolean rerouted = last.field("OUT").equals(Optional.of("lo"))
                || !sameField(first, last, "DST") || !sameField(first, last, "DPORT");
        return rerouted && sameField(last, in, "ID") && sameField(last, in, "LEN") && sameField(last, in, "DST")
                && samePort(last, in, "DPORT");
    }

    /**
     * The family of the packet a PACKET line shows: its own, for an inet table's line (family 1) the one its
     * {@code NFPROTO=} names, for a netdev table's (family 5) the one of the network header it shows. A packet that came in on a bridge port is traced in raw PREROUTING (family 2) and, under a
     * new id once the bridge hands it to IP, in an inet table's FORWARD chain (family 1, NFPROTO=2): one IPv4 packet.
     */
    static int packetFamily(int family, KernelPacketHeader h) {
        if (family == 5 || family == 7) {
            // a netdev line: the family of the IP header its NH= shows
            return h.field("SRC").map(s -> s.contains(":") ? 10 : 2).orElse(family);
        }
        if (family != 1) {
            return family;
        }
        return h.field("NFPROTO").map(KernelTraceParser::parseFamily).orElse(family);
    }

    private static Builder looped(List<Builder> earlier, Builder later) {
        if (later.headers.isEmpty() || !later.headers.get(0).field("IN").equals(Optional.of("lo"))) {
            return null;
        }
        KernelPacketHeader h = later.headers.get(0);
        for (int i = Math.max(0, earlier.size() - CONTINUATION_WINDOW); i < earlier.size(); i++) {
            Builder b = earlier.get(i);
            if (b.continuedBy == null && loopsTo(b.family, b.headers, b.steps, later.family, h)) {
                return b;
            }
        }
        return null;
    }

    /**
     * Whether {@code header}, a PACKET line of an IP family's table, shows the datagram nf_defrag reassembled after the
     * fragment {@code current} shows at the ingress chains (an inet or netdev table's lines only): the reassembled
     * datagram keeps the skb, hence the trace id, of the fragment that completed it; it is longer, from the same device
     * and source.
     */
    private static boolean reassembledAfter(Builder current, int family, KernelPacketHeader header) {
        KernelPacketHeader last = current.lastHeader();
        if (current.family != 1 && current.family != 5 || family != 2 && family != 10
                || current.steps.stream().anyMatch(s -> !s.nativeTable())) {
            return false;
        }
        int lastFamily = packetFamily(current.family, last);
        return (lastFamily == family || lastFamily == current.family) && sameField(last, header, "IN")
                && header.intField("LEN", -1) > last.intField("LEN", Integer.MAX_VALUE)
                && (last.field("SRC").isEmpty() || sameField(last, header, "SRC"));
    }

    /**
     * Whether two PACKET lines show the same packet: trace ids are reused (they hash the skb address), but a packet's
     * IPv4 id, length, source address and port do not change while netfilter traces it (source NAT happens after the
     * last PACKET line).
     */
    private static boolean sameIdentity(KernelPacketHeader a, KernelPacketHeader b) {
        return sameField(a, b, "ID") && sameField(a, b, "LEN") && sameField(a, b, "SRC") && samePort(a, b, "SPORT")
                && (a.field("TCPFLAGS").isEmpty() || b.field("TCPFLAGS").isEmpty() || sameField(a, b, "TCPFLAGS"));
    }

    /** The same port, or a netdev PACKET line's on either side, which shows no transport header. */
    private static boolean samePort(KernelPacketHeader a, KernelPacketHeader b, String key) {
        return a.field("NH").isPresent() || b.field("NH").isPresent() || sameField(a, b, key);
    }

    private static boolean sameField(KernelPacketHeader a, KernelPacketHeader b, String key) {
        return a.field(key).equals(b.field(key));
    }

    /** A packet being assembled from interleaved lines. */
    private static final class Builder {
        final String id;
        final int family;
        final List<KernelPacketHeader> headers = new ArrayList<>();
        final List<KernelStep> steps = new ArrayList<>();
        final int createdAt;
        int lastSeen;
        String continuedBy;

        Builder(String id, int family, int line) {
            this.id = id;
            this.family = family;
            this.createdAt = line;
        }

        int firstLine() {
            return headers.isEmpty() ? (steps.isEmpty() ? createdAt : steps.get(0).line()) : headers.get(0).line();
        }

        KernelPacketHeader lastHeader() {
            return headers.get(headers.size() - 1);
        }

        /** True when the packet's first step is in raw or in a netdev ingress chain, where an arriving packet starts. */
        boolean startsInRaw() {
            return !steps.isEmpty() && (steps.get(0).table().equals("raw") || steps.get(0).table().startsWith("netdev ")
                    || bridgeStep(steps.get(0)) && !headers.isEmpty() && headers.get(0).field("IN").isPresent()
                    && headers.get(0).field("OUT").isEmpty());
        }

        /**
         * The raw table runs first in PREROUTING and OUTPUT (after only the ingress chains, native steps before any
         * iptables step): meeting it again means another packet with the same id; so does an ingress chain's step after
         * an iptables step or after a drop.
         */
        boolean startsNewPacket(KernelStep step) {
            if (steps.isEmpty()) {
                return false;
            }
            if (steps.get(steps.size() - 1).drops()) {
                return true;
            }
            boolean iptables = false;
            for (KernelStep s : steps) {
                iptables |= !s.nativeTable();
            }
            if (step.nativeTable() && step.table().startsWith("netdev ")) {
                return iptables;
            }
            if (!step.table().equals("raw")) {
                return false;
            }
            for (KernelStep s : steps) {
                if (s.nativeTable() && !iptablesBefore(s)) {
                    continue;
                }
                if (!s.table().equals("raw") || s.policy()) {
                    return true;
                }
            }
            return false;
        }

        /** True when an iptables step comes before {@code step} in this packet (a native step after it is not ingress). */
        private boolean iptablesBefore(KernelStep step) {
            for (KernelStep s : steps) {
                if (s == step) {
                    return false;
                }
                if (!s.nativeTable()) {
                    return true;
                }
            }
            return false;
        }
    }
}
