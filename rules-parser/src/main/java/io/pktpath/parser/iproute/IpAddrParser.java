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
 * shape, gives its ports' {@code hairpin on|off}.
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

    /** The interface with the given name, if listed. */
    public static Optional<NetInterface> byName(List<NetInterface> interfaces, String name) {
        return interfaces.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
