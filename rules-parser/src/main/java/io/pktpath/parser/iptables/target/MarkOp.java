package io.pktpath.parser.iptables.target;

/** How a MARK/CONNMARK value was written; all are normalized to {@code mark = (mark & ~mask) ^ value}. */
public enum MarkOp {
    SET_XMARK("--set-xmark"), SET_MARK("--set-mark"), AND_MARK("--and-mark"), OR_MARK("--or-mark"), XOR_MARK("--xor-mark");

    private final String option;

    MarkOp(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** The option and argument that produce (value, mask) in this spelling. */
    String render(long value, long mask) {
        return switch (this) {
            case SET_XMARK -> option + " " + hex(value) + "/" + hex(mask);
            case SET_MARK -> mask == 0xffffffffL ? option + " " + hex(value) : option + " " + hex(value) + "/" + hex(mask & ~value);
            case AND_MARK -> option + " " + hex(~mask & 0xffffffffL);
            case OR_MARK, XOR_MARK -> option + " " + hex(value);
        };
    }
}
