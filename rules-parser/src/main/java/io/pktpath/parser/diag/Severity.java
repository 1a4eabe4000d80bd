package io.pktpath.parser.diag;

/** How serious a diagnostic is: errors skip the offending line, warnings keep it, notes only inform. */
public enum Severity {
    ERROR, WARNING, NOTE;

    /** The lower-case word printed in compiler-style output. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
