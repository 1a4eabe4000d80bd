package io.pktpath.cli.filter;

import io.pktpath.cli.CliException;
import io.pktpath.core.conntrack.FlowRecord;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.net.IpAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which flows {@code pktpath flows} lists: {@code --host} and {@code --port} match either direction's tuple (so a
 * service's address, its endpoints and a NAT address all find the flow), {@code --proto} its protocol, {@code
 * --outcome} its outcome word; all given must hold. {@code --outcome tunnel} lists an overlay tunnel's carrier flows,
 * and {@code --outcome unreplied} leaves them out: their "unreplied" is the kernel's normal for a tunnel (each
 * direction has its own outer source port), not a connection that went unanswered.
 */
public record FlowFilter(Optional<IpAddress> host, int port, int proto, Optional<String> outcome)
        implements Predicate<FlowRecord> {
    /** The {@code --outcome} word for an overlay tunnel's carrier flows, whatever their outcome. */
    public static final String TUNNEL = "tunnel";

    /** The outcome words of {@link FlowRecord#outcome()}, and tunnel, in the order help and errors list them. */
    public static final List<String> OUTCOMES = List.of("replied", "unreplied", "reset", "closed", "expired", "reopened",
            TUNNEL);

    /** The filter of the options' values (null when not given); a bad value is a usage error naming the option. */
    public static FlowFilter of(String host, String port, String proto, String outcome) throws CliException {
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw CliException.usage("--outcome " + outcome + ": expected one of " + String.join(", ", OUTCOMES));
        }
        return new FlowFilter(host == null ? Optional.empty() : Optional.of(FrameFilter.address(host)),
                port == null ? -1 : FrameFilter.port(port), proto == null ? -1 : FrameFilter.proto(proto),
                Optional.ofNullable(outcome));
    }

    @Override
    public boolean test(FlowRecord f) {
        if (outcome.isPresent() && !outcome(f, outcome.get())) {
            return false;
        }
        if (proto >= 0 && f.original().protocol() != proto) {
            return false;
        }
        if (host.isPresent() && !has(f.original(), host.get()) && !has(f.reply(), host.get())) {
            return false;
        }
        return port < 0 || hasPort(f.original()) || hasPort(f.reply());
    }

    /** Whether {@code f} has the outcome {@code word}: a carrier's unreplied is tunnel's, not unreplied's. */
    private static boolean outcome(FlowRecord f, String word) {
        if (word.equals(TUNNEL)) {
            return f.tunnel().isPresent();
        }
        return f.outcome().equals(word) && !(word.equals("unreplied") && f.unrepliedCarrier());
    }

    private static boolean has(Tuple t, IpAddress address) {
        return t.src().equals(address) || t.dst().equals(address);
    }

    private boolean hasPort(Tuple t) {
        return t.sport() == port || t.dport() == port;
    }
}
