package io.pktpath.core.netfilter;

import io.pktpath.core.engine.LinkClass;
import io.pktpath.core.engine.Packet;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/** Builds test packets: {@link Packet#synthetic} plus the fields the engine's withers do not cover. */
final class Pkt {
    long time;
    IpFamily family = IpFamily.V4;
    int proto = Packet.TCP;
    IpAddress src;
    IpAddress dst;
    int sport = 40000;
    int dport = 80;
    int flags = Packet.SYN;
    int length = 60;
    int ttl = 64;
    int icmpType = -1;
    int icmpCode = -1;
    boolean fragment;
    boolean firstFragment = true;
    boolean dontFragment;
    LinkClass linkClass = LinkClass.UNICAST;
    Optional<String> mac = Optional.empty();
    String in = "eth0";
    String out = "";
    String physIn = "";
    String physOut = "";
    boolean bridged;
    long mark;
    boolean local;

    static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (InvalidValueException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static Pkt tcp(String src, int sport, String dst, int dport) {
        Pkt p = new Pkt();
        p.src = ip(src);
        p.dst = ip(dst);
        p.family = p.src.family();
        p.sport = sport;
        p.dport = dport;
        return p;
    }

    static Pkt udp(String src, int sport, String dst, int dport) {
        Pkt p = tcp(src, sport, dst, dport);
        p.proto = Packet.UDP;
        p.flags = 0;
        return p;
    }

    static Pkt icmp(String src, String dst, int type, int code) {
        Pkt p = tcp(src, 0, dst, 0);
        p.proto = p.family == IpFamily.V4 ? Packet.ICMP : Packet.ICMPV6;
        p.flags = 0;
        p.icmpType = type;
        p.icmpCode = code;
        return p;
    }

    Pkt in(String dev) {
        this.in = dev;
        return this;
    }

    Pkt out(String dev) {
        this.out = dev;
        return this;
    }

    Pkt flags(int f) {
        this.flags = f;
        return this;
    }

    Pkt at(long nanos) {
        this.time = nanos;
        return this;
    }

    Pkt mark(long m) {
        this.mark = m;
        return this;
    }

    Pkt local() {
        this.local = true;
        this.in = "";
        return this;
    }

    Packet build() {
        return new Packet(1, time, family, proto, src, dst, sport, dport, flags, 1, 0, 0, 1, length, ttl, icmpType,
                icmpCode, proto == Packet.ICMP || proto == Packet.ICMPV6 ? 7 : 0, Optional.empty(), fragment,
                firstFragment, dontFragment, linkClass, mac, in, out, physIn, physOut, bridged, mark, local);
    }
}
