package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.Quoting;
import io.pktpath.parser.iptables.match.Protocols;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import io.pktpath.parser.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the options of one rule, left to right, into matches in written order. A module's options that follow an
 * interrupting basic option (kube-proxy writes {@code -m tcp -p tcp -d X --dport 80}) start an implicit continuation
 * record of the module that owns them; unknown modules and unknown options become {@link UnsupportedMatch}.
 */
final class MatchListParser {
    private static final Set<String> BOUNDARIES = Set.of("-m", "--match", "-j", "--jump", "-g", "--goto", "-s", "--source",
            "--src", "-d", "--destination", "--dst", "-p", "--protocol", "-i", "--in-interface", "-o", "--out-interface",
            "-f", "--fragment");

    /** The option names above, to share one copy of each spelling. */
    private static final Map<String, String> SPELLINGS = BOUNDARIES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), Function.identity()));

    private static final Set<String> SOURCE_OPTIONS = Set.of("-s", "--source", "--src");

    private final LineContext ctx;
    private final List<Token> tokens;
    private final List<Match> matches = new ArrayList<>();
    private final List<Integer> columns = new ArrayList<>();
    private final List<ModuleSpec> loaded = new ArrayList<>();
    private Segment open;
    private int i;
    private Token targetName;
    private boolean jump;

    /** A module being read: its spec (absent for an unknown module), options, raw tokens, and first column. */
    private static final class Segment {
        final Optional<ModuleSpec> spec;
        final String module;
        final boolean implicit;
        final int column;
        final List<MatchOption> options = new ArrayList<>();
        final List<String> raw = new ArrayList<>();
        String unsupportedReason;

        Segment(Optional<ModuleSpec> spec, String module, boolean implicit, int column) {
            this.spec = spec;
            this.module = module;
            this.implicit = implicit;
            this.column = column;
        }
    }

    MatchListParser(LineContext ctx, List<Token> tokens, int start) {
        this.ctx = ctx;
        this.tokens = tokens;
        this.i = start;
    }

    List<Match> matches() {
        return matches;
    }

    /** The 1-based column where each match starts, parallel to {@link #matches()}. */
    List<Integer> columns() {
        return columns;
    }

    Optional<Token> targetName() {
        return Optional.ofNullable(targetName);
    }

    boolean jump() {
        return jump;
    }

    /** Index of the {@code -j}/{@code -g} token. */
    int targetOptionIndex() {
        return i - 2;
    }

    /** Index of the first target option token (after {@code -j NAME}). */
    int targetArgsStart() {
        return i;
    }

    void parse() throws LineError {
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            boolean negated = false;
            if (t.is("!")) {
                negated = true;
                if (++i >= tokens.size()) {
                    throw new LineError(IptCode.IPT015, t.column(), "'!' at the end of the rule", "an option after '!'");
                }
                t = tokens.get(i);
            }
            if (t.quoted()) {
                throw unexpected(t);
            }
            switch (t.text()) {
                case "-s", "--source", "--src", "-d", "--destination", "--dst" -> address(t, negated);
                case "-p", "--protocol" -> protocol(t, negated);
                case "-i", "--in-interface", "-o", "--out-interface" -> iface(t, negated);
                case "-f", "--fragment" -> fragment(t, negated);
                case "-m", "--match" -> module(t, negated);
                case "-j", "--jump", "-g", "--goto" -> {
                    target(t, negated);
                    return;
                }
                default -> moduleOption(t, negated);
            }
        }
        close();
    }

    private LineError unexpected(Token t) {
        return new LineError(IptCode.IPT015, t.column(), "unexpected '" + t.text() + "'", "an option such as -s, -p, -m NAME or -j");
    }

    /** The option as written, as a shared string. */
    private static String spelled(Token option) {
        return SPELLINGS.getOrDefault(option.text(), option.text());
    }

    private void add(Match m, int column) {
        matches.add(m);
        columns.add(column);
    }

    /** The value token after an option, noting the pre-1.4.3 {@code -s ! x} negation; returns [negAfter, index]. */
    private Token value(Token option, boolean[] negAfter) throws LineError {
        int at = i + 1;
        if (at < tokens.size() && tokens.get(at).is("!")) {
            negAfter[0] = true;
            at++;
        }
        if (at >= tokens.size()) {
            throw new LineError(IptCode.IPT015, option.column(), "option " + option.text() + " needs a value",
                    "a value after " + option.text());
        }
        i = at + 1;
        return tokens.get(at);
    }

    private void address(Token option, boolean negated) throws LineError {
        close();
        boolean[] after = new boolean[1];
        Token v = value(option, after);
        Cidr cidr;
        try {
            cidr = ctx.addresses().cidr(v.text());
        } catch (InvalidValueException e) {
            throw new LineError(IptCode.IPT006, v.column(), e.getMessage(), e.expected());
        }
        AddressMatch.Side side = SOURCE_OPTIONS.contains(option.text())
                ? AddressMatch.Side.SOURCE : AddressMatch.Side.DESTINATION;
        Optional<String> spelling = v.raw().equals(cidr.toString()) ? Optional.empty() : Optional.of(v.raw());
        add(new AddressMatch(side, cidr, negated || after[0], after[0], spelled(option), spelling), option.column());
    }

    private void protocol(Token option, boolean negated) throws LineError {
        close();
        boolean[] after = new boolean[1];
        Token v = value(option, after);
        Optional<Integer> number = Protocols.number(v.text());
        if (number.isEmpty()) {
            throw new LineError(IptCode.IPT015, v.column(), "'" + v.text() + "' is not a protocol",
                    "a protocol name (tcp, udp, icmp, ...) or number 0-255");
        }
        String canonical = Protocols.name(number.get());
        Optional<String> spelling = v.raw().equals(canonical) ? Optional.empty() : Optional.of(v.raw());
        add(new ProtocolMatch(number.get(), negated || after[0], after[0], spelled(option), spelling), option.column());
        if (!negated && !after[0]) {
            ModuleRegistry.implicitFor(number.get()).ifPresent(loaded::add);
        }
    }

    private void iface(Token option, boolean negated) throws LineError {
        close();
        boolean[] after = new boolean[1];
        Token v = value(option, after);
        InterfaceMatch.Side side = option.text().equals("-i") || option.text().equals("--in-interface")
                ? InterfaceMatch.Side.IN : InterfaceMatch.Side.OUT;
        add(new InterfaceMatch(side, ctx.share(v.text()), negated || after[0], after[0], spelled(option)), option.column());
    }

    private void fragment(Token option, boolean negated) {
        close();
        i++;
        add(new FragmentMatch(negated, false, spelled(option)), option.column());
    }

    private void module(Token option, boolean negated) throws LineError {
        close();
        if (negated) {
            throw new LineError(IptCode.IPT015, option.column(), "'!' cannot negate " + option.text(), "! before an option");
        }
        boolean[] after = new boolean[1];
        Token name = value(option, after);
        Optional<ModuleSpec> spec = ModuleRegistry.module(name.text());
        open = new Segment(spec, name.text(), false, option.column());
        open.raw.add(option.raw());
        open.raw.add(name.raw());
        spec.ifPresent(loaded::add);
        if (spec.isEmpty()) {
            open.unsupportedReason = "match '" + name.text() + "' is not modeled";
        }
    }

    private void moduleOption(Token option, boolean negated) throws LineError {
        if (!option.text().startsWith("--")) {
            throw unexpected(option);
        }
        if (open != null && open.unsupportedReason == null && open.spec.get().resolve(option.text()).isPresent()) {
            readOption(open, option, negated);
            return;
        }
        if (open != null && open.unsupportedReason != null) {
            swallow(negated);
            return;
        }
        for (int k = loaded.size() - 1; k >= 0; k--) {
            if (loaded.get(k).acceptsExactly(option.text())) {
                close();
                open = new Segment(Optional.of(loaded.get(k)), loaded.get(k).name(), true, option.column());
                readOption(open, option, negated);
                return;
            }
        }
        if (open != null) {
            open.unsupportedReason = "option " + option.text() + " is not modeled for match '" + open.module + "'";
            swallow(negated);
            return;
        }
        throw new LineError(IptCode.IPT016, option.column(), "option " + option.text() + " belongs to no loaded match",
                "-m MODULE before its options, or an option of " + loadedNames());
    }

    private String loadedNames() {
        return loaded.isEmpty() ? "a loaded match (none is loaded)" : String.join(", ", loaded.stream().map(ModuleSpec::name).toList());
    }

    /** Adds the option and the following tokens up to the next boundary to an unsupported segment. */
    private void swallow(boolean negated) {
        if (negated) {
            open.raw.add("!");
        }
        open.raw.add(tokens.get(i++).raw());
        while (i < tokens.size() && !isBoundary(i) && !tokens.get(i).text().startsWith("--")) {
            open.raw.add(tokens.get(i++).raw());
        }
    }

    private boolean isBoundary(int k) {
        Token t = tokens.get(k);
        if (t.quoted()) {
            return false;
        }
        if (t.text().equals("!")) {
            return k + 1 < tokens.size() && (isBoundary(k + 1) || tokens.get(k + 1).text().startsWith("--"));
        }
        return BOUNDARIES.contains(t.text());
    }

    private void readOption(Segment seg, Token option, boolean negated) throws LineError {
        String canonical = seg.spec.get().resolve(option.text()).get();
        OptionKind kind = seg.spec.get().kind(canonical);
        boolean after = false;
        int at = i + 1;
        if (kind.arity() > 0 && at < tokens.size() && tokens.get(at).is("!")) {
            after = true;
            at++;
        }
        if (at + kind.arity() > tokens.size()) {
            throw new LineError(IptCode.IPT015, option.column(), "option " + option.text() + " needs "
                    + kind.arity() + (kind.arity() == 1 ? " value" : " values"), "a value after " + option.text());
        }
        int end = at + kind.arity();
        if (canonical.equals("--comment")) {
            end = unquotedWords(option, end);
        }
        List<Token> args = tokens.subList(at, end);
        OptionValue value;
        try {
            List<String> texts = new ArrayList<>(args.size());
            for (Token a : args) {
                texts.add(kind == OptionKind.TEXT ? ctx.share(a.text()) : a.text());
            }
            value = args.size() > kind.arity() ? new OptionValue.Text(String.join(" ", texts)) : kind.parse(texts, ctx.addresses());
        } catch (InvalidValueException e) {
            throw new LineError(kind.errorCode(), args.get(0).column(), e.getMessage(), e.expected());
        }
        boolean asRendered = value instanceof OptionValue.Text t && end - at == 1 ? Quoting.quotesAs(t.text(), tokens.get(at).raw())
                : RuleLineParser.sameText(tokens, at, end, value.render());
        Optional<String> spelling = asRendered ? Optional.empty() : Optional.of(RuleLineParser.joinRaw(tokens, at, end));
        seg.options.add(new MatchOption(canonical, option.text().equals(canonical) ? canonical : option.text(), negated || after,
                after, value, spelling));
        if (negated) {
            seg.raw.add("!");
        }
        for (int k = i; k < end; k++) {
            seg.raw.add(tokens.get(k).raw());
        }
        i = end;
    }

    /**
     * The end of a comment written as several unquoted words (kube-proxy's test dumps do this): iptables-restore would
     * reject the extra words, so they are joined into the comment with a warning.
     */
    private int unquotedWords(Token option, int end) {
        int k = end;
        while (k < tokens.size() && !tokens.get(k).quoted() && !tokens.get(k).text().startsWith("-")
                && !tokens.get(k).text().equals("!")) {
            k++;
        }
        if (k > end) {
            ctx.warn(IptCode.IPT108, option.column(), "comment of " + (k - end + 1) + " unquoted words; iptables-restore"
                    + " would reject the words after the first", "--comment \"several words\" in double quotes");
        }
        return k;
    }

    private void target(Token option, boolean negated) throws LineError {
        close();
        if (negated) {
            throw new LineError(IptCode.IPT015, option.column(), "'!' cannot negate " + option.text(), "! before a match option");
        }
        boolean[] after = new boolean[1];
        targetName = value(option, after);
        jump = option.text().equals("-j") || option.text().equals("--jump");
        if (after[0]) {
            throw new LineError(IptCode.IPT015, option.column(), "'!' cannot negate a target", "-j TARGET");
        }
    }

    private void close() {
        if (open == null) {
            return;
        }
        Segment s = open;
        open = null;
        if (s.unsupportedReason != null) {
            ctx.warn(IptCode.IPT102, s.column, s.unsupportedReason + "; kept verbatim, evaluates as unknown", "");
            add(new UnsupportedMatch(s.module, s.raw, ctx.span(s.column), s.unsupportedReason), s.column);
        } else {
            add(s.spec.get().build(s.options, s.implicit), s.column);
        }
    }
}
