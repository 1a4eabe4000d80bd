package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.FragmentMatch;
import io.pktpath.parser.iptables.match.InterfaceMatch;
import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.match.ProtocolMatch;
import io.pktpath.parser.iptables.match.Protocols;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the options iptables itself knows, without a module ({@code -s}, {@code -d}, {@code -p}, {@code -i}, {@code -o},
 * {@code -f}), each with its value already located by {@link MatchListParser}; addresses and protocols seen before in
 * the same text are taken from the parser's {@link RememberedReadings}.
 */
final class BasicMatches {
    /** The options read here, in every spelling. */
    static final Set<String> OPTIONS = Set.of("-s", "--source", "--src", "-d", "--destination", "--dst", "-p",
            "--protocol", "-i", "--in-interface", "-o", "--out-interface", "-f", "--fragment");

    /** {@link #OPTIONS}, to share one copy of each spelling. */
    private static final Map<String, String> SPELLINGS = OPTIONS.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), Function.identity()));

    private static final Set<String> SOURCE_OPTIONS = Set.of("-s", "--source", "--src");

    private final RememberedReadings remembered;
    private final boolean shortcuts;

    /** Matches remembered in {@code remembered}; with {@code shortcuts} false nothing is remembered or taken. */
    BasicMatches(RememberedReadings remembered, boolean shortcuts) {
        this.remembered = remembered;
        this.shortcuts = shortcuts;
    }

    /**
     * The shared address match of option token {@code option} with value token {@code v}; {@code negated} for a
     * {@code !} before the option, {@code after} for one between option and value.
     */
    Match address(LineContext ctx, LineTokens tokens, int option, int v, boolean negated, boolean after) throws LineError {
        Optional<IpFamily> family = shortcuts ? ctx.addresses().family() : Optional.empty();
        int from = tokens.start(negated ? option - 1 : option);
        int hash = family.isPresent() ? Names.hash(tokens.line(), from, tokens.end(v)) : 0;
        Match known = family.isPresent() ? remembered.option(tokens, from, tokens.end(v), hash) : null;
        if (known instanceof AddressMatch a && a.cidr().family() == family.get()) {
            return known;
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
            canonical = tokens.quoted(v) ? sameRaw(tokens, v, cidr.toString()) : ctx.addresses().canonical(tokens.text(v));
        }
        AddressMatch.Side side = SOURCE_OPTIONS.contains(tokens.text(option))
                ? AddressMatch.Side.SOURCE : AddressMatch.Side.DESTINATION;
        Optional<String> spelling = canonical ? Optional.empty() : Optional.of(tokens.raw(v));
        Match m = ctx.shareValue(new AddressMatch(side, cidr, negated || after, after, spelled(tokens, option), spelling));
        if (family.isPresent()) {
            remembered.keepOption(tokens, from, tokens.end(v), hash, m);
        }
        return m;
    }

    /** The shared protocol match of option token {@code option} with value token {@code v} (negation as for addresses). */
    ProtocolMatch protocol(LineContext ctx, LineTokens tokens, int option, int v, boolean negated, boolean after)
            throws LineError {
        int from = tokens.start(negated ? option - 1 : option);
        int hash = shortcuts ? Names.hash(tokens.line(), from, tokens.end(v)) : 0;
        if (shortcuts && remembered.option(tokens, from, tokens.end(v), hash) instanceof ProtocolMatch known) {
            return known;
        }
        Optional<Integer> number = Protocols.number(tokens.text(v));
        if (number.isEmpty()) {
            throw new LineError(IptCode.IPT015, tokens.column(v), "'" + tokens.text(v) + "' is not a protocol",
                    "a protocol name (tcp, udp, icmp, ...) or number 0-255");
        }
        String canonical = Protocols.name(number.get());
        Optional<String> spelling = sameRaw(tokens, v, canonical) ? Optional.empty() : Optional.of(tokens.raw(v));
        ProtocolMatch m = ctx.shareValue(new ProtocolMatch(number.get(), negated || after, after, spelled(tokens, option),
                spelling));
        if (shortcuts) {
            remembered.keepOption(tokens, from, tokens.end(v), hash, m);
        }
        return m;
    }

    /** The shared interface match of option token {@code option} with value token {@code v}. */
    Match iface(LineContext ctx, LineTokens tokens, int option, int v, boolean negated, boolean after) {
        InterfaceMatch.Side side = tokens.is(option, "-i") || tokens.is(option, "--in-interface")
                ? InterfaceMatch.Side.IN : InterfaceMatch.Side.OUT;
        return ctx.shareValue(new InterfaceMatch(side, ctx.share(tokens.text(v)), negated || after, after,
                spelled(tokens, option)));
    }

    /** The shared fragment match of option token {@code option}. */
    Match fragment(LineContext ctx, LineTokens tokens, int option, boolean negated) {
        return ctx.shareValue(new FragmentMatch(negated, false, spelled(tokens, option)));
    }

    /** The option as written, as a shared string. */
    private static String spelled(LineTokens tokens, int option) {
        String text = tokens.text(option);
        return SPELLINGS.getOrDefault(text, text);
    }

    /** True if token {@code k}'s source text is {@code s}. */
    private static boolean sameRaw(LineTokens tokens, int k, String s) {
        return tokens.rawLength(k) == s.length() && tokens.rawAt(k, s, 0);
    }
}
