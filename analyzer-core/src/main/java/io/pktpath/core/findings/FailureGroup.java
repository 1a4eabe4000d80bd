package io.pktpath.core.findings;

import java.util.ArrayList;
import java.util.List;

/** The failed frames that share one code and one responsible rule, policy, route or check, plus what was sent back. */
final class FailureGroup {
    final String code;
    final String responsible;
    final String location;
    final String reason;
    final FrameSample frames = new FrameSample();
    /** Filled only for codes whose finding names the sources (LB_SOURCE_RANGE_DENIED). */
    final SourceTally sources = new SourceTally();
    final List<String> answers = new ArrayList<>();
    long answerCount;

    FailureGroup(String code, String responsible, String location, String reason) {
        this.code = code;
        this.responsible = responsible;
        this.location = location;
        this.reason = reason;
    }

    void answered(String what) {
        answerCount++;
        if (answers.size() < 3) {
            answers.add(what);
        }
    }
}
