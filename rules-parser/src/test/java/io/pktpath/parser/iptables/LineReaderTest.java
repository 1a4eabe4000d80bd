package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One {@link LineReader} reading every rule line of many dumps in a row, its parsers reused from line to line and its
 * shortcuts and remembered readings taken, gives for each line exactly what a fresh reader that reads every option the
 * general way gives for that line alone.
 */
class LineReaderTest {
    @Test
    void aReusedReaderReadsEachLineAsAFreshOne() {
        List<String> dumps = new ArrayList<>();
        dumps.add(KubeProxyDumpGenerator.generate(40));
        dumps.add("*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A INPUT -m foo --bar 1 -m comment --comment one two -j X\n"
                + "-A INPUT -p tcp -m tcp --dport 80 -m bogus -j ACCEPT\n-A INPUT -m comment --comment \"open -j X\n"
                + "-A INPUT ! -m tcp -j X\n-A INPUT -o eth0 -m mark --mark 1 -m set --match-set s src -j LOG --bad\n"
                + "-A INPUT -p tcp -m multiport --dports 1,2 -m tcp --sport 3 --dport 4 -j X\n"
                + "-A INPUT --dport 80 -j X\n-A INPUT -m comment --comment x --sport 5 -j X\nCOMMIT\n");
        // the same source text of a module, address or protocol option in other surroundings (remembered readings)
        dumps.add("*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A INPUT -m comment --comment x -j X\n"
                + "-A INPUT -m comment --comment x one two -j X\n-A INPUT -m comment --comment x\n"
                + "-A INPUT -m comment --comment x ! -s 10.0.0.0/8 -j X\n-A INPUT -m tcp --dport 80 -j X\n"
                + "-A INPUT -p udp -m tcp --dport 80 -j X\n-A INPUT -m tcp --dport 80 --bogus 1 -j X\n"
                + "-A INPUT -m tcp --dport 80 -j X\n-A INPUT -p tcp --dport 80 -m tcp --dport 80 -j X\n"
                + "-A INPUT -s 10.0.0.1/8 -j X\n-A INPUT -s 10.0.0.1/8 -j X\n-A INPUT ! -s 10.0.0.0/8 -j X\n"
                + "-A INPUT -s ! 10.0.0.0/8 -j X\n-A INPUT -s 10.0.0.0/8 -j X\n-A INPUT -s \"10.0.0.0/8\" -j X\n"
                + "-A INPUT -s fd00::1/128 -j X\n-A INPUT -s fd00::1/128 -j X\n-A INPUT -s 010.0.0.0/8 -j X\n"
                + "-A INPUT -p tcp -j X\n-A INPUT ! -p tcp -j X\n-A INPUT -p ! tcp --dport 5 -j X\n"
                + "-A INPUT -p tcp --dport 5 -j X\n-A INPUT -p 6 -j X\n-A INPUT -p tcp -j X\n"
                + "-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j X\n"
                + "-A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -j X\n"
                + "-A INPUT -m mark ! --mark 0x1 -j X\n-A INPUT -m mark ! --mark 0x1 -j X\n"
                + "-A INPUT -m mark --mark 0x1 ! -s 1.2.3.4 -j X\n-A INPUT -m tcp --dport 80 --sport\n"
                + "-A INPUT -j DNAT --to-destination 10.0.0.1:080\n-A INPUT -j DNAT --to-destination 10.0.0.1:80\n"
                + "-A INPUT -j DNAT --to-destination [10.0.0.1]:80\n-A INPUT -j DNAT --to-destination 10.0.0.1\n"
                + "-A INPUT -j DNAT --to-destination 10.0.0.1-10.0.0.2:80-90\n"
                + "-A INPUT -j DNAT --to-destination 300.1.1.1:80\n-A INPUT -j DNAT --to-destination \"10.0.0.1:80\"\n"
                + "-A INPUT -j DNAT --to-destination fd00::1\n-A INPUT --jump DNAT --to-destination 10.0.0.1:80\n"
                + "-A INPUT -m comment --comment \"a\\\"b\" -j X\n-A INPUT -m comment --comment \"x\"y -j X\n"
                + "-A INPUT -m comment --comment \"\" -j X\n-A INPUT -m comment --comment \"x\" --comment \"y\" -j X\n"
                + "-A INPUT -m comment --comment \"x\" -m comment --comment \"x\" -j X\n"
                + "-A INPUT -m comment --comment 'x' -j X\n-A INPUT -m comment --comment \"x\" one -j X\n"
                + "-A INPUT -m comment --comment \"x\" ! -p tcp -j X\n-A INPUT -m comment \"--comment\" \"x\" -j X\n"
                + "-A INPUT -p tcp -m tcp --dport 0 -j X\n-A INPUT -p tcp -m tcp --dport 00 -j X\n"
                + "-A INPUT -p tcp -m tcp --dport 080 -j X\n-A INPUT -p tcp -m tcp --dport 65535 -j X\n"
                + "-A INPUT -p tcp -m tcp --dport 65536 -j X\n-A INPUT -p udp -m udp --sport 5 -j X\n"
                + "-A INPUT -p udp -m udp --dport 53\n-A INPUT -p tcp -m tcp --dport \u0668\u0660 -j X\n"
                + "-A INPUT -p tcp -m tcp --dport \"80\" -j X\n-A INPUT -p tcp -m tcp --dport 80:90 -j X\n"
                + "-A INPUT -p tcp -m tcp ! --dport 80 -j X\n-A INPUT -p tcp -m tcp --dport ! 80 -j X\n"
                + "COMMIT\n");
        PeerData.root().ifPresent(peer -> PeerData.dumps(peer).forEach(p -> dumps.add(read(p))));
        Names names = new Names();
        LineReader reused = new LineReader(names, new LineTokens(names));
        AddressReader addresses = new AddressReader(Optional.of(IpFamily.V4));
        int compared = 0;
        for (String dump : dumps) {
            String[] lines = dump.split("\n", -1);
            String table = "";
            Map<String, Integer> declarations = Map.of();
            for (int n = 0; n < lines.length; n++) {
                String text = DumpParser.lineText(lines, n);
                if (text.startsWith("*")) {
                    table = text.substring(1).strip();
                    declarations = TableSections.scan(lines, n + 1, new Names());
                } else if (text.startsWith("-") || text.startsWith("[")) {
                    Map<String, Integer> d = declarations;
                    LineContext.ChainDeclarations chains = chain -> d.getOrDefault(chain, 0);
                    Names alone = new Names();
                    LineOutcome expected = new LineReader(alone, new LineTokens(alone), false).read("d", n + 1, text, table,
                            chains, new AddressReader(Optional.of(IpFamily.V4)), IpFamily.V4);
                    LineOutcome actual = reused.read("d", n + 1, text, table, chains, addresses, IpFamily.V4);
                    assertSameOutcome(expected, actual, (n + 1) + ": " + text);
                    compared++;
                }
            }
        }
        assertTrue(compared > 300, "lines compared: " + compared);
    }

    private static void assertSameOutcome(LineOutcome expected, LineOutcome actual, String at) {
        assertEquals(expected.line, actual.line, at);
        assertEquals(expected.warnings, actual.warnings, at);
        assertEquals(expected.quoteColumn, actual.quoteColumn, at);
        assertEquals(expected.only, actual.only, at);
        assertEquals(expected.error == null ? null : expected.error.code() + " " + expected.error.column() + " "
                + expected.error.getMessage(), actual.error == null ? null : actual.error.code() + " "
                + actual.error.column() + " " + actual.error.getMessage(), at);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
