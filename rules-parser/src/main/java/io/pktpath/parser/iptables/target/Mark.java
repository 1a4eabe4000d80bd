package io.pktpath.parser.iptables.target;

import java.util.Objects;

/**
 * {@code -j MARK}: sets the packet mark, normalized to xmark semantics {@code mark = (mark & ~mask) ^ value}
 * ({@code --or-mark b} is b/b, {@code --and-mark b} is 0/~b, {@code --xor-mark b} is b/0); {@code op} keeps the spelling.
 */
public record Mark(long value, long mask, MarkOp op) implements Target {
    public Mark {
        Objects.requireNonNull(op, "op");
    }

    /** The mark after this target. */
    public long apply(long mark) {
        return ((mark & ~mask) ^ value) & 0xffffffffL;
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "-j MARK " + op.render(value, mask);
    }
}
