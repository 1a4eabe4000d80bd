package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The sniffer's line scan gives exactly the lines a whole-text {@code split("\r?\n")} would. */
class SignificantLinesProperties {

    /** The former implementation: split all of the text, then keep the first 200 significant lines. */
    private static List<String> bySplit(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.startsWith(";")) {
                out.add(line.stripTrailing());
                if (out.size() == 200) {
                    break;
                }
            }
        }
        return out;
    }

    @Property(tries = 1000)
    void sameAsSplittingTheWholeText(@ForAll("texts") String text) {
        assertEquals(bySplit(text), ContentSniffer.significantLines(text));
    }

    @Property(tries = 50)
    void longTextsStopAtTheSample(@ForAll("lines") List<String> lines) {
        String text = String.join("\n", lines) + "\n";
        assertEquals(bySplit(text), ContentSniffer.significantLines(text));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars('a', 'b', ' ', '\t', '\r', '\n', '#', ';', '*', '-').ofMaxLength(80);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return Arbitraries.of("-A KUBE-SERVICES -j ACCEPT", "", "# comment", "  ", ";x", "COMMIT\r", "*nat")
                .list().ofMinSize(150).ofMaxSize(600);
    }
}
