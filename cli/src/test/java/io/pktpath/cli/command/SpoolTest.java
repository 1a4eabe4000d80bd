package io.pktpath.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The spool prints its lines byte for byte as added, the separator after every line but the last. */
class SpoolTest {

    private static String printed(Spool spool) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8)) {
            out.print("before\n");
            spool.copyTo(out);
            out.print("after\n");
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonLinesGetCommasBetweenThem() throws Exception {
        try (Spool spool = new Spool(",")) {
            spool.add("{\"frame\":1}");
            spool.add("{\"note\":\"é → ü\"}");
            spool.add("{\"frame\":3}");
            assertEquals(3, spool.lines());
            assertEquals("before\n{\"frame\":1},\n{\"note\":\"é → ü\"},\n{\"frame\":3}\nafter\n", printed(spool));
        }
    }

    @Test
    void textLinesAreSeparatedByNewlinesOnly() throws Exception {
        try (Spool spool = new Spool("")) {
            spool.add("   1 12:00:00.000000 eth0 in");
            spool.add("   2 12:00:00.000100 eth1 out");
            assertEquals("before\n   1 12:00:00.000000 eth0 in\n   2 12:00:00.000100 eth1 out\nafter\n", printed(spool));
        }
    }

    @Test
    void aReusedBufferIsCopiedAtEachAddWhateverItsLengthAndCharacters() throws Exception {
        String longLine = "x".repeat(700);
        try (Spool spool = new Spool("")) {
            StringBuilder line = new StringBuilder();
            for (String text : new String[] {"ascii", "comment \"café\" ✓", longLine, "é" + longLine, "after"}) {
                line.setLength(0);
                spool.add(line.append(text));
            }
            assertEquals("before\nascii\ncomment \"café\" ✓\n" + longLine + "\né" + longLine + "\nafter\nafter\n",
                    printed(spool));
        }
    }

    @Test
    void anEmptySpoolPrintsNothing() throws Exception {
        try (Spool spool = new Spool(",")) {
            assertEquals("before\nafter\n", printed(spool));
        }
    }
}
