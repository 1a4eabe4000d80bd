package io.pktpath.core.util;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers to questions about a snapshot that never changes, each made once and given again, up to a bound that caps
 * only the memory (past it, new answers are made each time and not kept). Safe to share between threads.
 */
public final class Remembered<K, V> {
    private final int bound;
    private final Map<K, V> answers = new ConcurrentHashMap<>();

    /** Keeps at most {@code bound} answers. */
    public Remembered(int bound) {
        this.bound = bound;
    }

    /** The answer to {@code question}: the one kept, else {@code make}'s, kept while there is room. */
    public V get(K question, Function<K, V> make) {
        V known = answers.get(question);
        if (known != null) {
            return known;
        }
        V made = make.apply(question);
        if (answers.size() < bound) {
            answers.putIfAbsent(question, made);
        }
        return made;
    }
}
