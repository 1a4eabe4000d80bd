package io.pktpath.core.findings;

import io.pktpath.core.replay.PartialCapture;
import io.pktpath.core.trace.PacketTrace;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.bundle.Bundle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts the frames the replay left out because the capture lacks the interfaces their packets came in on (forwarded
 * packets seen only leaving, and packets answering them), and names the interfaces the capture holds: PARTIAL_CAPTURE,
 * when some answer was left out.
 */
final class CaptureCoverage {
    private static final int MAX_NAMES = 256;
    /** Frames kept as examples of each kind. */
    private static final int SAMPLES = 2;

    private static final int MAX_ANSWERED = 200_000;

    /**
     * The interfaces the capture's frames name, found by hash (a forwarded packet's frames alternate between the
     * interfaces it crosses, so each frame asks), sorted only when the finding names them.
     */
    private final Set<String> captured = new HashSet<>();
    /** The connections (original direction) whose answer the capture shows leaving, with the first time: answered. */
    private final Map<String, Long> answered = new HashMap<>();
    private long leftUnseen;
    private long replies;
    private final List<Long> frames = new ArrayList<>();
    private final List<String> evidence = new ArrayList<>();

    void accept(PacketTrace t) {
        String iface = t.packet().iface();
        if (!iface.isEmpty() && captured.size() < MAX_NAMES && !captured.contains(iface)) {
            captured.add(iface);
        }
        boolean left = PartialCapture.leftUnseen(t);
        boolean reply = !left && PartialCapture.answersUnseen(t);
        if (!left && !reply) {
            return;
        }
        if (left && answered.size() < MAX_ANSWERED) {
            answered.putIfAbsent(Packets.reverseKey(t.packet()), t.packet().timeNanos());
        }
        long count = left ? ++leftUnseen : ++replies;
        if (count <= SAMPLES) {
            frames.add(t.packet().frame());
            evidence.add("frame " + t.packet().frame() + " (" + t.packet().iface() + " " + t.packet().dir() + "): "
                    + t.reason());
        }
    }

    /**
     * True if the capture showed a packet leaving the node that answers the connection {@code original} (a reply the
     * replay did not see arrive, on an interface the capture lacks): it was answered, whatever its conntrack record says.
     */
    boolean answered(Tuple original) {
        return answeredBefore(original, Long.MAX_VALUE);
    }

    /** {@link #answered}, by an answer the capture shows leaving before {@code nanos}. */
    boolean answeredBefore(Tuple original, long nanos) {
        if (answered.isEmpty()) {
            return false;
        }
        Long at = answered.get(Packets.tupleKey(original));
        return at != null && at < nanos;
    }

    /**
     * True unless the capture is known to lack {@code device}: it holds it, or the device is unnamed, or the capture's
     * frames name no interface, or nothing shows the capture lacks any (no packet was seen only leaving).
     */
    boolean holds(String device) {
        return device.isEmpty() || captured.isEmpty() || captured.size() >= MAX_NAMES || leftUnseen == 0
                || captured.contains(device);
    }

    /**
     * The finding, when some answer was left out: packets seen only leaving alone do not say the capture lacks an
     * interface (a bridge with bridge-nf-call off hands frames between its ports that the replay does not claim).
     */
    List<Finding> findings(Bundle bundle) {
        if (replies == 0) {
            return List.of();
        }
        int interfaces = bundle.interfaces().size();
        String holds = captured.isEmpty() ? "" : "the capture holds " + String.join(", ", new TreeSet<>(captured))
                + (interfaces > 0 ? " of the node's " + interfaces + " interfaces" : "") + ": ";
        return List.of(new Finding(Codes.PARTIAL_CAPTURE, FindingSeverity.WARNING, holds + leftUnseen
                + " forwarded packet(s) left the node with no incoming copy in the capture, and " + replies
                + " packet(s) answering them were not replayed", frames.stream().sorted().toList(),
                List.of(), evidence, "Capture on every interface (tcpdump -i any), or also on the interfaces these "
                        + "packets came in on (a pod's veth, a bridge); with a conntrack -L taken when the capture "
                        + "starts, replies to connections already open are matched too",
                "high: these packets crossed an interface the capture does not hold, so the replay cannot know the "
                        + "connection (and NAT) the node's conntrack had for them"));
    }
}
