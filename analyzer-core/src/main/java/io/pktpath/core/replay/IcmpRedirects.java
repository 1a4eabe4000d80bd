package io.pktpath.core.replay;

import io.pktpath.parser.net.IpAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * When the kernel sends an ICMP redirect for a packet it forwards (IPv4 only). The route marks the packet
 * (__mkroute_input's IPSKB_DOREDIRECT) when it leaves on the device it came in on, the device's send_redirects (conf.all
 * OR the device's own) is on, the source validated as directly reachable on that device (fib_validate_source), and
 * either shared_media (all OR device) is on or the source (and the route's gateway) lies in a subnet of the device.
 * ip_forward then calls ip_rt_send_redirect before the FORWARD hook, which limits the redirects per source host (its
 * inet_peer): after {@link #SILENCE_NANOS} without a redirected packet the count restarts; after {@link #NUMBER} sent it
 * sends none until such a silence; else it sends the first at once and the next only when {@link #LOAD_NANOS} shifted
 * left by the number sent has passed since the last one. Recorded by {@code samples/recorder/checks/icmp-redirect.sh}:
 * 40 packets 10 ms apart gave redirects at 0, 52, 133 and 307 ms. The rate state changes only when a run is committed.
 */
final class IcmpRedirects {
    /** ip_rt_redirect_number: redirects sent before the kernel stops until a silence. */
    static final int NUMBER = 9;
    /** ip_rt_redirect_load, HZ/50: the first gap, doubled for each redirect sent. */
    static final long LOAD_NANOS = 20_000_000L;
    /** ip_rt_redirect_silence, redirect_load shifted left by NUMBER + 1. */
    static final long SILENCE_NANOS = LOAD_NANOS << (NUMBER + 1);

    /** One source host's rate state: redirects sent since the last silence and the time of the last one (or last try). */
    record Peer(int sent, long last) {
    }

    /** The outcome of one redirected packet: whether a redirect is sent, the peer's state after it, and why. */
    record Decision(IpAddress source, boolean send, Peer after, String detail) {
    }

    /** Why the route marks (or does not mark) a forwarded packet for a redirect, with the values it read. */
    record Eligibility(boolean marked, String detail) {
    }

    private final Map<IpAddress, Peer> peers = new HashMap<>();

    /**
     * Whether the route marks a packet for a redirect: {@code sameDevice} it leaves on its input device, {@code
     * sendRedirects} (all OR device), {@code sourceDirect} the route back to the source is on that device without a
     * gateway, and {@code sharedMedia} (all OR device) or {@code sourceOnLink} (source and gateway in a subnet of the
     * device); the texts say which sysctl values were read.
     */
    static Eligibility eligible(boolean sameDevice, boolean sendRedirects, String sendRedirectsText, boolean sourceDirect,
                                boolean sharedMedia, String sharedMediaText, boolean sourceOnLink) {
        if (!sameDevice) {
            return new Eligibility(false, "leaves on another device than it came in on");
        }
        if (!sendRedirects) {
            return new Eligibility(false, "leaves on the device it came in on, but " + sendRedirectsText);
        }
        if (!sourceDirect) {
            return new Eligibility(false, "leaves on the device it came in on, but its source is not directly reachable"
                    + " there (fib_validate_source)");
        }
        if (!sharedMedia && !sourceOnLink) {
            return new Eligibility(false, "leaves on the device it came in on, but " + sharedMediaText
                    + " and its source is in no subnet of the device");
        }
        return new Eligibility(true, "leaves on the device it came in on, " + sendRedirectsText + ", "
                + (sharedMedia ? sharedMediaText : "its source is in a subnet of the device"));
    }

    /** The rate limit's answer for a redirect to {@code source} at {@code now}, without changing any state. */
    Decision decide(IpAddress source, long now) {
        return decide(source, peers.get(source), now);
    }

    /** ip_rt_send_redirect's rate limit for a peer in state {@code peer} (null: never redirected) at {@code now}. */
    static Decision decide(IpAddress source, Peer peer, long now) {
        if (peer == null) {
            return new Decision(source, true, new Peer(1, now), "the first redirect to " + source);
        }
        Peer p = now - peer.last() > SILENCE_NANOS ? new Peer(0, peer.last()) : peer;
        if (p.sent() >= NUMBER) {
            return new Decision(source, false, new Peer(p.sent(), now), NUMBER + " redirects already sent to " + source
                    + " without a " + SILENCE_NANOS / 1_000_000 + " ms silence (redirect_number, redirect_silence):"
                    + " none sent");
        }
        long gap = LOAD_NANOS << p.sent();
        if (p.sent() == 0 || now - p.last() > gap) {
            return new Decision(source, true, new Peer(p.sent() + 1, now), p.sent() == 0 ? "the first redirect to "
                    + source + " since a silence" : "redirect " + (p.sent() + 1) + " to " + source + ", more than "
                    + gap / 1_000_000 + " ms after the last (redirect_load " + LOAD_NANOS / 1_000_000 + " ms << "
                    + p.sent() + ")");
        }
        return new Decision(source, false, p, "rate-limited: " + p.sent() + " redirects sent to " + source
                + ", the last " + (now - p.last()) / 1_000_000 + " ms before, under redirect_load "
                + LOAD_NANOS / 1_000_000 + " ms << " + p.sent() + " = " + gap / 1_000_000 + " ms: none sent");
    }

    /** Applies a committed run's decision. */
    void commit(Decision d) {
        peers.put(d.source(), d.after());
    }
}
