package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every stable finding code is documented in docs/findings.md. */
class FindingDocsTest {
    @Test
    void everyCodeIsDocumented() throws Exception {
        String doc = Files.readString(SampleBundles.root().resolve("docs/findings.md"));
        List<String> missing = new ArrayList<>();
        int codes = 0;
        for (Field f : Codes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                codes++;
                String code = (String) f.get(null);
                if (!doc.contains("### " + code + "\n") && !doc.contains("| " + code + " |")
                        && !doc.contains(" / " + code) && !doc.contains("| " + code + " / ")) {
                    missing.add(code);
                }
            }
        }
        assertEquals(41, codes);
        assertEquals(List.of(), missing);
    }
}
