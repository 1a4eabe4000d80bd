package io.pktpath.parser.iptables.target;

import java.util.Objects;
import java.util.Optional;

/** {@code -j TCPMSS --set-mss N | --clamp-mss-to-pmtu}: rewrites the MSS option of SYN segments. */
public record Tcpmss(Optional<Integer> mss, boolean clampToPmtu) implements Target {
    public Tcpmss {
        Objects.requireNonNull(mss, "mss");
    }

    @Override
    public boolean terminating() {
        return false;
    }

    @Override
    public String render() {
        return clampToPmtu ? "-j TCPMSS --clamp-mss-to-pmtu" : "-j TCPMSS --set-mss " + mss.orElse(0);
    }
}
