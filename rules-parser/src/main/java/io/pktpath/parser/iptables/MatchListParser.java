package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the options of one rule, left to right, into matches in written order. A module's options that follow an
 * interrupting basic option (kube-proxy writes {@code -m tcp -p tcp -d X --dport 80}) start an implicit continuation
 * record of the module that owns them; unknown modules and unknown options become {@link UnsupportedMatch}.
 */
final class MatchListParser {
    /** The options that end a module's options: a module, a target, or one of the {@link BasicMatches#OPTIONS}. */
    private static final Set<String> BOUNDARIES = Stream.concat(
            Stream.of("-m", "--match", "-j", "--jump", "-g", "--goto"), BasicMatches.OPTIONS.stream())
            .collect(Collectors.toUnmodifiableSet());

    /** Readings remembered between lines, taken only with {@link #shortcuts}. */
    private final RememberedReadings remembered = new RememberedReadings();
    /** False for the reference reading: every option read the general way, nothing remembered between lines. */
    private final boolean shortcuts;
    private final BasicMatches basics;
    private LineContext ctx;
    private LineTokens tokens;
    private final List<Match> matches = new ArrayList<>(8);
    private int[] columns = new int[8];
    private final List<ModuleSpec> loaded = new ArrayList<>(4);
    /** Segments of earlier lines, reused; the first {@link #segmentsUsed} are this line's. */
    private final List<ModuleSegment> segments = new ArrayList<>(4);
    private int segmentsUsed;
    private ModuleSegment open;
    private int i;
    private int targetName = -1;
    private boolean jump;
    /** Set by {@link #value} when the value follows a {@code !} written after the option (pre-1.4.3 form). */
    private boolean negAfter;

    /** A parser that takes the shortcuts for kube-proxy's common options and remembers readings between lines. */
    MatchListParser() {
        this(true);
    }

    /** A parser that takes the shortcuts or (for tests, as the reference) reads every option the general way. */
    MatchListParser(boolean shortcuts) {
        this.shortcuts = shortcuts;
        this.basics = new BasicMatches(remembered, shortcuts);
    }

    /** True unless this is the reference reading. */
    boolean shortcuts() {
        return shortcuts;
    }

    /** Reads the options of the line {@code tokens} holds from token {@code start} on, replacing the previous line's. */
    void parse(LineContext lineContext, LineTokens lineTokens, int start) throws LineError {
        ctx = lineContext;
        tokens = lineTokens;
        i = start;
        matches.clear();
        loaded.clear();
        segmentsUsed = 0;
        open = null;
        targetName = -1;
        jump = false;
        negAfter = false;
        parse();
    }

    /** A cleared segment for this line. */
    private ModuleSegment segment(Optional<ModuleSpec> spec, String module, boolean implicit, int column) {
        if (segmentsUsed == segments.size()) {
            segments.add(new ModuleSegment());
        }
        return segments.get(segmentsUsed++).reset(spec, module, implicit, column);
    }

    List<Match> matches() {
        return matches;
    }

    /** The 1-based column where each match starts, parallel to {@link #matches()}. */
    int[] columns() {
        return columns;
    }

    /** The index of the target name token after {@code -j}/{@code -g}, or -1 if the rule has no target. */
    int targetName() {
        return targetName;
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

    private void parse() throws LineError {
        int size = tokens.size();
        while (i < size) {
            int t = i;
            boolean negated = false;
            if (tokens.is(t, "!")) {
                negated = true;
                if (++i >= size) {
                    throw new LineError(IptCode.IPT015, tokens.column(t), "'!' at the end of the rule", "an option after '!'");
                }
                t = i;
            }
            if (tokens.quoted(t)) {
                throw unexpected(t);
            }
            switch (tokens.text(t)) {
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

    private LineError unexpected(int t) {
        return new LineError(IptCode.IPT015, tokens.column(t), "unexpected '" + tokens.text(t) + "'",
                "an option such as -s, -p, -m NAME or -j");
    }

    private void add(Match m, int column) {
        addShared(ctx.shareValue(m), column);
    }

    /** Adds {@code m}, already shared, starting at {@code column}. */
    private void addShared(Match m, int column) {
        if (matches.size() == columns.length) {
            columns = Arrays.copyOf(columns, columns.length * 2);
        }
        columns[matches.size()] = column;
        matches.add(m);
    }

    /** The index of the value token after an option, setting {@link #negAfter} for the pre-1.4.3 {@code -s ! x} form. */
    private int value(int option) throws LineError {
        int at = i + 1;
        negAfter = false;
        if (at < tokens.size() && tokens.is(at, "!")) {
            negAfter = true;
            at++;
        }
        if (at >= tokens.size()) {
            String name = tokens.text(option);
            throw new LineError(IptCode.IPT015, tokens.column(option), "option " + name + " needs a value",
                    "a value after " + name);
        }
        i = at + 1;
        return at;
    }

    private void address(int option, boolean negated) throws LineError {
        close();
        int v = value(option);
        addShared(basics.address(ctx, tokens, option, v, negated, negAfter), tokens.column(option));
    }

    private void protocol(int option, boolean negated) throws LineError {
        close();
        int v = value(option);
        ProtocolMatch m = basics.protocol(ctx, tokens, option, v, negated, negAfter);
        addShared(m, tokens.column(option));
        if (!m.negated()) {
            ModuleRegistry.implicitFor(m.number()).ifPresent(loaded::add);
        }
    }

    private void iface(int option, boolean negated) throws LineError {
        close();
        int v = value(option);
        addShared(basics.iface(ctx, tokens, option, v, negated, negAfter), tokens.column(option));
    }

    private void fragment(int option, boolean negated) {
        close();
        i++;
        addShared(basics.fragment(ctx, tokens, option, negated), tokens.column(option));
    }

    private void module(int option, boolean negated) throws LineError {
        close();
        if (negated) {
            throw new LineError(IptCode.IPT015, tokens.column(option), "'!' cannot negate " + tokens.text(option),
                    "! before an option");
        }
        int name = value(option);
        String module = tokens.text(name);
        Optional<ModuleSpec> spec = ModuleRegistry.module(module);
        int to = shortcuts && spec.isPresent() && name == option + 1
                ? RememberedReadings.segmentEnd(tokens, name + 1, BOUNDARIES) : 0;
        int hash = to > 0 ? RememberedReadings.hash(tokens, option, to) : 0;
        ModuleMatch known = to > 0 ? remembered.module(tokens, option, to, hash) : null;
        if (known != null) {
            loaded.add(spec.get());
            addShared(known, tokens.column(option));
            i = to;
            return;
        }
        ModuleMatch direct = to > 0 ? RememberedReadings.direct(tokens, spec.get(), option, to, module) : null;
        if (direct != null) {
            loaded.add(spec.get());
            ModuleMatch m = ctx.shareValue(direct);
            addShared(m, tokens.column(option));
            remembered.keepModule(tokens, option, to, hash, m);
            i = to;
            return;
        }
        open = segment(spec, module, false, tokens.column(option));
        open.raw(option);
        open.raw(name);
        if (spec.isPresent()) {
            loaded.add(spec.get());
            open.memoFrom = option;
            open.memoTo = to;
            open.memoHash = hash;
            open.warningsBefore = ctx.warnings().size();
        }
        if (spec.isEmpty()) {
            open.unsupportedReason = "match '" + module + "' is not modeled";
        }
    }

    private void moduleOption(int option, boolean negated) throws LineError {
        if (!tokens.startsWith(option, "--")) {
            throw unexpected(option);
        }
        String written = tokens.text(option);
        if (open != null && open.unsupportedReason == null && open.spec.get().resolve(written).isPresent()) {
            i = ModuleOptionReader.read(ctx, tokens, open, option, negated);
            return;
        }
        if (open != null && open.unsupportedReason != null) {
            swallow(negated);
            return;
        }
        for (int k = loaded.size() - 1; k >= 0; k--) {
            if (loaded.get(k).acceptsExactly(written)) {
                close();
                open = segment(Optional.of(loaded.get(k)), loaded.get(k).name(), true, tokens.column(option));
                i = ModuleOptionReader.read(ctx, tokens, open, option, negated);
                return;
            }
        }
        if (open != null) {
            open.unsupportedReason = "option " + written + " is not modeled for match '" + open.module + "'";
            swallow(negated);
            return;
        }
        throw new LineError(IptCode.IPT016, tokens.column(option), "option " + written + " belongs to no loaded match",
                "-m MODULE before its options, or an option of " + loadedNames());
    }

    private String loadedNames() {
        return loaded.isEmpty() ? "a loaded match (none is loaded)" : String.join(", ", loaded.stream().map(ModuleSpec::name).toList());
    }

    /** Adds the option and the following tokens up to the next boundary to an unsupported segment. */
    private void swallow(boolean negated) {
        if (negated) {
            open.raw(i - 1);
        }
        open.raw(i++);
        while (i < tokens.size() && !isBoundary(i) && !tokens.startsWith(i, "--")) {
            open.raw(i++);
        }
    }

    private boolean isBoundary(int k) {
        if (tokens.quoted(k)) {
            return false;
        }
        if (tokens.is(k, "!")) {
            return k + 1 < tokens.size() && (isBoundary(k + 1) || tokens.startsWith(k + 1, "--"));
        }
        return BOUNDARIES.contains(tokens.text(k));
    }

    private void target(int option, boolean negated) throws LineError {
        close();
        if (negated) {
            throw new LineError(IptCode.IPT015, tokens.column(option), "'!' cannot negate " + tokens.text(option),
                    "! before a match option");
        }
        targetName = value(option);
        jump = tokens.is(option, "-j") || tokens.is(option, "--jump");
        if (negAfter) {
            throw new LineError(IptCode.IPT015, tokens.column(option), "'!' cannot negate a target", "-j TARGET");
        }
    }

    private void close() {
        if (open == null) {
            return;
        }
        ModuleSegment s = open;
        open = null;
        if (s.unsupportedReason != null) {
            ctx.warn(IptCode.IPT102, s.column, s.unsupportedReason + "; kept verbatim, evaluates as unknown", "");
            add(new UnsupportedMatch(s.module, s.rawTexts(tokens), ctx.span(s.column), s.unsupportedReason), s.column);
        } else {
            ModuleMatch m = ctx.shareValue(s.spec.get().build(s.options, s.implicit));
            addShared(m, s.column);
            if (s.memoizable(ctx.warnings().size())) {
                remembered.keepModule(tokens, s.memoFrom, s.memoTo, s.memoHash, m);
            }
        }
    }
}
