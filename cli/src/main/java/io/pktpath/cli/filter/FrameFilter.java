package io.pktpath.cli.filter;

import io.pktpath.cli.CliException;
import io.pktpath.core.trace.Disposition;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.ProtocolNames;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.IpAddress;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which frames {@code analyze} shows: {@code --frames}, {@code --disposition} (codes, or {@code dropped} for every
 * failure and {@code nat} for NATed frames), {@code --host}, {@code --port}, {@code --proto}; all given must hold.
 */
public record FrameFilter(Optional<FrameRanges> frames, Set<Disposition> dispositions, boolean nat,
                          Optional<IpAddress> host, int port, int proto) implements Predicate<PacketTrace> {
    public static final FrameFilter ALL = new FrameFilter(Optional.empty(), Set.of(), false, Optional.empty(), -1, -1);

    public FrameFilter {
        dispositions = dispositions.isEmpty() ? Set.of() : Set.copyOf(dispositions);
    }

    /** Builds the filter from option values (null when not given). */
    public static FrameFilter of(String frames, String dispositions, String host, String port, String proto)
            throws CliException {
        Optional<FrameRanges> ranges = frames == null ? Optional.empty() : Optional.of(FrameRanges.parse(frames));
        Set<Disposition> set = EnumSet.noneOf(Disposition.class);
        boolean nat = false;
        if (dispositions != null) {
            for (String word : dispositions.split(",")) {
                String w = word.strip();
                if (w.equalsIgnoreCase("nat")) {
                    nat = true;
                } else if (w.equalsIgnoreCase("dropped") || w.equalsIgnoreCase("failed")) {
                    EnumSet.allOf(Disposition.class).stream().filter(Disposition::isFailure).forEach(set::add);
                } else {
                    set.add(disposition(w));
                }
            }
        }
        return new FrameFilter(ranges, set, nat, host == null ? Optional.empty() : Optional.of(address(host)),
                port == null ? -1 : port(port), proto == null ? -1 : proto(proto));
    }

    private static Disposition disposition(String w) throws CliException {
        try {
            return Disposition.valueOf(w.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--disposition " + w + ": unknown (expected dropped, nat, or a code such as"
                    + " DROPPED_BY_RULE, FORWARDED, REJECTED; see docs/jsonl.md)");
        }
    }

    static IpAddress address(String text) throws CliException {
        try {
            return IpAddress.parse(text);
        } catch (InvalidValueException e) {
            throw CliException.usage("--host " + text + ": not an IP address (expected e.g. 10.0.0.1 or fd00::1)");
        }
    }

    static int port(String text) throws CliException {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage("--port " + text + ": not a port (expected a number 0-65535)");
    }

    /** A protocol name ({@code tcp}, {@code udp}, {@code icmp}, {@code ipv6-icmp}, {@code sctp}) or number. */
    public static int proto(String text) throws CliException {
        String t = text.toLowerCase(Locale.ROOT);
        for (int n = 0; n < 256; n++) {
            if (ProtocolNames.name(n).equals(t)) {
                return n;
            }
        }
        if (t.equals("icmpv6") || t.equals("icmp6")) {
            return 58;
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 0 && n < 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CliException.usage("--proto " + text + ": unknown protocol (expected tcp, udp, icmp, ipv6-icmp, sctp"
                + " or a number 0-255)");
    }

    @Override
    public boolean test(PacketTrace t) {
        var p = t.packet();
        if (frames.isPresent() && !frames.get().contains(p.frame())) {
            return false;
        }
        if ((!dispositions.isEmpty() || nat) && !(dispositions.contains(t.disposition())
                || nat && t.nat().map(n -> n.changed()).orElse(false))) {
            return false;
        }
        if (host.isPresent() && !host.equals(p.src()) && !host.equals(p.dst())) {
            return false;
        }
        if (port >= 0 && p.sport() != port && p.dport() != port) {
            return false;
        }
        return proto < 0 || p.proto() == proto;
    }
}
