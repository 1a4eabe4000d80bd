package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code ip [-d] [-s] addr} and {@code ip [-d] [-s] link} text output (ip-address(8), ip-link(8)): a header line
 * {@code N: name[@peer]: <FLAGS> mtu ... state ...} per interface, then {@code link/TYPE MAC}, the {@code -d} detail line
 * (whose first word is the device kind; a {@code bridge_slave} line gives the port's hairpin mode), and
 * {@code inet}/{@code inet6} lines; lifetime and statistics lines are skipped. {@code bridge -d link}, in the same
 * shape, gives its ports' {@code hairpin on|off}. The one-line forms ({@code ip -o addr}, which an sosreport carries,
 * and {@code ip -o link}) join an interface's lines with {@code \}: each joined piece is read as the line it stands
 * for, and an {@code ip -o addr} line ({@code N: name inet ADDR/LEN ...}, one per address) adds its address to the
 * interface of its index, whose flags, MTU and state it does not show (left empty, unknown).
 */
public final class IpAddrParser {
    private IpAddrParser() {
    }

    public static Parsed<List<NetInterface>> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        Diagnostics diags = new Diagnostics();
        List<NetInterface> out = new ArrayList<>();
        InterfaceBuilder current = null;
        boolean skipBlock = false;
        boolean skipNext = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            List<Token> tokens = Token.split(line);
            if (tokens.isEmpty() || skipNext) {
                skipNext = false;
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            List<List<Token>> pieces = Character.isWhitespace(line.charAt(0)) ? List.of() : joinedPieces(tokens);
            if (pieces.size() > 1 || isAddressLine(tokens)) {
                try {
                    current = oneLine(pieces.isEmpty() ? List.of(tokens) : pieces, line.length() + 1, current, out);
                    skipBlock = false;
                } catch (LineError e) {
                    diags.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line);
                }
                continue;
            }
            try {
                if (!Character.isWhitespace(line.charAt(0))) {
                    if (current != null) {
                        out.add(current.build());
                    }
                    current = null;
                    skipBlock = false;
                    current = AddrLineReader.header(new TokenCursor(tokens, line.length() + 1));
                    continue;
                }
                if (skipBlock) {
                    continue;
                }
                if (current == null) {
                    throw new LineError("orphan-line", "indented line before any interface header",
                            "an interface header such as '2: eth0: <BROADCAST,UP> mtu 1500 ...'", tokens.get(0).column());
                }
                String first = tokens.get(0).text();
                if (first.startsWith("RX") || first.startsWith("TX")) {
                    skipNext = true;
                    continue;
                }
                AddrLineReader.detail(new TokenCursor(tokens, line.length() + 1), current);
            } catch (LineError e) {
                diags.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line);
                if (!Character.isWhitespace(line.charAt(0))) {
                    current = null;
                    skipBlock = true;
                }
            }
        }
        if (current != null) {
            out.add(current.build());
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    /**
     * The pieces of a one-line listing's line, split where {@code ip -o} wrote {@code \} for a line break (a word
     * ending in it, or standing alone); a line without one is one piece.
     */
    private static List<List<Token>> joinedPieces(List<Token> tokens) {
        List<List<Token>> pieces = new ArrayList<>();
        List<Token> piece = new ArrayList<>();
        for (Token t : tokens) {
            if (t.text().endsWith("\\")) {
                String word = t.text().substring(0, t.text().length() - 1);
                if (!word.isEmpty()) {
                    piece.add(new Token(word, t.column()));
                }
                pieces.add(piece);
                piece = new ArrayList<>();
            } else {
                piece.add(t);
            }
        }
        if (!piece.isEmpty()) {
            pieces.add(piece);
        }
        return pieces;
    }

    /** True for an {@code ip -o addr} line: {@code N: name inet|inet6 ...}. */
    private static boolean isAddressLine(List<Token> tokens) {
        return tokens.size() > 3 && tokens.get(0).text().matches("\\d+:") && !tokens.get(1).text().endsWith(":")
                && (tokens.get(2).text().equals("inet") || tokens.get(2).text().equals("inet6"));
    }

    /**
     * Reads one line of a one-line listing: an {@code ip -o link} line (a header, then its detail pieces) starts a new
     * interface; an {@code ip -o addr} line adds its address to the interface of its index, started when new. The line
     * is read whole before anything is kept, so a bad one leaves the interfaces read so far as they were. Returns the
     * interface being read.
     */
    private static InterfaceBuilder oneLine(List<List<Token>> pieces, int end, InterfaceBuilder current,
                                            List<NetInterface> out) throws LineError {
        List<Token> head = pieces.get(0);
        boolean address = isAddressLine(head);
        InterfaceBuilder read;
        if (address) {
            read = new InterfaceBuilder();
            read.index = TokenCursor.smallNumber(new Token(head.get(0).text().substring(0, head.get(0).text().length() - 1),
                    head.get(0).column()), "ifindex");
            String name = head.get(1).text();
            int at = name.indexOf('@');
            read.name = at < 0 ? name : name.substring(0, at);
            read.peer = at < 0 ? Optional.empty() : Optional.of(name.substring(at + 1));
            AddrLineReader.detail(new TokenCursor(head.subList(2, head.size()), end), read);
        } else {
            read = AddrLineReader.header(new TokenCursor(head, end));
        }
        for (List<Token> piece : pieces.subList(1, pieces.size())) {
            if (!piece.isEmpty() && !piece.get(0).text().startsWith("RX") && !piece.get(0).text().startsWith("TX")) {
                AddrLineReader.detail(new TokenCursor(piece, end), read);
            }
        }
        if (address && current != null && current.index == read.index && current.name.equals(read.name)) {
            current.addresses.addAll(read.addresses);
            return current;
        }
        if (current != null) {
            out.add(current.build());
        }
        return read;
    }

    /** The interface with the given name, if listed. */
    public static Optional<NetInterface> byName(List<NetInterface> interfaces, String name) {
        return interfaces.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
