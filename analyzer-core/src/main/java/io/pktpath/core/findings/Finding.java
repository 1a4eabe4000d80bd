package io.pktpath.core.findings;

import java.util.List;
import java.util.Objects;

/**
 * One conclusion drawn from the bundle, with its proof: a stable code (documented in docs/findings.md), a severity, a
 * one-line title, the frames and the rules or routes involved, the evidence in sentences, the fix a person would apply,
 * and how sure pktpath is and why.
 */
public record Finding(String code, FindingSeverity severity, String title, List<Long> frames, List<String> rules,
                      List<String> evidence, String fix, String confidence) {
    public Finding {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        frames = List.copyOf(frames);
        rules = List.copyOf(rules);
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(fix, "fix");
        Objects.requireNonNull(confidence, "confidence");
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("a finding needs evidence from the bundle: " + code);
        }
    }
}
