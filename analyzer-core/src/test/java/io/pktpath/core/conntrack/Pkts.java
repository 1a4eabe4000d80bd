package io.pktpath.core.conntrack;

import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/** Test packets built from {@link Packet#synthetic} plus the few fields the synthetic factory leaves neutral. */
final class Pkts {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    private Pkts() {
    }

    static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (InvalidValueException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static Packet tcp(String src, int sport, String dst, int dport, int flags, long frame, long time) {
        Packet p = Packet.synthetic(IpFamily.V4, Packet.TCP, ip(src), sport, ip(dst), dport, "eth0", false);
        return with(p, frame, time, flags, p.icmpType(), p.icmpCode(), p.icmpId(), Optional.empty());
    }

    static Packet udp(String src, int sport, String dst, int dport, long frame, long time) {
        Packet p = Packet.synthetic(IpFamily.V4, Packet.UDP, ip(src), sport, ip(dst), dport, "eth0", false);
        return with(p, frame, time, 0, p.icmpType(), p.icmpCode(), p.icmpId(), Optional.empty());
    }

    static Packet icmp(String src, String dst, int type, int code, int id, long frame, long time) {
        Packet p = Packet.synthetic(IpFamily.V4, Packet.ICMP, ip(src), id, ip(dst), 0, "eth0", false);
        return with(p, frame, time, 0, type, code, id, Optional.empty());
    }

    static Packet icmpError(String src, String dst, int type, int code, Tuple quoted, long frame, long time) {
        Packet p = Packet.synthetic(IpFamily.V4, Packet.ICMP, ip(src), 0, ip(dst), 0, "eth0", false);
        return with(p, frame, time, 0, type, code, 0, Optional.of(quoted));
    }

    static Tuple tuple(int proto, String src, int sport, String dst, int dport) {
        return new Tuple(proto, ip(src), sport, ip(dst), dport);
    }

    private static Packet with(Packet p, long frame, long time, int flags, int icmpType, int icmpCode, int icmpId,
                               Optional<Tuple> quoted) {
        return new Packet(frame, time, p.family(), p.proto(), p.src(), p.dst(), p.sport(), p.dport(), flags, p.seq(),
                p.ack(), p.payloadLength(), p.ipId(), p.length(), p.ttl(), icmpType, icmpCode, icmpId, quoted,
                p.fragment(), p.firstFragment(), p.dontFragment(), LinkClass.UNICAST, p.macSource(), p.inIface(),
                p.outIface(), p.physIn(), p.physOut(), p.bridged(), p.mark(), p.locallyGenerated());
    }
}
