package io.pktpath.parser.iptables;

import java.util.Arrays;
import java.util.Map;

/**
 * Answers chain-declaration questions from a table's declaration lines alone (as a line read ahead must) and remembers
 * each question and answer, so the reader of the table can later check that its own answers would have been the same.
 */
final class RecordingDeclarations implements LineContext.ChainDeclarations {
    private final Map<String, Integer> declarations;
    private String[] asked = new String[4];
    private int[] answers = new int[4];
    private int count;

    RecordingDeclarations(Map<String, Integer> declarations) {
        this.declarations = declarations;
    }

    @Override
    public int declaredAt(String chain) {
        Integer declared = declarations.get(chain);
        int answer = declared == null ? 0 : declared;
        if (count == asked.length) {
            asked = Arrays.copyOf(asked, count * 2);
            answers = Arrays.copyOf(answers, count * 2);
        }
        asked[count] = chain;
        answers[count] = answer;
        count++;
        return answer;
    }

    /** True if {@code actual} answers every question asked so far the same way. */
    boolean agrees(TableBuilder actual) {
        if (actual.answersAs(declarations)) {
            return true;
        }
        for (int k = 0; k < count; k++) {
            if (actual.declaredAt(asked[k]) != answers[k]) {
                return false;
            }
        }
        return true;
    }
}
