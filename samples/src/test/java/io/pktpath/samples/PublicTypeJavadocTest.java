package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks that every public top-level class, record, interface, enum and annotation type in the main sources of all
 * modules carries a javadoc comment directly above its declaration (annotations may sit between) with at least one
 * sentence, and reports every miss at once, sorted, as {@code path:line}.
 */
class PublicTypeJavadocTest {

    private static final Path ROOT = RecordedBundles.repoRoot();
    private static final Pattern LEADING_ANNOTATION =
            Pattern.compile("\\A@(?!interface\\b)[\\w.]+\\s*(\\((?:[^()]|\\([^()]*\\))*\\))?\\s*");
    private static final Pattern TYPE_HEADER = Pattern.compile(
            "\\A((?:(?:public|protected|private|abstract|static|final|sealed|non-sealed|strictfp)\\s+)*)"
                    + "(class|interface|enum|record|@\\s*interface)\\s+(\\w+)");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s|$)");
    private static final Pattern WORD = Pattern.compile("\\p{L}{2,}");

    /** A public top-level type declaration: where it starts (first annotation or modifier) and its name. */
    record Declaration(String name, int start) {
    }

    @Test
    void everyPublicTopLevelTypeHasAJavadocSentence() {
        List<String> violations = new ArrayList<>();
        for (String module : JavaSourceFile.modules(ROOT)) {
            for (JavaSourceFile file : JavaSourceFile.sources(ROOT, module, "main")) {
                violations.addAll(violations(file));
            }
        }
        List<String> sorted = violations.stream().sorted().toList();
        assertTrue(sorted.isEmpty(), sorted.size() + " public type(s) without a javadoc sentence:\n"
                + String.join("\n", sorted));
    }

    @Test
    void findsMissingAndEmptyJavadocsButAcceptsAnnotatedAndDocumentedTypes() {
        String source = """
                package a;

                import java.util.List;

                /** Holds the routes of one table, in the order ip route show printed them. */
                @SuppressWarnings({"unused", "rawtypes"})
                @Deprecated(since = "1")
                public final class Documented<T extends List<T>> {
                    /** not top level */ public static class Inner { }
                    String brace = "{";
                }

                public record Missing(int a) {
                }

                /** TODO */
                public interface NoSentence {
                }

                /**
                 * @see Missing
                 */
                public enum OnlyTags { A }

                // a line comment is not javadoc
                public @interface Annotation {
                }

                class PackagePrivate {
                }
                """;
        JavaSourceFile file = new JavaSourceFile("m", Path.of("m/src/main/java/a/Documented.java"), source,
                JavaSourceFile.blankNonCode(source));
        assertEquals(List.of(
                "m/src/main/java/a/Documented.java:13: public record Missing has no javadoc directly above it",
                "m/src/main/java/a/Documented.java:17: public interface NoSentence has a javadoc without a sentence",
                "m/src/main/java/a/Documented.java:23: public enum OnlyTags has a javadoc without a sentence",
                "m/src/main/java/a/Documented.java:26: public @interface Annotation has no javadoc directly above it"),
                violations(file));
        assertTrue(hasSentence("The outcome of confirming a new ct at the packet's last hook (§2.4, §8)."));
        assertTrue(hasSentence("Parses io.pktpath files. More text"));
        assertEquals(List.of(false, false, false), List.of(hasSentence("TODO."), hasSentence("Parses the rules"),
                hasSentence("See io.pktpath.X")));
    }

    static List<String> violations(JavaSourceFile file) {
        List<String> violations = new ArrayList<>();
        for (Header header : topLevelHeaders(file.code())) {
            String text = header.text();
            int skipped = 0;
            Matcher annotation = LEADING_ANNOTATION.matcher(text);
            while (annotation.find()) {
                skipped += annotation.end();
                text = text.substring(annotation.end());
                annotation = LEADING_ANNOTATION.matcher(text);
            }
            Matcher type = TYPE_HEADER.matcher(text);
            if (!type.find() || !type.group(1).matches("(?s).*\\bpublic\\b.*")) {
                continue;
            }
            String kind = type.group(2).replaceAll("\\s", "");
            String where = file.at(file.lineOf(header.start() + skipped)) + ": public " + kind + " " + type.group(3);
            Optional<String> javadoc = javadocBefore(file.text(), header.start());
            if (javadoc.isEmpty()) {
                violations.add(where + " has no javadoc directly above it");
            } else if (!hasSentence(description(javadoc.get()))) {
                violations.add(where + " has a javadoc without a sentence");
            }
        }
        return violations;
    }

    /** The text of a top-level declaration header (from its first token to its body's opening brace). */
    record Header(String text, int start) {
    }

    /** The code between one top-level statement or body and the next top-level opening brace. */
    private static List<Header> topLevelHeaders(String code) {
        List<Header> headers = new ArrayList<>();
        int depth = 0;
        int parens = 0;
        int segmentStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                parens++;
            } else if (c == ')') {
                parens--;
            } else if (c == '{' && parens == 0) {
                if (depth == 0) {
                    int start = segmentStart;
                    while (start < i && Character.isWhitespace(code.charAt(start))) {
                        start++;
                    }
                    headers.add(new Header(code.substring(start, i), start));
                }
                depth++;
            } else if (c == '}' && parens == 0) {
                depth--;
                if (depth == 0) {
                    segmentStart = i + 1;
                }
            } else if (c == ';' && depth == 0 && parens == 0) {
                segmentStart = i + 1;
            }
        }
        return headers;
    }

    /** The javadoc comment that ends right before {@code start} (only whitespace between), if any. */
    private static Optional<String> javadocBefore(String text, int start) {
        int end = start;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (!text.startsWith("*/", end - 2)) {
            return Optional.empty();
        }
        int open = text.lastIndexOf("/*", end - 2);
        if (open < 0 || !text.startsWith("/**", open) || open + 3 > end - 2) {
            return Optional.empty();
        }
        return Optional.of(text.substring(open + 3, end - 2));
    }

    /** True if a sentence terminator ({@code .}, {@code !} or {@code ?} before a space or the end) follows three words. */
    static boolean hasSentence(String description) {
        Matcher end = SENTENCE_END.matcher(description);
        int last = -1;
        while (end.find()) {
            last = end.start();
        }
        return last >= 0 && WORD.matcher(description.substring(0, last)).results().count() >= 3;
    }

    /** The main description of a javadoc body: leading asterisks gone, up to the first block tag. */
    private static String description(String body) {
        StringBuilder description = new StringBuilder();
        for (String line : body.split("\n")) {
            String stripped = line.strip().replaceFirst("^\\*+\\s?", "").strip();
            if (stripped.startsWith("@")) {
                break;
            }
            description.append(stripped).append(' ');
        }
        return description.toString().replaceAll("\\{@\\w+\\s*([^}]*)}", "$1").replaceAll("<[^>]+>", " ").strip();
    }
}
