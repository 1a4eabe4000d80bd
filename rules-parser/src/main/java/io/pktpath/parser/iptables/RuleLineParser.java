package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.target.Dnat;
import io.pktpath.parser.iptables.target.Jump;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/** Reads one restore line ({@code [p:b] [-4|-6] -A CHAIN options [-j TARGET ...]}, or another restore command). */
final class RuleLineParser {
    private RuleLineParser() {
    }

    /** Reads the line {@code tokens} holds, with the reader's reusable {@code matches} parser. */
    static RuleLine parse(LineContext ctx, LineTokens tokens, MatchListParser matches, IpFamily family) throws LineError {
        int i = 0;
        int size = tokens.size();
        Optional<Counters> counters = Optional.empty();
        if (size > 0 && !tokens.quoted(0) && tokens.startsWith(0, "[")) {
            counters = Optional.of(counters(tokens.text(0), tokens.column(0)));
            i++;
        }
        Optional<IpFamily> only = Optional.empty();
        if (i < size && (tokens.is(i, "-4") || tokens.is(i, "-6"))) {
            only = Optional.of(tokens.is(i, "-4") ? IpFamily.V4 : IpFamily.V6);
            i++;
        }
        Command command = i >= size ? null : tokens.is(i, "-A") ? Command.APPEND : Command.of(tokens.text(i)).orElse(null);
        if (command == null) {
            int col = i < size ? tokens.column(i) : 1;
            throw new LineError(IptCode.IPT014, col, "a rule line must start with a command", "-A CHAIN followed by options");
        }
        int commandToken = i;
        String commandText = tokens.text(i);
        String text = ctx.text().substring(tokens.column(commandToken) - 1).strip();
        i++;
        if (!command.takesRule()) {
            return new RuleLine(command, counters, only, "", tokens.column(commandToken), 0, List.of(), new NoTarget(),
                    Optional.empty(), text, tokens.tokens(i, size));
        }
        if (i >= size) {
            throw new LineError(IptCode.IPT015, tokens.column(commandToken), commandText + " needs a chain name",
                    commandText + " CHAIN");
        }
        int chain = i++;
        int index = 0;
        if (command != Command.APPEND && i < size && NumberText.parseOrMinus(tokens.text(i)) > 0) {
            index = NumberText.parseOrMinus(tokens.text(i++));
        }
        matches.parse(ctx, tokens, i);
        Target target = new NoTarget();
        Optional<String> spelling = Optional.empty();
        int targetColumn = 0;
        if (matches.targetName() >= 0) {
            target = TargetParser.parse(ctx, family, tokens, matches.targetName(), matches.jump(),
                    matches.targetArgsStart(), matches.shortcuts());
            int jumpIndex = matches.targetOptionIndex();
            targetColumn = tokens.column(jumpIndex);
            if (!writtenAsRendered(tokens, jumpIndex, size, target, matches.shortcuts())) {
                spelling = Optional.of(joinRaw(tokens, jumpIndex, size));
            }
        }
        String chainName = ctx.chainToken(tokens, chain);
        PlacementCheck.check(ctx, chainName, matches.matches(), matches.columns(), target, targetColumn);
        return new RuleLine(command, counters, only, chainName, tokens.column(chain), index,
                List.copyOf(matches.matches()), ctx.shareValue(target), spelling, text, List.of());
    }

    private static Counters counters(String s, int column) throws LineError {
        if (s.equals("[0:0]")) {
            return Counters.ZERO;
        }
        int colon = s.indexOf(':');
        if (!s.startsWith("[") || !s.endsWith("]") || colon < 0) {
            throw badCounters(s, column);
        }
        String p = s.substring(1, colon);
        String b = s.substring(colon + 1, s.length() - 1);
        if (!digits(p) || !digits(b)) {
            throw badCounters(s, column);
        }
        try {
            long packets = Long.parseLong(p);
            long bytes = Long.parseLong(b);
            return packets == 0 && bytes == 0 ? Counters.ZERO : new Counters(packets, bytes);
        } catch (NumberFormatException e) {
            throw badCounters(s, column);
        }
    }

    /**
     * True if tokens [from, to) are {@code target.render()} (a plain {@code -j CHAIN}, and with {@code shortcuts} a
     * kube-proxy DNAT, is checked without rendering).
     */
    private static boolean writtenAsRendered(LineTokens tokens, int from, int to, Target target, boolean shortcuts) {
        if (target instanceof Jump j && to - from == 2 && tokens.is(from, "-j") && tokens.is(from + 1, j.chain())) {
            return true;
        }
        if (shortcuts && target instanceof Dnat d && to - from == 4 && !d.random() && !d.randomFully() && !d.persistent()) {
            // the rendering is these four words; only the range needs to be written out
            if (!tokens.is(from, "-j") || !tokens.is(from + 1, "DNAT") || !tokens.is(from + 2, "--to-destination")) {
                return false;
            }
            if (InPlaceValues.isV4HostPort(d.range())) {
                return !tokens.quoted(from + 3)
                        && InPlaceValues.writesHostPort(tokens.line(), tokens.start(from + 3), tokens.end(from + 3), d.range());
            }
            return sameText(tokens, from + 3, to, d.range().render());
        }
        return sameText(tokens, from, to, target.render());
    }

    private static boolean digits(String s) {
        if (s.isEmpty() || s.length() > 19) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    /** True if the raw texts of tokens [from, to) joined by single spaces are {@code text} (without joining them). */
    static boolean sameText(LineTokens tokens, int from, int to, String text) {
        int at = 0;
        for (int k = from; k < to; k++) {
            if (k > from) {
                if (at >= text.length() || text.charAt(at) != ' ') {
                    return false;
                }
                at++;
            }
            int length = tokens.rawLength(k);
            if (at + length > text.length() || !tokens.rawAt(k, text, at)) {
                return false;
            }
            at += length;
        }
        return at == text.length();
    }

    /** The raw texts of tokens [from, to) joined by single spaces. */
    static String joinRaw(LineTokens tokens, int from, int to) {
        if (to - from == 1) {
            return tokens.raw(from);
        }
        StringBuilder sb = new StringBuilder();
        for (int k = from; k < to; k++) {
            sb.append(k == from ? "" : " ").append(tokens.raw(k));
        }
        return sb.toString();
    }

    static LineError badCounters(String s, int column) {
        return new LineError(IptCode.IPT015, column, "'" + s + "' is not a counter pair", "[packets:bytes], such as [0:0]");
    }

    /** Counters for chain lines (shared format): the token's text and column. */
    static Counters chainCounters(String text, int column) throws LineError {
        return counters(text, column);
    }
}
