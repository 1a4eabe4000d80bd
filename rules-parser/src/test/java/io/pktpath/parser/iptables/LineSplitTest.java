package io.pktpath.parser.iptables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DumpParser#lines} cuts a dump exactly as {@code split("\n", -1)} does. */
class LineSplitTest {
    @Test
    void cutsAsSplitDoes() {
        Random random = new Random(9);
        String chars = "\n\na b\r";
        for (int n = 0; n < 20000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                sb.append(chars.charAt(random.nextInt(chars.length())));
            }
            String text = sb.toString();
            assertArrayEquals(text.split("\n", -1), DumpParser.lines(text), text);
        }
        assertArrayEquals(new String[] {""}, DumpParser.lines(""));
        assertArrayEquals(new String[] {"", ""}, DumpParser.lines("\n"));
        assertArrayEquals(new String[] {"*nat", "COMMIT", ""}, DumpParser.lines("*nat\nCOMMIT\n"));
    }
}
