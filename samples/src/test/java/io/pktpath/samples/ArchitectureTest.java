package io.pktpath.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Holds the module layering to the design by scanning the import statements of every module's sources: the parser
 * stays JDK-only, the analyzer stays free of UI and command-line libraries, and no module reaches into another
 * module's tests.
 */
class ArchitectureTest {

    private static final Path ROOT = RecordedBundles.repoRoot();

    @Test
    void rulesParserImportsOnlyTheJdkAndItself() {
        assertNoViolations(forbiddenImports("rules-parser",
                name -> !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("io.pktpath.parser.")),
                "rules-parser may import only java.*, javax.* and io.pktpath.parser.*",
                "org", "com", "net", "javafx", "jdk", "sun", "io.pktpath"));
    }

    @Test
    void analyzerCoreImportsNoUiOrCommandLineLibrary() {
        assertNoViolations(forbiddenImports("analyzer-core",
                name -> name.startsWith("javafx.") || name.startsWith("org.apache.commons.cli."),
                "analyzer-core must not import javafx.* or org.apache.commons.cli.*", "javafx", "org.apache.commons.cli"));
    }

    @Test
    void cliImportsNoJavaFx() {
        assertNoViolations(forbiddenImports("cli", name -> name.startsWith("javafx."), "cli must not import javafx.*",
                "javafx"));
    }

    @Test
    void noModuleImportsAnotherModulesTestClasses() {
        List<String> modules = JavaSourceFile.modules(ROOT);
        Map<String, String> testClassOwner = new HashMap<>();
        Map<String, String> testOnlyPackageOwner = new HashMap<>();
        Set<String> mainPackages = new HashSet<>();
        for (String module : modules) {
            JavaSourceFile.sources(ROOT, module, "main").forEach(f -> mainPackages.add(f.packageName()));
        }
        for (String module : modules) {
            for (JavaSourceFile file : JavaSourceFile.sources(ROOT, module, "test")) {
                testClassOwner.put(file.qualifiedName(), module);
                if (!mainPackages.contains(file.packageName())) {
                    testOnlyPackageOwner.put(file.packageName(), module);
                }
            }
        }
        List<String> violations = new ArrayList<>();
        for (String module : modules) {
            for (String set : List.of("main", "test")) {
                for (JavaSourceFile file : JavaSourceFile.sources(ROOT, module, set)) {
                    for (JavaSourceFile.Import imp : file.imports()) {
                        String owner = testOwner(imp, testClassOwner, testOnlyPackageOwner);
                        if (owner != null && !owner.equals(module)) {
                            violations.add(file.at(imp.line()) + ": imports " + imp.name() + " from the tests of "
                                    + owner);
                        }
                    }
                }
            }
            violations.addAll(testJarDependencies(module));
        }
        assertNoViolations(violations);
    }

    @Test
    void rulesParserPomHasOnlyTestDependencies() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Path pom : List.of(ROOT.resolve("rules-parser/pom.xml"), ROOT.resolve("pom.xml"))) {
            for (Element dependency : projectDependencies(pom)) {
                String scope = childText(dependency, "scope");
                if (!"test".equals(scope)) {
                    violations.add(ROOT.relativize(pom) + ": " + childText(dependency, "groupId") + ":"
                            + childText(dependency, "artifactId") + " has scope "
                            + (scope == null ? "compile (default)" : scope)
                            + "; rules-parser must depend on the JDK only");
                }
            }
        }
        assertNoViolations(violations);
    }

    @Test
    void importScannerSeesImportsButNotCommentsOrStrings() {
        String source = "package a.b;\n/* import javafx.scene.Node; */\nimport java.util.List;\n"
                + "import static org.apache.commons.cli.Option.builder;\n"
                + "class X { String s = \"import javafx.x.Y;\"; javafx.scene.control.Label label; }\n";
        JavaSourceFile file = new JavaSourceFile("m", Path.of("m/X.java"), source, JavaSourceFile.blankNonCode(source));
        assertEquals(List.of(new JavaSourceFile.Import("java.util.List", false, 3),
                        new JavaSourceFile.Import("org.apache.commons.cli.Option.builder", true, 4)),
                file.imports());
        assertEquals("a.b.X", file.qualifiedName());
        assertEquals(List.of(new JavaSourceFile.Import("javafx.scene.control.Label", false, 5)),
                file.qualifiedReferences("javafx", "org.apache.commons.cli"));
    }

    @Test
    void everyModuleHasMainOrTestSourcesToScan() {
        List<String> modules = JavaSourceFile.modules(ROOT);
        assertEquals(List.of("rules-parser", "analyzer-core", "cli", "desktop-ui", "samples"), modules);
        for (String module : modules) {
            assertFalse(JavaSourceFile.sources(ROOT, module, "main").isEmpty()
                    && JavaSourceFile.sources(ROOT, module, "test").isEmpty(), module + " has no sources");
        }
        assertTrue(JavaSourceFile.sources(ROOT, "rules-parser", "main").size() > 50, "rules-parser sources found");
    }

    /**
     * Imports of a module's main code that break a rule, and fully qualified names starting with one of
     * {@code qualifiedRoots} written in the code without an import that break it too.
     */
    private static List<String> forbiddenImports(String module, Predicate<String> forbidden, String rule,
            String... qualifiedRoots) {
        List<String> violations = new ArrayList<>();
        for (JavaSourceFile file : JavaSourceFile.sources(ROOT, module, "main")) {
            for (JavaSourceFile.Import imp : file.imports()) {
                if (forbidden.test(imp.name())) {
                    violations.add(file.at(imp.line()) + ": imports " + imp.name() + " (" + rule + ")");
                }
            }
            for (JavaSourceFile.Import ref : file.qualifiedReferences(qualifiedRoots)) {
                if (forbidden.test(ref.name())) {
                    violations.add(file.at(ref.line()) + ": uses " + ref.name() + " (" + rule + ")");
                }
            }
        }
        return violations;
    }

    /** The module whose tests declare the imported class or test-only package, or null if none does. */
    private static String testOwner(JavaSourceFile.Import imp, Map<String, String> testClassOwner,
            Map<String, String> testOnlyPackageOwner) {
        String name = imp.name();
        if (name.endsWith(".*")) {
            String target = name.substring(0, name.length() - 2);
            String owner = testOnlyPackageOwner.get(target);
            return owner != null ? owner : testClassOwner.get(target);
        }
        for (String candidate = name; candidate.contains("."); candidate =
                candidate.substring(0, candidate.lastIndexOf('.'))) {
            String owner = testClassOwner.get(candidate);
            if (owner != null) {
                return owner;
            }
        }
        return null;
    }

    /** A test-jar dependency in a module's pom would put another module's test classes on its class path. */
    private static List<String> testJarDependencies(String module) {
        Path pom = ROOT.resolve(module).resolve("pom.xml");
        List<String> violations = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(pom);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.contains("<type>test-jar</type>") || line.contains("<classifier>tests</classifier>")) {
                    violations.add(ROOT.relativize(pom) + ":" + (i + 1) + ": depends on another module's test jar");
                }
            }
        } catch (IOException e) {
            violations.add(ROOT.relativize(pom) + ": unreadable: " + e.getMessage());
        }
        return violations;
    }

    /** The {@code <dependency>} elements directly under {@code project/dependencies} (not dependencyManagement). */
    private static List<Element> projectDependencies(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        List<Element> result = new ArrayList<>();
        for (Node n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element deps && deps.getTagName().equals("dependencies")) {
                for (Node d = deps.getFirstChild(); d != null; d = d.getNextSibling()) {
                    if (d instanceof Element dep && dep.getTagName().equals("dependency")) {
                        result.add(dep);
                    }
                }
            }
        }
        return result;
    }

    private static String childText(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }

    private static void assertNoViolations(List<String> violations) {
        List<String> sorted = violations.stream().sorted().toList();
        assertTrue(sorted.isEmpty(), sorted.size() + " violation(s):\n" + String.join("\n", sorted));
    }
}
