package io.pktpath.core.findings;

import io.pktpath.parser.sockets.ListeningSocket;
import io.pktpath.parser.sockets.SocketProtocol;
import io.pktpath.parser.sockets.SocketTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code CONNECTION_REFUSED}: one finding per destination the node's socket layer refused (no socket listens there). */
final class RefusalFindings {
    private RefusalFindings() {
    }

    static List<Finding> of(RefusalTracker tracker, Optional<SocketTable> sockets) {
        List<Finding> out = new ArrayList<>();
        for (RefusalTracker.Group g : tracker.groups.values()) {
            out.add(finding(g, sockets));
        }
        return out;
    }

    private static Finding finding(RefusalTracker.Group g, Optional<SocketTable> sockets) {
        boolean tcp = g.proto == 6;
        SocketProtocol protocol = tcp ? SocketProtocol.TCP : SocketProtocol.UDP;
        String what = tcp ? "TCP SYN(s)" : "UDP datagram(s)";
        String answer = tcp ? "RST" : "ICMP port unreachable";
        List<String> elsewhere = sockets.map(t -> t.listeners(protocol).stream()
                .filter(s -> s.port() == g.port && s.local().address().isPresent())
                .map(ListeningSocket::localText).distinct().toList()).orElse(List.of());
        List<Long> frames = new ArrayList<>(g.refused.frames());
        frames.addAll(g.answers.frames());
        frames.sort(Long::compare);
        List<String> evidence = new ArrayList<>();
        evidence.add(g.refused.count() + " " + what + " to " + g.endpoint + " (" + join(g.refused.frames())
                + ") passed netfilter and were delivered locally");
        if (sockets.isEmpty()) {
            evidence.add("the node answered " + (tcp ? "the SYN(s) with a RST" : "with " + answer) + " ("
                    + join(g.answers.frames()) + "); no socket table (ss) in the bundle to say what listens");
        } else {
            evidence.add("the ss table lists no " + protocol.label() + " socket listening on " + g.endpoint
                    + (elsewhere.isEmpty() ? ", nor on any address of that port"
                    : "; on port " + g.port + " only " + String.join(", ", elsewhere) + " listens"));
            evidence.add(g.answers.count() == 0 ? "the capture holds no " + answer + " from the node for them"
                    : "the node answered with " + answer + " (" + join(g.answers.frames()) + ")");
        }
        String fix = elsewhere.isEmpty()
                ? "Start the service that should listen on " + protocol.label() + " port " + g.port + ", or point the"
                        + " clients (Service targetPort, hostPort, NodePort target) at the port it listens on"
                : "Bind the service to the address the clients use (0.0.0.0, or " + g.endpoint.substring(0,
                        g.endpoint.lastIndexOf(':')) + "): it listens on " + String.join(", ", elsewhere) + " only";
        String confidence = sockets.isEmpty()
                ? "high, from the capture alone: the node's own " + answer + " answered a packet it delivered locally;"
                        + " with no ss table, which sockets listen (perhaps on another address of that port) is unknown"
                : g.answers.count() > 0
                ? "high: the node's own " + answer + " in the capture confirms what the ss table says"
                : "medium: ss is a snapshot; a service started or stopped between the capture and ss changes the answer";
        return new Finding(Codes.CONNECTION_REFUSED, FindingSeverity.WARNING, g.refused.count() + " " + what + " to "
                + g.endpoint + " refused by the node: no socket listens there", frames, List.of(), evidence, fix,
                confidence);
    }

    private static String join(List<Long> frames) {
        return (frames.size() == 1 ? "frame " : "frames ") + String.join(", ", frames.stream().map(String::valueOf).toList());
    }
}
