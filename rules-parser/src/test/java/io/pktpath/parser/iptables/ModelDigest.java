package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A digest of everything a parse gives: every record component of the model (recursively, by reflection, so no field
 * is missed) and every diagnostic field, in order. Its {@code main} digests dumps as the public entry point reads them
 * and the three ways a large dump can be read (one thread, read ahead on this thread, read ahead with a helper), plus
 * damaged copies of them; a parse that throws is printed as such.
 */
final class ModelDigest {
    private final MessageDigest sha;
    private final StringBuilder sb = new StringBuilder(4096);
    private final Map<Class<?>, Method[]> accessors = new HashMap<>();

    ModelDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first 16 hex digits of the SHA-256 of the parse's full rendering. */
    static String of(Parsed<Ruleset> parsed) {
        return new ModelDigest().digest(parsed);
    }

    private String digest(Parsed<Ruleset> parsed) {
        Ruleset r = parsed.value();
        sb.append("ruleset ").append(r.family()).append(' ').append(r.legacyTablesPresent()).append(' ');
        render(r.generator());
        flush();
        for (Rule skipped : r.skippedRules()) {
            render(skipped);
            flush();
        }
        for (Table t : r.tables()) {
            sb.append("table ").append(t.name()).append(' ');
            render(t.span());
            flush();
            for (Chain c : t.chains()) {
                sb.append("chain ").append(c.name()).append(' ').append(c.builtin()).append(' ');
                render(c.policy());
                render(c.counters());
                render(c.span());
                sb.append(' ').append(c.rules().size());
                flush();
                for (Rule rule : c.rules()) {
                    render(rule);
                    flush();
                }
            }
        }
        render(parsed.diagnostics());
        flush();
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private void flush() {
        sb.append('\n');
        sha.update(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.setLength(0);
    }

    private void render(Object o) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof String s) {
            sb.append('"').append(s.length()).append(':').append(s).append('"');
        } else if (o instanceof Number || o instanceof Boolean || o instanceof Character || o instanceof Enum<?>) {
            sb.append(o);
        } else if (o instanceof Optional<?> opt) {
            sb.append("Opt(");
            opt.ifPresent(this::render);
            sb.append(')');
        } else if (o instanceof List<?> list) {
            sb.append('[');
            for (Object e : list) {
                render(e);
                sb.append(',');
            }
            sb.append(']');
        } else if (o.getClass().isRecord()) {
            record(o);
        } else {
            throw new IllegalStateException("no rendering for " + o.getClass());
        }
    }

    private void record(Object o) {
        Method[] methods = accessors.computeIfAbsent(o.getClass(), c -> {
            RecordComponent[] rc = c.getRecordComponents();
            Method[] m = new Method[rc.length];
            for (int k = 0; k < rc.length; k++) {
                m[k] = rc[k].getAccessor();
                m[k].setAccessible(true);
            }
            return m;
        });
        sb.append(o.getClass().getSimpleName()).append('{');
        for (Method m : methods) {
            try {
                render(m.invoke(o));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            sb.append(';');
        }
        sb.append('}');
    }

    /** A damaged copy of {@code text}: each line is changed with probability 1/8 in one of several ways. */
    static String damaged(String text, long seed) {
        Random random = new Random(seed);
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length() + 1024);
        String[] inserts = {"\"", "!", " ", "-", "x", "0", ":", "/", ",", "\t", "\r", "[", "]", "--", " -m ", " ! "};
        for (int n = 0; n < lines.length; n++) {
            String l = lines[n];
            if (random.nextInt(8) == 0 && !l.isEmpty()) {
                int at = random.nextInt(l.length() + 1);
                l = switch (random.nextInt(7)) {
                    case 0 -> l.substring(0, Math.max(0, at - 1)) + l.substring(at);
                    case 1 -> l.substring(0, at) + inserts[random.nextInt(inserts.length)] + l.substring(at);
                    case 2 -> l.substring(0, at);
                    case 3 -> swapTokens(l, random);
                    case 4 -> l + "\n" + l;
                    case 5 -> lines[random.nextInt(lines.length)];
                    default -> l.replace(" ", "  ");
                };
            }
            out.append(l);
            if (n < lines.length - 1) {
                out.append(random.nextInt(50) == 0 ? "\r\n" : "\n");
            }
        }
        return out.toString();
    }

    private static String swapTokens(String line, Random random) {
        String[] t = line.split(" ", -1);
        if (t.length < 2) {
            return line;
        }
        int k = random.nextInt(t.length - 1);
        String s = t[k];
        t[k] = t[k + 1];
        t[k + 1] = s;
        return String.join(" ", t);
    }

    /**
     * Parses {@code text} one of the ways: helpers -2 (the public entry point), -1 (one thread), 0 (read ahead here),
     * 1 (read ahead on a helper).
     */
    static Parsed<Ruleset> parse(String name, String text, Optional<IpFamily> family, ParseOptions options, int helpers) {
        if (helpers == -2) {
            return IptablesSaveParser.parse(name, text, family, options);
        }
        return new DumpParser(name, text, family, options, helpers, 1024, DumpParser.PARALLEL_LINES).run();
    }

    /** The digest of a parse, or the exception it threw. */
    private static String outcome(String text, int helpers) {
        try {
            return of(parse("dump", text, Optional.empty(), ParseOptions.lenient(), helpers));
        } catch (RuntimeException e) {
            return "threw:" + e;
        }
    }

    /** Prints the digests of each dump given: as is and two damaged copies, each read the four ways. */
    public static void main(String[] args) throws IOException {
        for (String file : args) {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            for (int variant = 0; variant < 3; variant++) {
                String t = variant == 0 ? text : damaged(text, variant);
                StringBuilder line = new StringBuilder(file).append(" variant ").append(variant).append(':');
                for (int helpers : new int[] {-2, -1, 0, 1}) {
                    line.append(' ').append(outcome(t, helpers));
                }
                System.out.println(line);
            }
        }
    }
}
