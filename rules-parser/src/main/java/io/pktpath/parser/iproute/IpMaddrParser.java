package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code ip [-4|-6] [-o] maddr [show [dev IFACE]]} text output (ip-maddress(8)): a header {@code N:<TAB>IFACE}
 * per interface, then indented {@code link MAC}, {@code inet GROUP} and {@code inet6 GROUP} lines, each optionally
 * followed by {@code users N} and other words (such as {@code static}), which are kept but not interpreted;
 * {@code family N ...} lines (other address families) are skipped. With {@code -o} an entry follows its header on the
 * same line after a backslash; an interface listed twice under one index (older iproute2 printed an IPv4 name with its
 * trailing colon) is merged. A bad line becomes one diagnostic and is skipped.
 */
public final class IpMaddrParser {
    private IpMaddrParser() {
    }

    public static Parsed<List<MulticastGroups>> parse(String fileName, String text) {
        Diagnostics diags = new Diagnostics();
        Map<Integer, Builder> byIndex = new LinkedHashMap<>();
        Builder current = null;
        boolean skipBlock = false;
        for (ListingLine l : ListingLine.of(fileName, text)) {
            List<Token> tokens = l.tokens();
            SourceSpan span = l.span();
            boolean header = !l.indented();
            try {
                TokenCursor c = l.cursor();
                if (header) {
                    current = null;
                    skipBlock = false;
                    current = header(c, span, byIndex);
                    if (!c.hasNext()) {
                        continue;
                    }
                } else if (skipBlock) {
                    continue;
                } else if (current == null) {
                    throw new LineError("orphan-line", "indented line before any interface header",
                            "an interface header such as '2:\teth0'", tokens.get(0).column());
                }
                entry(c, current, span, l.line().strip());
            } catch (LineError e) {
                l.report(e, diags);
                if (header && current == null) {
                    skipBlock = true;
                }
            }
        }
        List<MulticastGroups> out = new ArrayList<>();
        byIndex.values().forEach(b -> out.add(b.build()));
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    /** {@code N: IFACE}, the name without the {@code -o} backslash or a trailing colon; the same index continues. */
    private static Builder header(TokenCursor c, SourceSpan span, Map<Integer, Builder> byIndex) throws LineError {
        Token index = c.next();
        String n = index.text();
        if (!n.endsWith(":") || n.length() < 2 || !Digits.only(n.substring(0, n.length() - 1)) || n.length() > 11) {
            throw new LineError("bad-header", "'" + n + "' is not an interface index", "an interface header such as"
                    + " '2:\teth0' (index, colon, name)", index.column());
        }
        int ifindex = TokenCursor.smallNumber(new Token(n.substring(0, n.length() - 1), index.column()), "the index");
        String name = c.value(index, "an interface name after the index").text();
        if (name.endsWith("\\")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.endsWith(":")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new LineError("missing-value", "interface header without a name", "'N:\tIFACE'", index.column());
        }
        String dev = name;
        return byIndex.computeIfAbsent(ifindex, k -> new Builder(ifindex, dev, span));
    }

    private static void entry(TokenCursor c, Builder b, SourceSpan span, String text) throws LineError {
        Token kind = c.next();
        switch (kind.text()) {
            case "link" -> {
                b.links.add(c.value(kind, "a link-layer multicast address").text().toLowerCase(Locale.ROOT));
                trailer(c);
            }
            case "inet", "inet6" -> {
                IpFamily family = kind.text().equals("inet") ? IpFamily.V4 : IpFamily.V6;
                Token at = c.value(kind, "a multicast group address");
                IpAddress group = TokenCursor.address(at);
                if (group.family() != family || !group.isMulticast()) {
                    throw new LineError("bad-address", "'" + at.text() + "' is not an " + (family == IpFamily.V4
                            ? "IPv4" : "IPv6") + " multicast group", family == IpFamily.V4 ? "a group in 224.0.0.0/4"
                            : "a group in ff00::/8", at.column());
                }
                List<String> words = new ArrayList<>();
                int users = trailer(c, words);
                b.groups.add(new JoinedGroup(group, users, words, span, text));
            }
            case "family" -> {
                // another address family (printed as 'family N ADDR'): not a group input routing consults
            }
            default -> throw new LineError("unknown-keyword", "unknown multicast address kind '" + kind.text() + "'",
                    "link, inet or inet6 followed by an address", kind.column());
        }
    }

    private static void trailer(TokenCursor c) throws LineError {
        trailer(c, new ArrayList<>());
    }

    /** Reads {@code users N} and keeps every other trailing word; the user count (1 when not printed). */
    private static int trailer(TokenCursor c, List<String> words) throws LineError {
        int users = 1;
        while (c.hasNext()) {
            Token t = c.next();
            if (t.text().equals("users")) {
                users = TokenCursor.smallNumber(c.value(t, "a user count"), "users");
            } else {
                words.add(t.text());
            }
        }
        return users;
    }

    /** One interface's entries while its lines are read. */
    private static final class Builder {
        private final int index;
        private final String dev;
        private final SourceSpan span;
        private final List<String> links = new ArrayList<>();
        private final List<JoinedGroup> groups = new ArrayList<>();

        Builder(int index, String dev, SourceSpan span) {
            this.index = index;
            this.dev = dev;
            this.span = span;
        }

        MulticastGroups build() {
            return new MulticastGroups(index, dev, links, groups, span);
        }
    }
}
