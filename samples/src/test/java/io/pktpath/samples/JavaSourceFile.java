package io.pktpath.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Java source file of the repository with its comments, strings and character literals blanked out, so that
 * the architecture tests can scan imports and top-level declarations without being fooled by text in comments.
 */
record JavaSourceFile(String module, Path relativePath, String text, String code) {

    private static final Pattern IMPORT =
            Pattern.compile("(?m)^[ \\t]*import[ \\t]+(static[ \\t]+)?([\\w.]+(?:[ \\t]*\\.[ \\t]*\\*)?)[ \\t]*;");

    /** An import statement: the imported name (with {@code .*} for on-demand imports) and its 1-based line. */
    record Import(String name, boolean isStatic, int line) {
    }

    /** The modules the root pom.xml lists, in order. */
    static List<String> modules(Path repoRoot) {
        String pom = read(repoRoot.resolve("pom.xml"));
        List<String> modules = new ArrayList<>();
        Matcher m = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>").matcher(pom);
        while (m.find()) {
            modules.add(m.group(1));
        }
        return List.copyOf(modules);
    }

    /** Every {@code .java} file under {@code <module>/src/<set>/java}, sorted by path; empty if the set is absent. */
    static List<JavaSourceFile> sources(Path repoRoot, String module, String set) {
        Path dir = repoRoot.resolve(module).resolve("src").resolve(set).resolve("java");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
                    .sorted()
                    .map(p -> {
                        String text = read(p);
                        return new JavaSourceFile(module, repoRoot.relativize(p), text, blankNonCode(text));
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fully qualified name of the file's main type: package plus file name without {@code .java}. */
    String qualifiedName() {
        Matcher m = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;").matcher(code);
        String simple = relativePath.getFileName().toString().replaceFirst("\\.java$", "");
        return m.find() ? m.group(1) + "." + simple : simple;
    }

    /** The package the file declares, or the empty string for the default package. */
    String packageName() {
        String qualified = qualifiedName();
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? "" : qualified.substring(0, dot);
    }

    /** The file's import statements in source order. */
    List<Import> imports() {
        List<Import> imports = new ArrayList<>();
        Matcher m = IMPORT.matcher(code);
        while (m.find()) {
            imports.add(new Import(m.group(2).replaceAll("\\s", ""), m.group(1) != null, lineOf(m.start(2))));
        }
        return List.copyOf(imports);
    }

    /**
     * Fully qualified names written in the code itself (not in import or package statements) that start with one of
     * {@code roots}, e.g. {@code javafx.scene.Node} used without an import, as imports with their 1-based lines.
     */
    List<Import> qualifiedReferences(String... roots) {
        String body = Pattern.compile("(?m)^[ \\t]*(?:import|package)\\b[^;]*;").matcher(code)
                .replaceAll(m -> " ".repeat(m.group().length()));
        String alternatives = String.join("|", java.util.Arrays.stream(roots).map(Pattern::quote).toList());
        Matcher m = Pattern.compile("(?<![\\w.])(?:" + alternatives + ")\\.[A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*")
                .matcher(body);
        List<Import> references = new ArrayList<>();
        while (m.find()) {
            references.add(new Import(m.group().replaceAll("\\s", ""), false, lineOf(m.start())));
        }
        return List.copyOf(references);
    }

    /** The 1-based line number of a character offset. */
    int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** {@code path:line}, the way violations are reported. */
    String at(int line) {
        return relativePath.toString().replace('\\', '/') + ":" + line;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces every character of comments, string literals, text blocks and character literals by a space (keeping
     * newlines), so offsets and line numbers stay those of the original text.
     */
    static String blankNonCode(String text) {
        StringBuilder out = new StringBuilder(text);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int end;
            if (text.startsWith("//", i)) {
                end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (text.startsWith("/*", i)) {
                end = text.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (text.startsWith("\"\"\"", i)) {
                end = closing(text, i + 3, "\"\"\"");
            } else if (c == '"' || c == '\'') {
                end = closing(text, i + 1, String.valueOf(c));
            } else {
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                if (out.charAt(k) != '\n') {
                    out.setCharAt(k, ' ');
                }
            }
            i = end;
        }
        return out.toString();
    }

    /** The offset just past the unescaped {@code delimiter} at or after {@code from}, or the text's end. */
    private static int closing(String text, int from, String delimiter) {
        int i = from;
        while (i < text.length()) {
            if (text.charAt(i) == '\\') {
                i += 2;
            } else if (text.startsWith(delimiter, i)) {
                return i + delimiter.length();
            } else {
                i++;
            }
        }
        return text.length();
    }
}
