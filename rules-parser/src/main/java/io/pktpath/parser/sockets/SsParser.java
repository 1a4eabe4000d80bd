package io.pktpath.parser.sockets;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.diag.ToolComplaint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code ss} socket listings (ss(8): {@code ss -tlnp}, {@code -ltn}, {@code -tulnp}, {@code -peaonmi}...): rows
 * {@code [Netid] State Recv-Q Send-Q Local-Address:Port Peer-Address:Port [Process and -e/-o fields]}, with or without the
 * header. Without a Netid column the protocol follows from the state (LISTEN: TCP, UNCONN: UDP). Sockets other than
 * TCP and UDP (unix, netlink, raw...) and indented continuation lines ({@code -m}, {@code -i}) are skipped; a bad row
 * becomes one diagnostic and the rest is read.
 */
public final class SsParser {
    private static final Pattern WORD = Pattern.compile("\\S+");
    private static final Set<String> STATES = Set.of("LISTEN", "UNCONN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
            "FIN-WAIT-2", "TIME-WAIT", "CLOSE-WAIT", "LAST-ACK", "CLOSING", "CLOSED", "UNKNOWN");
    private static final Pattern OTHER_NETID = Pattern.compile("[a-z][a-z0-9_]*");
    private static final String ROW = "[Netid] State Recv-Q Send-Q Local-Address:Port Peer-Address:Port [Process],"
            + " such as: tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))";

    private SsParser() {
    }

    private record Word(String text, int column) {
    }

    public static Parsed<SocketTable> parse(String fileName, String text) {
        String[] lines = text.split("\r?\n", -1);
        Diagnostics diags = new Diagnostics();
        List<ListeningSocket> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || Character.isWhitespace(line.charAt(0)) || line.startsWith("#")
                    || line.startsWith("Netid ") || line.startsWith("State ")) {
                continue;
            }
            SourceSpan span = SourceSpan.line(fileName, i + 1);
            if (ToolComplaint.startsLine(line)) {
                // ss's complaint on stderr, which an sosreport keeps in the file: a socket family it could not dump
                diags.add(Diagnostic.note("ss-complaint", "ss printed '" + line.strip() + "': a socket family it"
                        + " asked the kernel for may be missing from the listing", span));
                continue;
            }
            try {
                read(words(line), span).ifPresent(out::add);
            } catch (LineError e) {
                diags.add(Diagnostic.error(e.code(), e.getMessage(), e.expected(), span.atColumn(e.column()), line));
            }
        }
        return new Parsed<>(new SocketTable(out), diags.toList());
    }

    private static List<Word> words(String line) {
        List<Word> out = new ArrayList<>();
        Matcher m = WORD.matcher(line);
        while (m.find()) {
            out.add(new Word(m.group(), m.start() + 1));
        }
        return out;
    }

    /** The socket of one row; empty for a socket of another kind than TCP/UDP. */
    private static Optional<ListeningSocket> read(List<Word> w, SourceSpan span) throws LineError {
        boolean hasNetid = !STATES.contains(w.get(0).text());
        int first = hasNetid ? 1 : 0;
        Optional<SocketProtocol> protocol;
        if (hasNetid) {
            protocol = SocketProtocol.ofNetid(w.get(0).text());
            if (protocol.isEmpty()) {
                if (OTHER_NETID.matcher(w.get(0).text()).matches() && w.size() > 1 && STATES.contains(w.get(1).text())) {
                    return Optional.empty();
                }
                throw new LineError("bad-ss-line", "'" + w.get(0).text() + "' starts no ss socket row", ROW, 1);
            }
        } else {
            protocol = Optional.empty();
        }
        if (w.size() < first + 5) {
            int end = w.get(w.size() - 1).column() + w.get(w.size() - 1).text().length();
            throw new LineError("bad-ss-line", "a socket row needs " + (first + 5) + " columns, this one has " + w.size(),
                    ROW, end);
        }
        Word state = w.get(first);
        if (!STATES.contains(state.text())) {
            throw new LineError("bad-socket-state", "'" + state.text() + "' is not an ss socket state",
                    "a state such as LISTEN, UNCONN or ESTAB", state.column());
        }
        queue(w.get(first + 1));
        queue(w.get(first + 2));
        SocketProtocol proto = protocol.orElse(state.text().equals("UNCONN") ? SocketProtocol.UDP : SocketProtocol.TCP);
        Word local = w.get(first + 3);
        LocalAddressReader.Endpoint endpoint = LocalAddressReader.read(local.text(), local.column());
        StringBuilder process = new StringBuilder();
        for (Word rest : w.subList(first + 5, w.size())) {
            process.append(process.length() == 0 ? "" : " ").append(rest.text());
        }
        return Optional.of(new ListeningSocket(proto, state.text(), endpoint.binding(), endpoint.port(),
                process.toString(), span));
    }

    private static void queue(Word w) throws LineError {
        if (w.text().isEmpty() || !w.text().chars().allMatch(Character::isDigit)) {
            throw new LineError("bad-socket-queue", "Recv-Q/Send-Q '" + w.text() + "' is not a number",
                    "Recv-Q and Send-Q byte counts after the state", w.column());
        }
    }
}
