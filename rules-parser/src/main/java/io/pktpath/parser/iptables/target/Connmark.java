package io.pktpath.parser.iptables.target;

import java.util.Objects;

/**
 * {@code -j CONNMARK}: {@code SET} applies {@code ctmark = (ctmark & ~mask) ^ value}; {@code SAVE} copies
 * {@code ctmark = (ctmark & ~ctmask) ^ ((mark & nfmask) ^ value)}, {@code value} being 0 for iptables and the constant
 * of a native nft {@code ct mark set meta mark | 0x1000} (nft's bitwise {@code (mark & ~0x1000) ^ 0x1000});
 * {@code RESTORE} copies {@code mark = (mark & ~nfmask) ^ ((ctmark & ctmask) ^ value)}, {@code value} being 0 for
 * iptables and the constant of a native nft {@code meta mark set ct mark | 0x1} or {@code ^ 0x1} (nft's bitwise
 * {@code (ctmark & ctmask) ^ value} over the whole mark, nfmask 0xffffffff).
 */
public record Connmark(Mode mode, long value, long mask, long nfmask, long ctmask, MarkOp op) implements Target {
    /** What the target does. */
    public enum Mode { SET, SAVE, RESTORE }

    public Connmark {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(op, "op");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return switch (mode) {
            case SET -> "-j CONNMARK " + op.render(value, mask);
            case SAVE -> "-j CONNMARK --save-mark --nfmask " + MarkOp.hex(nfmask) + " --ctmask " + MarkOp.hex(ctmask)
                    + (value == 0 ? "" : " --xor-mark " + MarkOp.hex(value));
            case RESTORE -> "-j CONNMARK --restore-mark --nfmask " + MarkOp.hex(nfmask) + " --ctmask " + MarkOp.hex(ctmask)
                    + (value == 0 ? "" : " --xor-mark " + MarkOp.hex(value));
        };
    }
}
