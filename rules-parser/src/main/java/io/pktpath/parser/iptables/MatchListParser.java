package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.Protocols;
import io.pktpath.parser.iptables.match.UnsupportedMatch;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** Readings remembered between lines, taken only with {@link #shortcuts}. */
    private final RememberedReadings remembered = new RememberedReadings();
    /** False for the reference reading: every option read the general way, nothing remembered between lines. */
    private final boolean shortcuts;
    private LineContext ctx;
    private LineTokens tokens;
    private final List<Match> matches = new ArrayList<>(8);
    private int[] columns = new int[8];
    private final List<ModuleSpec> loaded = new ArrayList<>(4);
    /** Segments of earlier lines, reused; the first {@link #segmentsUsed} are this line's. */
    private final List<Segment> segments = new ArrayList<>(4);
    private int segmentsUsed;
    private Segment open;
    private int i;
    private int targetName = -1;
    private boolean jump;
    /** Set by {@link #value} when the value follows a {@code !} written after the option (pre-1.4.3 form). */
    private boolean negAfter;

    /** A module being read: its spec (absent for an unknown module), options, raw token indexes, and first column. */
    private static final class Segment {
        Optional<ModuleSpec> spec;
        String module;
        boolean implicit;
        int column;
        final List<MatchOption> options = new ArrayList<>(4);
        int[] raw = new int[8];
        int rawCount;
        String unsupportedReason;
        /** The tokens [memoFrom, memoTo) the segment is expected to span to be remembered, or memoTo 0 for none. */
        int memoFrom;
        int memoTo;
        int memoHash;
        int warningsBefore;
        /** True once an option's value depended on the address family. */
        boolean familyDependent;

        Segment reset(Optional<ModuleSpec> spec, String module, boolean implicit, int column) {
            this.spec = spec;
            this.module = module;
            this.implicit = implicit;
            this.column = column;
            options.clear();
            rawCount = 0;
            unsupportedReason = null;
            memoTo = 0;
            familyDependent = false;
            return this;
        }

        void raw(int token) {
            if (rawCount == raw.length) {
                raw = Arrays.copyOf(raw, rawCount * 2);
            }
            raw[rawCount++] = token;
        }
    }

    /** A parser that takes the shortcuts for kube-proxy's common options and remembers readings between lines. */
    MatchListParser() {
        this(true);
    }

    /** A parser that takes the shortcuts or (for tests, as the reference) reads every option the general way. */
    MatchListParser(boolean shortcuts) {
        this.shortcuts = shortcuts;
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
    private Segment segment(Optional<ModuleSpec> spec, String module, boolean implicit, int column) {
        if (segmentsUsed == segments.size()) {
            segments.add(new Segment());
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

    /** The option as written, as a shared string. */
    private String spelled(int option) {
        String text = tokens.text(option);
        return SPELLINGS.getOrDefault(text, text);
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
        boolean after = negAfter;
        Optional<IpFamily> family = shortcuts ? ctx.addresses().family() : Optional.empty();
        int from = tokens.start(negated ? option - 1 : option);
        int hash = family.isPresent() ? Names.hash(tokens.line(), from, tokens.end(v)) : 0;
        Match known = family.isPresent() ? remembered.option(tokens, from, tokens.end(v), hash) : null;
        if (known instanceof AddressMatch a && a.cidr().family() == family.get()) {
            addShared(known, tokens.column(option));
            return;
        }
        Cidr cidr = family.isPresent() && family.get() == IpFamily.V4 && !tokens.quoted(v)
                ? Cidr.v4OrNull(tokens.line(), tokens.start(v), tokens.end(v)) : null;
        boolean canonical;
        if (cidr != null) {
            canonical = AddressReader.printsAsV4(cidr, tokens.rawLength(v), true);
        } else {
            try {
                cidr = ctx.addresses().cidr(tokens.text(v));
            } catch (InvalidValueException e) {
                throw new LineError(IptCode.IPT006, tokens.column(v), e.getMessage(), e.expected());
            }
            canonical = tokens.quoted(v) ? sameRaw(v, cidr.toString()) : ctx.addresses().canonical(tokens.text(v));
        }
        AddressMatch.Side side = SOURCE_OPTIONS.contains(tokens.text(option))
                ? AddressMatch.Side.SOURCE : AddressMatch.Side.DESTINATION;
        Optional<String> spelling = canonical ? Optional.empty() : Optional.of(tokens.raw(v));
        Match m = ctx.shareValue(new AddressMatch(side, cidr, negated || after, after, spelled(option), spelling));
        addShared(m, tokens.column(option));
        if (family.isPresent()) {
            remembered.keepOption(tokens, from, tokens.end(v), hash, m);
        }
    }

    /** True if token {@code k}'s source text is {@code s}. */
    private boolean sameRaw(int k, String s) {
        return tokens.rawLength(k) == s.length() && tokens.rawAt(k, s, 0);
    }

    private void protocol(int option, boolean negated) throws LineError {
        close();
        int v = value(option);
        boolean after = negAfter;
        int from = tokens.start(negated ? option - 1 : option);
        int hash = shortcuts ? Names.hash(tokens.line(), from, tokens.end(v)) : 0;
        if (shortcuts && remembered.option(tokens, from, tokens.end(v), hash) instanceof ProtocolMatch known) {
            addShared(known, tokens.column(option));
            if (!known.negated()) {
                ModuleRegistry.implicitFor(known.number()).ifPresent(loaded::add);
            }
            return;
        }
        Optional<Integer> number = Protocols.number(tokens.text(v));
        if (number.isEmpty()) {
            throw new LineError(IptCode.IPT015, tokens.column(v), "'" + tokens.text(v) + "' is not a protocol",
                    "a protocol name (tcp, udp, icmp, ...) or number 0-255");
        }
        String canonical = Protocols.name(number.get());
        Optional<String> spelling = sameRaw(v, canonical) ? Optional.empty() : Optional.of(tokens.raw(v));
        ProtocolMatch m = ctx.shareValue(new ProtocolMatch(number.get(), negated || after, after, spelled(option), spelling));
        addShared(m, tokens.column(option));
        if (shortcuts) {
            remembered.keepOption(tokens, from, tokens.end(v), hash, m);
        }
        if (!negated && !after) {
            Optional<ModuleSpec> implicit = ModuleRegistry.implicitFor(number.get());
            if (implicit.isPresent()) {
                loaded.add(implicit.get());
            }
        }
    }

    private void iface(int option, boolean negated) throws LineError {
        close();
        int v = value(option);
        boolean after = negAfter;
        InterfaceMatch.Side side = tokens.is(option, "-i") || tokens.is(option, "--in-interface")
                ? InterfaceMatch.Side.IN : InterfaceMatch.Side.OUT;
        add(new InterfaceMatch(side, ctx.share(tokens.text(v)), negated || after, after, spelled(option)),
                tokens.column(option));
    }

    private void fragment(int option, boolean negated) {
        close();
        i++;
        add(new FragmentMatch(negated, false, spelled(option)), tokens.column(option));
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

    /** True if segment {@code s} spans exactly the tokens its memo entry expects, read without warnings or family. */
    private boolean memoizable(Segment s) {
        if (s.memoTo == 0 || s.unsupportedReason != null || s.implicit || s.familyDependent
                || s.rawCount != s.memoTo - s.memoFrom || ctx.warnings().size() != s.warningsBefore) {
            return false;
        }
        for (int k = 0; k < s.rawCount; k++) {
            if (s.raw[k] != s.memoFrom + k) {
                return false;
            }
        }
        return true;
    }

    private void moduleOption(int option, boolean negated) throws LineError {
        if (!tokens.startsWith(option, "--")) {
            throw unexpected(option);
        }
        String written = tokens.text(option);
        if (open != null && open.unsupportedReason == null && open.spec.get().resolve(written).isPresent()) {
            readOption(open, option, negated);
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
                readOption(open, option, negated);
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

    private void readOption(Segment seg, int option, boolean negated) throws LineError {
        String written = tokens.text(option);
        String canonical = seg.spec.get().resolve(written).get();
        OptionKind kind = seg.spec.get().kind(canonical);
        seg.familyDependent |= !kind.fromWordAlone() && kind.arity() == 1;
        boolean after = false;
        int at = i + 1;
        if (kind.arity() > 0 && at < tokens.size() && tokens.is(at, "!")) {
            after = true;
            at++;
        }
        if (at + kind.arity() > tokens.size()) {
            throw new LineError(IptCode.IPT015, tokens.column(option), "option " + written + " needs "
                    + kind.arity() + (kind.arity() == 1 ? " value" : " values"), "a value after " + written);
        }
        int end = at + kind.arity();
        if (canonical.equals(RememberedReadings.COMMENT)) {
            end = unquotedWords(option, end);
        }
        OptionValue value;
        boolean asRendered;
        Names.WordValue known = end - at == 1 && kind.fromWordAlone() && !tokens.quoted(at)
                ? ctx.names().wordValue(kind, tokens.text(at)) : null;
        if (known != null) {
            value = known.value();
            asRendered = known.canonical();
        } else {
            value = optionValue(kind, at, end);
            asRendered = value instanceof OptionValue.Text t && end - at == 1
                    ? tokens.rawQuotes(at, t.text())
                    : RuleLineParser.sameText(tokens, at, end, value.render());
            if (end - at == 1 && kind.fromWordAlone() && !tokens.quoted(at)) {
                ctx.names().keepWordValue(kind, tokens.text(at), new Names.WordValue(value, asRendered));
            }
        }
        Optional<String> spelling = asRendered ? Optional.empty() : Optional.of(RuleLineParser.joinRaw(tokens, at, end));
        seg.options.add(new MatchOption(canonical, written.equals(canonical) ? canonical : written, negated || after,
                after, value, spelling));
        if (negated) {
            seg.raw(i - 1);
        }
        for (int k = i; k < end; k++) {
            seg.raw(k);
        }
        i = end;
    }

    /** The value of tokens [at, end) for an option of {@code kind}. */
    private OptionValue optionValue(OptionKind kind, int at, int end) throws LineError {
        try {
            if (end - at > kind.arity()) {
                StringBuilder joined = new StringBuilder();
                for (int k = at; k < end; k++) {
                    joined.append(k == at ? "" : " ").append(tokens.text(k));
                }
                return new OptionValue.Text(joined.toString());
            }
            String first = kind.arity() == 0 ? "" : tokens.text(at);
            String second = kind.arity() < 2 ? "" : tokens.text(at + 1);
            return kind.parse(first, second, ctx.addresses());
        } catch (InvalidValueException e) {
            throw new LineError(kind.errorCode(), tokens.column(at), e.getMessage(), e.expected());
        }
    }

    /**
     * The end of a comment written as several unquoted words (kube-proxy's test dumps do this): iptables-restore would
     * reject the extra words, so they are joined into the comment with a warning.
     */
    private int unquotedWords(int option, int end) {
        int k = end;
        while (k < tokens.size() && !tokens.quoted(k) && !tokens.startsWith(k, "-") && !tokens.is(k, "!")) {
            k++;
        }
        if (k > end) {
            ctx.warn(IptCode.IPT108, tokens.column(option), "comment of " + (k - end + 1) + " unquoted words; iptables-restore"
                    + " would reject the words after the first", "--comment \"several words\" in double quotes");
        }
        return k;
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
        Segment s = open;
        open = null;
        if (s.unsupportedReason != null) {
            ctx.warn(IptCode.IPT102, s.column, s.unsupportedReason + "; kept verbatim, evaluates as unknown", "");
            List<String> raw = new ArrayList<>(s.rawCount);
            for (int k = 0; k < s.rawCount; k++) {
                raw.add(tokens.raw(s.raw[k]));
            }
            add(new UnsupportedMatch(s.module, raw, ctx.span(s.column), s.unsupportedReason), s.column);
        } else {
            ModuleMatch m = ctx.shareValue(s.spec.get().build(s.options, s.implicit));
            addShared(m, s.column);
            if (memoizable(s)) {
                remembered.keepModule(tokens, s.memoFrom, s.memoTo, s.memoHash, m);
            }
        }
    }
}
