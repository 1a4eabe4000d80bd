package io.pktpath.parser.iptables.target;

import io.pktpath.parser.net.IpAddress;
import java.util.Objects;

/**
 * {@code -j TPROXY --on-port p [--on-ip a] [--tproxy-mark v[/m]]} (mangle PREROUTING only): hands the packet to a local
 * transparent socket without rewriting it, and sets {@code mark = (mark & ~mask) ^ value} when one is found; port 0 keeps
 * the packet's destination port and the all-zero address stands for the input device's primary address (xt_TPROXY.c).
 */
public record Tproxy(int onPort, IpAddress onIp, long markValue, long markMask) implements Target {
    public Tproxy {
        Objects.requireNonNull(onIp, "onIp");
        if (onPort < 0 || onPort > 65535) {
            throw new IllegalArgumentException("port " + onPort);
        }
    }

    /** True when {@code --on-ip} is unset (0.0.0.0 or ::): the listener is looked up on the input device's address. */
    public boolean onInputAddress() {
        return onIp.hi() == 0 && onIp.lo() == 0;
    }

    /** The packet mark after a socket was found. */
    public long applyMark(long mark) {
        return ((mark & ~markMask) ^ markValue) & 0xffffffffL;
    }

    @Override
    public boolean terminating() {
        return true;
    }

    @Override
    public String render() {
        return "-j TPROXY --on-port " + onPort + " --on-ip " + onIp + " --tproxy-mark " + MarkOp.hex(markValue) + "/"
                + MarkOp.hex(markMask);
    }
}
