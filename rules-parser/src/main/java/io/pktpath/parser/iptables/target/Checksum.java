package io.pktpath.parser.iptables.target;

/** {@code -j CHECKSUM --checksum-fill} (mangle): fills in a missing checksum; no effect on the verdict. */
public record Checksum(boolean fill) implements Target {
    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return fill ? "-j CHECKSUM --checksum-fill" : "-j CHECKSUM";
    }
}
