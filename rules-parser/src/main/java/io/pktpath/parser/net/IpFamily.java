package io.pktpath.parser.net;

/** The IP version of an address, a rule set or a packet. */
public enum IpFamily {
    V4(32), V6(128);

    private final int bits;

    IpFamily(int bits) {
        this.bits = bits;
    }

    /** Address width in bits: 32 or 128. */
    public int bits() {
        return bits;
    }

    /** 4 or 6, as in JSON output and {@code -4}/{@code -6} prefixes. */
    public int number() {
        return this == V4 ? 4 : 6;
    }
}
