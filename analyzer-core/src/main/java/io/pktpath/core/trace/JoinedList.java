package io.pktpath.core.trace;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list that reads one immutable list and then another in place instead of copying them: a packet on a
 * remembered path gets its own lookup steps followed by the steps every packet of its flow shares.
 */
public final class JoinedList<T> extends AbstractList<T> implements RandomAccess {
    private final List<T> first;
    private final List<T> second;
    private final int split;
    private final int size;

    private JoinedList(List<T> first, List<T> second) {
        this.first = first;
        this.second = second;
        this.split = first.size();
        this.size = split + second.size();
    }

    /** {@code first} followed by {@code second}; each is copied only if it is not immutable already. */
    public static <T> List<T> of(List<? extends T> first, List<? extends T> second) {
        List<T> a = immutable(first);
        List<T> b = immutable(second);
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : new JoinedList<>(a, b);
    }

    /**
     * {@code list} itself if it is immutable ({@link List#copyOf}'s lists, joined and frozen lists), else an immutable
     * copy.
     */
    @SuppressWarnings("unchecked")
    public static <T> List<T> immutable(List<? extends T> list) {
        return list instanceof JoinedList<?> || list instanceof FrozenList<?> ? (List<T>) list : List.copyOf(list);
    }

    @Override
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return index < split ? first.get(index) : second.get(index - split);
    }

    @Override
    public int size() {
        return size;
    }
}
