package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.MatchOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One module's part of a rule while {@link MatchListParser} reads it: the module's spec (absent for an unknown module),
 * the options read so far, the indexes of the tokens it spans and whether the reading may be remembered for the next
 * line with the same text. Instances are reset and reused line after line by one parser.
 */
final class ModuleSegment {
    Optional<ModuleSpec> spec;
    String module;
    boolean implicit;
    int column;
    final List<MatchOption> options = new ArrayList<>(4);
    private int[] raw = new int[8];
    private int rawCount;
    /** Why the segment is kept verbatim as an unsupported match, or null when it is modeled. */
    String unsupportedReason;
    /** The tokens [memoFrom, memoTo) the segment is expected to span to be remembered, or memoTo 0 for none. */
    int memoFrom;
    int memoTo;
    int memoHash;
    int warningsBefore;
    /** True once an option's value depended on the address family. */
    boolean familyDependent;

    /** Clears the segment for a module starting at the 1-based {@code column}. */
    ModuleSegment reset(Optional<ModuleSpec> spec, String module, boolean implicit, int column) {
        this.spec = spec;
        this.module = module;
        this.implicit = implicit;
        this.column = column;
        options.clear();
        rawCount = 0;
        unsupportedReason = null;
        memoTo = 0;
        familyDependent = false;
        return this;
    }

    /** Adds token index {@code token} to the tokens the segment spans. */
    void raw(int token) {
        if (rawCount == raw.length) {
            raw = Arrays.copyOf(raw, rawCount * 2);
        }
        raw[rawCount++] = token;
    }

    /** The source texts of the tokens the segment spans, in order. */
    List<String> rawTexts(LineTokens tokens) {
        List<String> texts = new ArrayList<>(rawCount);
        for (int k = 0; k < rawCount; k++) {
            texts.add(tokens.raw(raw[k]));
        }
        return texts;
    }

    /**
     * True if the segment spans exactly the tokens its memo entry expects and was read without a warning
     * ({@code warningsNow} is the line's count of warnings) and without depending on the address family.
     */
    boolean memoizable(int warningsNow) {
        if (memoTo == 0 || unsupportedReason != null || implicit || familyDependent || rawCount != memoTo - memoFrom
                || warningsNow != warningsBefore) {
            return false;
        }
        for (int k = 0; k < rawCount; k++) {
            if (raw[k] != memoFrom + k) {
                return false;
            }
        }
        return true;
    }
}
