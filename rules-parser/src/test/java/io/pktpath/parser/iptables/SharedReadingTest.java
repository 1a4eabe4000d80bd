package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.match.AddressMatch;
import io.pktpath.parser.iptables.match.Quoting;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Sharing strings and values between the lines one reader reads ({@link Names}, the prefix cache of
 * {@link AddressReader}, option values read once per word) changes no reading: every rule line read with tables
 * carried over many thousands of lines gives the same outcome as read alone with fresh ones.
 */
class SharedReadingTest {
    @Test
    void generatedKubeProxyDumpReadsTheSameWithSharing() {
        int lines = assertSameWithSharing("generated", KubeProxyDumpGenerator.generate(3000));
        assertTrue(lines > 20_000, "rule lines compared: " + lines);
    }

    @Test
    void peerDumpsReadTheSameWithSharing() throws IOException {
        Optional<Path> peer = PeerData.root();
        org.junit.jupiter.api.Assumptions.assumeTrue(peer.isPresent(), "shared peer data is not present");
        for (Path dump : PeerData.dumps(peer.get())) {
            assertSameWithSharing(PeerData.name(peer.get(), dump), Files.readString(dump));
        }
    }

    @Test
    void sharedParseRendersEveryRuleBackAndSharesEqualValues() {
        String dump = KubeProxyDumpGenerator.generate(3000);
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("dump", dump);
        List<Rule> rules = new ArrayList<>();
        parsed.value().tables().forEach(t -> t.chains().forEach(c -> rules.addAll(c.rules())));
        assertTrue(rules.size() > 20_000);
        for (Rule rule : rules) {
            assertEquals(rule.text(), RuleRenderer.render(rule), rule.span().toString());
        }
        List<AddressMatch> masq = rules.stream().flatMap(r -> r.matches(AddressMatch.class).stream())
                .filter(a -> a.negated() && a.side() == AddressMatch.Side.SOURCE).toList();
        assertTrue(masq.size() > 2, "negated source matches: " + masq.size());
        assertEquals(masq.get(0), masq.get(1));
        assertSame(masq.get(0), masq.get(1), "equal neighbouring matches are one object");
    }

    @Test
    void namesShareWordsAndValuesAndForgetOnlyWhenFull() {
        Names names = new Names();
        String line = "x KUBE-SEP-1 y";
        String first = names.share(line, 2, 12, Names.hash(line, 2, 12));
        assertEquals("KUBE-SEP-1", first);
        assertSame(first, names.share("KUBE-SEP-1" + ""));
        assertSame(first, names.share("zKUBE-SEP-1", 1, 11, "KUBE-SEP-1".hashCode()));
        assertEquals("KUBE-SEP-1".hashCode(), Names.hash(line, 2, 12));
        Cidr net = new Cidr(io.pktpath.parser.net.IpAddress.v4(0x0a000000), 8);
        Cidr same = new Cidr(io.pktpath.parser.net.IpAddress.v4(0x0a000000), 8);
        assertSame(net, names.shareValue(net));
        assertSame(net, names.shareValue(same));
        for (int k = 0; k < 20_000; k++) {
            String w = "w" + k;
            assertEquals(w, names.share(w + " ", 0, w.length(), w.hashCode()));
            assertEquals(List.of(k), names.shareValue(List.of(k)));
        }
        String again = names.share(line, 2, 12, Names.hash(line, 2, 12));
        assertEquals("KUBE-SEP-1", again);
        assertNotSame(first, again, "forgotten after many other words");
    }

    @Test
    void prefixCacheKeepsFamilyChecksAndSpelling() throws Exception {
        AddressReader v6 = new AddressReader(Optional.of(IpFamily.V6));
        InvalidValueException first = assertThrows(InvalidValueException.class, () -> v6.cidr("10.0.0.1/32"));
        InvalidValueException second = assertThrows(InvalidValueException.class, () -> v6.cidr("10.0.0.1/32"));
        assertEquals(first.getMessage(), second.getMessage());
        AddressReader any = new AddressReader(Optional.empty());
        Cidr c = any.cidr("10.0.0.1");
        assertSame(c, any.cidr("10.0.0.1"));
        assertEquals(Optional.of(IpFamily.V4), any.family());
        assertEquals(c.toString().equals("10.0.0.1"), any.canonical("10.0.0.1"));
        assertTrue(any.canonical(any.cidr("10.0.0.0/8").toString()));
        assertEquals(false, any.canonical("10.9.9.9/8"), "never read");
        assertThrows(InvalidValueException.class, () -> any.cidr("::1"));
        for (int k = 0; k < 10_000; k++) {
            any.cidr("10.1." + (k >> 8) + "." + (k & 255) + "/32");
        }
        assertEquals(c, any.cidr("10.0.0.1"));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.strings().withChars(" \t\"'\\!-_.:/,ab01Zé").ofMaxLength(12);
    }

    @Property
    void quotesAsInPlaceAgreesWithQuotesAs(@ForAll("values") String value, @ForAll("values") String other) {
        for (String text : List.of(Quoting.quote(value), Quoting.quoteAlways(value), other, Quoting.quote(other))) {
            String around = "<" + text + ">";
            assertEquals(Quoting.quotesAs(value, text), Quoting.quotesAs(value, around, 1, around.length() - 1), text);
        }
    }

    /** Reads each rule line of {@code dump} alone and with shared tables; returns how many lines were compared. */
    private static int assertSameWithSharing(String name, String dump) {
        String[] lines = dump.split("\n", -1);
        Names shared = new Names();
        LineTokens sharedTokens = new LineTokens(shared);
        AddressReader sharedAddresses = new AddressReader(Optional.of(IpFamily.V4));
        String table = "";
        Map<String, Integer> declarations = Map.of();
        int compared = 0;
        for (int n = 0; n < lines.length; n++) {
            String text = DumpParser.lineText(lines, n);
            if (text.startsWith("*")) {
                table = text.substring(1).strip();
                declarations = TableSections.scan(lines, n + 1, new Names());
                continue;
            }
            if (!text.startsWith("-") && !text.startsWith("[")) {
                continue;
            }
            Map<String, Integer> d = declarations;
            LineContext.ChainDeclarations chains = chain -> d.getOrDefault(chain, 0);
            Names alone = new Names();
            LineOutcome expected = LineOutcome.read(name, n + 1, text, table, chains,
                    new AddressReader(Optional.of(IpFamily.V4)), IpFamily.V4, alone, new LineTokens(alone));
            LineOutcome actual = LineOutcome.read(name, n + 1, text, table, chains, sharedAddresses, IpFamily.V4, shared,
                    sharedTokens);
            String at = name + ":" + (n + 1) + ": " + text;
            assertEquals(expected.line, actual.line, at);
            assertEquals(expected.warnings, actual.warnings, at);
            assertEquals(expected.quoteColumn, actual.quoteColumn, at);
            assertEquals(expected.only, actual.only, at);
            assertEquals(expected.error == null ? null : expected.error.getMessage() + expected.error.column(),
                    actual.error == null ? null : actual.error.getMessage() + actual.error.column(), at);
            compared++;
        }
        return compared;
    }
}
