package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import java.util.Optional;

/**
 * Reads one option of a module ({@code --dport 80}, {@code ! --ctstate NEW}, {@code --comment "a b"}) with its
 * values into a {@link ModuleSegment}, taking a value read before from the line's {@link Names} when the option's value
 * is one word whose meaning does not depend on the rest of the rule.
 */
final class ModuleOptionReader {
    private ModuleOptionReader() {
    }

    /**
     * Reads option token {@code option} of {@code seg}'s module ({@code negated}: written after a {@code !}); returns the
     * index of the token after its values.
     */
    static int read(LineContext ctx, LineTokens tokens, ModuleSegment seg, int option, boolean negated) throws LineError {
        String written = tokens.text(option);
        String canonical = seg.spec.get().resolve(written).get();
        OptionKind kind = seg.spec.get().kind(canonical);
        seg.familyDependent |= !kind.fromWordAlone() && kind.arity() == 1;
        boolean after = false;
        int at = option + 1;
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
            end = unquotedWords(ctx, tokens, option, end);
        }
        OptionValue value;
        boolean asRendered;
        Names.WordValue known = end - at == 1 && kind.fromWordAlone() && !tokens.quoted(at)
                ? ctx.names().wordValue(kind, tokens.text(at)) : null;
        if (known != null) {
            value = known.value();
            asRendered = known.canonical();
        } else {
            value = optionValue(ctx, tokens, kind, at, end);
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
            seg.raw(option - 1);
        }
        for (int k = option; k < end; k++) {
            seg.raw(k);
        }
        return end;
    }

    /** The value of tokens [at, end) for an option of {@code kind}. */
    private static OptionValue optionValue(LineContext ctx, LineTokens tokens, OptionKind kind, int at, int end)
            throws LineError {
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
    private static int unquotedWords(LineContext ctx, LineTokens tokens, int option, int end) {
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
}
