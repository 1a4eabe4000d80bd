package io.pktpath.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the CLI in-process and captures its exit code, standard output and standard error. */
final class Cli {
    /** One run's outcome. */
    record Result(int exit, String out, String err) {
    }

    private Cli() {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args, o, e);
        }
        return new Result(code, normalize(out.toString(StandardCharsets.UTF_8)), normalize(err.toString(StandardCharsets.UTF_8)));
    }

    /** The repository root: the nearest directory upwards whose pom.xml lists modules. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path pom = p.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return p;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            p = p.getParent();
        }
        throw new IllegalStateException("no pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    /** A sample bundle's directory. */
    static String bundle(String name) {
        return root().resolve("samples/bundles").resolve(name).toString();
    }

    /** Output with the repository's absolute path replaced by {@code $ROOT}, so goldens do not depend on the checkout. */
    static String normalize(String text) {
        return text.replace(root().toString(), "$ROOT");
    }
}
