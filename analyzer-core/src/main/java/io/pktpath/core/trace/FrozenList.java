package io.pktpath.core.trace;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable view of the first elements of a list whose owner hands it over instead of copying it: a walk's steps,
 * which its run and its remembered path take as they stand when the walk ends (the owner may append to the list
 * afterwards, which the view does not see, but never changes what it covers).
 */
public final class FrozenList<T> extends AbstractList<T> implements RandomAccess {
    private final List<T> owned;
    private final int from;
    private final int size;

    private FrozenList(List<T> owned, int from, int size) {
        this.owned = owned;
        this.from = from;
        this.size = size;
    }

    /**
     * The elements {@code owned} holds now, without a copy; its owner must never set or remove any of them (appending
     * is allowed). {@code owned} must give its elements by index cheaply ({@link RandomAccess}). An empty list gives
     * the shared empty list.
     */
    public static <T> List<T> of(List<T> owned) {
        if (!(owned instanceof RandomAccess)) {
            throw new IllegalArgumentException("a frozen list reads its elements by index: " + owned.getClass());
        }
        int size = owned.size();
        return size == 0 ? List.of() : new FrozenList<>(owned, 0, size);
    }

    @Override
    public T get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        return owned.get(from + index);
    }

    @Override
    public int size() {
        return size;
    }

    /** The elements from {@code fromIndex} to {@code toIndex}, as a frozen view of the same list (no copy). */
    @Override
    public List<T> subList(int fromIndex, int toIndex) {
        if (fromIndex < 0 || toIndex > size || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("from " + fromIndex + " to " + toIndex + ", size " + size);
        }
        return new FrozenList<>(owned, from + fromIndex, toIndex - fromIndex);
    }
}
