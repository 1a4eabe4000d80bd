package io.pktpath.parser.iptables.target;

/** A rule without {@code -j}/{@code -g}: it only counts packets, and evaluation continues with the next rule. */
public record NoTarget() implements Target {
    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return "";
    }
}
