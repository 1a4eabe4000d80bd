package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.target.NoTarget;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/** Reads one restore line ({@code [p:b] [-4|-6] -A CHAIN options [-j TARGET ...]}, or another restore command). */
final class RuleLineParser {
    private RuleLineParser() {
    }

    static RuleLine parse(LineContext ctx, List<Token> tokens, IpFamily family) throws LineError {
        int i = 0;
        Optional<Counters> counters = Optional.empty();
        if (tokens.get(0).text().startsWith("[") && !tokens.get(0).quoted()) {
            counters = Optional.of(counters(tokens.get(0)));
            i++;
        }
        Optional<IpFamily> only = Optional.empty();
        if (i < tokens.size() && (tokens.get(i).is("-4") || tokens.get(i).is("-6"))) {
            only = Optional.of(tokens.get(i).is("-4") ? IpFamily.V4 : IpFamily.V6);
            i++;
        }
        if (i >= tokens.size() || Command.of(tokens.get(i).text()).isEmpty()) {
            int col = i < tokens.size() ? tokens.get(i).column() : 1;
            throw new LineError(IptCode.IPT014, col, "a rule line must start with a command", "-A CHAIN followed by options");
        }
        Token commandToken = tokens.get(i);
        Command command = Command.of(commandToken.text()).get();
        String text = ctx.text().substring(commandToken.column() - 1).strip();
        i++;
        if (!command.takesRule()) {
            return new RuleLine(command, counters, only, "", commandToken.column(), 0, List.of(), new NoTarget(),
                    Optional.empty(), text, tokens.subList(i, tokens.size()));
        }
        if (i >= tokens.size()) {
            throw new LineError(IptCode.IPT015, commandToken.column(), commandToken.text() + " needs a chain name",
                    commandToken.text() + " CHAIN");
        }
        Token chain = tokens.get(i++);
        int index = 0;
        if (command != Command.APPEND && i < tokens.size() && NumberText.parseOrMinus(tokens.get(i).text()) > 0) {
            index = NumberText.parseOrMinus(tokens.get(i++).text());
        }
        MatchListParser matches = new MatchListParser(ctx, tokens, i);
        matches.parse();
        Target target = new NoTarget();
        Optional<String> spelling = Optional.empty();
        int targetColumn = 0;
        if (matches.targetName().isPresent()) {
            Token name = matches.targetName().get();
            List<Token> args = tokens.subList(matches.targetArgsStart(), tokens.size());
            target = new TargetParser(ctx, family).parse(name, matches.jump(), args);
            int jumpIndex = matches.targetOptionIndex();
            targetColumn = tokens.get(jumpIndex).column();
            String rendered = target.render();
            if (!sameText(tokens, jumpIndex, tokens.size(), rendered)) {
                spelling = Optional.of(joinRaw(tokens, jumpIndex, tokens.size()));
            }
        }
        PlacementCheck.check(ctx, chain.text(), matches.matches(), matches.columns(), target, targetColumn);
        return new RuleLine(command, counters, only, chain.text(), chain.column(), index, List.copyOf(matches.matches()), target,
                spelling, text, List.of());
    }

    private static Counters counters(Token t) throws LineError {
        String s = t.text();
        int colon = s.indexOf(':');
        if (!s.endsWith("]") || colon < 0) {
            throw badCounters(t);
        }
        String p = s.substring(1, colon);
        String b = s.substring(colon + 1, s.length() - 1);
        if (!digits(p) || !digits(b)) {
            throw badCounters(t);
        }
        try {
            long packets = Long.parseLong(p);
            long bytes = Long.parseLong(b);
            return packets == 0 && bytes == 0 ? Counters.ZERO : new Counters(packets, bytes);
        } catch (NumberFormatException e) {
            throw badCounters(t);
        }
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
    static boolean sameText(List<Token> tokens, int from, int to, String text) {
        int at = 0;
        for (int k = from; k < to; k++) {
            if (k > from) {
                if (at >= text.length() || text.charAt(at) != ' ') {
                    return false;
                }
                at++;
            }
            String raw = tokens.get(k).raw();
            if (!text.startsWith(raw, at)) {
                return false;
            }
            at += raw.length();
        }
        return at == text.length();
    }

    /** The raw texts of tokens [from, to) joined by single spaces. */
    static String joinRaw(List<Token> tokens, int from, int to) {
        if (to - from == 1) {
            return tokens.get(from).raw();
        }
        StringBuilder sb = new StringBuilder();
        for (int k = from; k < to; k++) {
            sb.append(k == from ? "" : " ").append(tokens.get(k).raw());
        }
        return sb.toString();
    }

    static LineError badCounters(Token t) {
        return new LineError(IptCode.IPT015, t.column(), "'" + t.text() + "' is not a counter pair", "[packets:bytes], such as [0:0]");
    }

    /** Counters for chain lines (shared format). */
    static Counters chainCounters(Token t) throws LineError {
        return counters(t);
    }
}
