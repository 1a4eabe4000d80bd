package io.pktpath.cli.render;

import io.pktpath.core.analysis.AnalysisResult;
import io.pktpath.core.analysis.DropCause;
import io.pktpath.core.analysis.NatMapping;
import io.pktpath.core.analysis.Summary;
import io.pktpath.core.capture.CaptureIssue;
import io.pktpath.core.conntrack.ConntrackStats;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.conntrack.RaceEvidence;
import io.pktpath.core.findings.Finding;
import io.pktpath.parser.diag.Diagnostic;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The first screen of {@code analyze}: capture and frame counts, flows, dispositions by count, drops by cause with
 * the rule or route responsible, NAT mappings, findings, races, assumptions, bundle problems and diagnostics.
 */
public final class SummaryText {
    private static final int SHOWN_FRAMES = 8;
    /** NAT mappings the text lists one per line; the rest are counted on one line. */
    static final int SHOWN_MAPPINGS = 20;
    /** Possible races the text lists one per line. */
    static final int SHOWN_RACES = 20;
    /** Per-frame assumptions the text lists (the bundle-wide ones are always all listed). */
    static final int SHOWN_ASSUMPTIONS = 20;
    /** Diagnostics the summary prints in full, as a compiler stops listing errors after a hundred. */
    static final int SHOWN_DIAGNOSTICS = 100;

    private SummaryText() {
    }

    public static void render(String name, AnalysisResult r, Style style, PrintStream out) {
        Summary s = r.summary();
        out.println(style.bold("bundle: " + name));
        r.bundle().inventory().readAs().ifPresent(out::println);
        r.capture().ifPresentOrElse(c -> out.println("capture: " + c.file() + " (" + c.format().name().toLowerCase(
                java.util.Locale.ROOT) + ", " + c.framesDelivered() + " frames)"), () -> out.println("capture: none"));
        out.println("frames: " + s.frames() + counts(s.roles()));
        out.println("flows: " + r.flows().size() + flowOutcomes(r.flows()));
        r.predictedStats().ifPresent(st -> out.println("conntrack (predicted): " + stats(st)));
        section(out, style, "dispositions");
        s.dispositions().forEach((d, n) -> out.printf("  %-22s %6d  %s%n", style.disposition(d), n, d.words()));
        drops(s.drops(), style, out);
        nat(s.natMappings(), out);
        findings(r.findings(), style, out);
        races(r.races(), out);
        assumptions(r, out);
        problems(r, style, out);
    }

    private static String counts(Map<? extends Enum<?>, Long> map) {
        StringBuilder sb = new StringBuilder();
        map.forEach((k, v) -> {
            if (v > 0) {
                sb.append(sb.length() == 0 ? " (" : ", ").append(k.name()).append(' ').append(v);
            }
        });
        return sb.length() == 0 ? "" : sb + ")";
    }

    private static String flowOutcomes(List<FlowRecord> flows) {
        Map<String, Long> by = new TreeMap<>();
        long[] carriers = {0};
        flows.forEach(f -> {
            by.merge(f.outcome(), 1L, Long::sum);
            if (f.unrepliedCarrier()) {
                carriers[0]++;
            }
        });
        StringBuilder sb = new StringBuilder();
        by.forEach((k, v) -> sb.append(sb.length() == 0 ? " (" : ", ").append(k).append(' ').append(v)
                .append(k.equals("unreplied") && carriers[0] > 0 ? " [" + carriers[0] + " of them overlay tunnel"
                        + " carriers, unreplied as the kernel's are]" : ""));
        return sb.length() == 0 ? "" : sb + ")";
    }

    private static String stats(ConntrackStats st) {
        return "found " + st.found() + ", invalid " + st.invalid() + ", insert " + st.insert() + ", insert_failed "
                + st.insertFailed() + ", drop " + st.drop() + ", clash_resolve " + st.clashResolve()
                + ", possible races " + st.possibleRaces();
    }

    private static void section(PrintStream out, Style style, String title) {
        out.println(style.bold(title + ":"));
    }

    private static void drops(List<DropCause> drops, Style style, PrintStream out) {
        section(out, style, "drops");
        if (drops.isEmpty()) {
            out.println("  none");
        }
        for (DropCause d : drops) {
            out.printf("  %6d  %s %s%s  frames %s%n", d.count(), style.disposition(d.disposition()),
                    d.location().isEmpty() ? "" : "at " + style.cyan(d.location()) + ": ", d.responsible(),
                    frames(d.frames(), d.count()));
        }
    }

    /**
     * The busiest NAT mappings, in the order the summary ranks them, with a line for the rest: on a node with thousands
     * of services a listing of every mapping would bury the findings (JSON lists them all).
     */
    static void nat(List<NatMapping> all, PrintStream out) {
        out.println("NAT mappings:");
        if (all.isEmpty()) {
            out.println("  none");
        }
        // the packets of mappings past the ones the summary tells apart come in one group without addresses: it is
        // listed last, as what it is, not ranked among the mappings
        List<NatMapping> mappings = all.stream().filter(m -> !m.before().isEmpty() || !m.after().isEmpty()).toList();
        int shown = Math.min(SHOWN_MAPPINGS, mappings.size());
        for (NatMapping m : mappings.subList(0, shown)) {
            out.printf("  %6d  %s %s -> %s  frames %s%n", m.packets(), m.kind(), m.before(), m.after(),
                    frames(m.frames(), m.packets()));
        }
        if (mappings.size() > shown) {
            long packets = 0;
            for (NatMapping m : mappings.subList(shown, mappings.size())) {
                packets += m.packets();
            }
            out.printf("  %6d  in %d more mappings (--format json lists every mapping)%n", packets,
                    mappings.size() - shown);
        }
        for (NatMapping m : all) {
            if (m.before().isEmpty() && m.after().isEmpty()) {
                out.printf("  %6d  in mappings past the %d the summary tells apart  frames %s%n", m.packets(),
                        mappings.size(), frames(m.frames(), m.packets()));
            }
        }
    }

    private static void findings(List<Finding> findings, Style style, PrintStream out) {
        section(out, style, "findings");
        if (findings.isEmpty()) {
            out.println("  none");
        }
        for (Finding f : findings) {
            String sev = f.severity().name();
            out.println("  " + (f.severity().ordinal() == 0 ? style.red(sev) : style.yellow(sev)) + " [" + f.code() + "] "
                    + f.title());
            f.evidence().forEach(e -> out.println("      " + e));
            if (!f.frames().isEmpty()) {
                out.println("      frames " + frames(f.frames(), f.frames().size()));
            }
            f.rules().forEach(rule -> out.println("      rule " + rule));
            if (!f.fix().isEmpty()) {
                out.println("      fix: " + f.fix());
            }
            if (!f.confidence().isEmpty()) {
                out.println("      confidence: " + f.confidence());
            }
        }
    }

    /** The first races (each line's detail says how far apart the frames were), the rest counted on one line. */
    static void races(List<RaceEvidence> races, PrintStream out) {
        if (races.isEmpty()) {
            return;
        }
        out.println("possible conntrack races:");
        int shown = Math.min(SHOWN_RACES, races.size());
        for (RaceEvidence e : races.subList(0, shown)) {
            out.println("  " + e.kind() + ": frames " + e.earlierFrame() + " and " + e.laterFrame() + ": " + e.detail());
        }
        if (races.size() > shown) {
            out.println("  ... " + (races.size() - shown) + " more (--format json lists every race)");
        }
    }

    private static void assumptions(AnalysisResult r, PrintStream out) {
        out.println("assumptions:");
        if (r.assumptions().isEmpty() && r.summary().assumptions().isEmpty()) {
            out.println("  none");
        }
        r.assumptions().forEach(a -> out.println("  - " + a));
        perFrame(r.summary().assumptions(), out);
    }

    /** The per-frame assumptions with how many frames each concerns, the first {@link #SHOWN_ASSUMPTIONS} of them. */
    static void perFrame(Map<String, Long> assumptions, PrintStream out) {
        int shown = 0;
        long moreFrames = 0;
        for (Map.Entry<String, Long> e : assumptions.entrySet()) {
            if (shown++ < SHOWN_ASSUMPTIONS) {
                out.println("  - " + e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " frame)" : " frames)"));
            } else {
                moreFrames += e.getValue();
            }
        }
        if (shown > SHOWN_ASSUMPTIONS) {
            out.println("  ... " + (shown - SHOWN_ASSUMPTIONS) + " more about " + moreFrames + " frames (--format json"
                    + " lists every assumption)");
        }
    }

    private static void problems(AnalysisResult r, Style style, PrintStream out) {
        var inv = r.bundle().inventory();
        if (!inv.ignored().isEmpty() || !inv.missing().isEmpty()) {
            out.println("bundle inventory problems:");
            inv.ignored().forEach(i -> out.println("  ignored " + i.file() + ": " + i.reason()));
            inv.missing().forEach(m -> out.println("  missing: " + m));
        }
        List<Diagnostic> diags = r.bundle().diagnostics();
        if (!diags.isEmpty()) {
            out.println("diagnostics (" + diags.size() + "):");
            diags.subList(0, Math.min(SHOWN_DIAGNOSTICS, diags.size()))
                    .forEach(d -> out.println(DiagnosticText.render(d, style).indent(2).stripTrailing()));
            if (diags.size() > SHOWN_DIAGNOSTICS) {
                out.println("  ... " + (diags.size() - SHOWN_DIAGNOSTICS) + " more ('pktpath rules check' lists every"
                        + " diagnostic)");
            }
        }
        r.capture().ifPresent(c -> {
            if (!c.issues().isEmpty()) {
                out.println("capture problems:");
                for (CaptureIssue i : c.issues()) {
                    out.println("  " + i.severity().name().toLowerCase(java.util.Locale.ROOT) + "[" + i.code() + "]: "
                            + i.render());
                }
            }
        });
    }

    /** The first few frame numbers, with how many more there are. */
    public static String frames(List<Long> frames, long total) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(SHOWN_FRAMES, frames.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(frames.get(i));
        }
        long more = Math.max(total, frames.size()) - Math.min(SHOWN_FRAMES, frames.size());
        return more > 0 ? sb + ", ... (" + more + " more)" : sb.toString();
    }
}
