package io.pktpath.core.packet;

import java.io.ByteArrayOutputStream;

/** Builds frames byte by byte for tests: link headers, IP with options/extension headers, transports, tunnels. */
public final class Frames {
    public static final long MAC_A = 0x020000000001L;
    public static final long MAC_B = 0x020000000002L;

    private Frames() {
    }

    /** A growable big-endian byte sink. */
    public static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Buf u8(int v) {
            out.write(v);
            return this;
        }

        public Buf u16(int v) {
            return u8(v >>> 8).u8(v);
        }

        public Buf u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        public Buf u64(long v) {
            return u32(v >>> 32).u32(v);
        }

        public Buf mac(long v) {
            return u16((int) (v >>> 32)).u32(v);
        }

        public Buf bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        public byte[] build() {
            return out.toByteArray();
        }
    }

    public static int ip4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    public static byte[] ethernet(long dst, long src, int type, byte[] payload) {
        return new Buf().mac(dst).mac(src).u16(type).bytes(payload).build();
    }

    /** Ethernet with tags: {@code tags} holds (tpid, vid) pairs, outermost first. */
    public static byte[] tagged(long dst, long src, int[] tags, int type, byte[] payload) {
        Buf b = new Buf().mac(dst).mac(src);
        for (int i = 0; i < tags.length; i += 2) {
            b.u16(tags[i]).u16(tags[i + 1]);
        }
        return b.u16(type).bytes(payload).build();
    }

    public static byte[] sll(int packetType, long srcMac, int protocol, byte[] payload) {
        return new Buf().u16(packetType).u16(1).u16(6).mac(srcMac).u16(0).u16(protocol).bytes(payload).build();
    }

    public static byte[] sll2(int protocol, int ifindex, int packetType, long srcMac, byte[] payload) {
        return new Buf().u16(protocol).u16(0).u32(ifindex).u16(1).u8(packetType).u8(6).mac(srcMac).u16(0)
                .bytes(payload).build();
    }

    /** BSD loopback header with the family in the given byte order. */
    public static byte[] loopback(int family, boolean bigEndian, byte[] payload) {
        return new Buf().u32(bigEndian ? family : Integer.reverseBytes(family)).bytes(payload).build();
    }

    /** IPv4 packet; {@code fragField} is the flags+offset word (offset in 8-byte units). */
    public static byte[] ipv4(int src, int dst, int protocol, int id, int ttl, int fragField, byte[] options,
                              byte[] payload) {
        int ihl = 20 + options.length;
        return new Buf().u8(0x40 | ihl / 4).u8(0x10).u16(ihl + payload.length).u16(id).u16(fragField).u8(ttl)
                .u8(protocol).u16(0).u32(src).u32(dst).bytes(options).bytes(payload).build();
    }

    public static byte[] ipv4(int src, int dst, int protocol, byte[] payload) {
        return ipv4(src, dst, protocol, 0x1234, 64, 0x4000, new byte[0], payload);
    }

    /** IPv6 packet; {@code extensions} is a chain built with the helpers below, starting with {@code firstNext}. */
    public static byte[] ipv6(long srcHi, long srcLo, long dstHi, long dstLo, int firstNext, int hopLimit,
                              byte[] extensions, byte[] payload) {
        return new Buf().u32(0x60000000L | 0x2a << 20 | 0x12345).u16(extensions.length + payload.length)
                .u8(firstNext).u8(hopLimit).u64(srcHi).u64(srcLo).u64(dstHi).u64(dstLo).bytes(extensions)
                .bytes(payload).build();
    }

    /** A hop-by-hop, routing or destination-options header of 8 bytes (padding option). */
    public static byte[] optionsHeader(int next) {
        return new Buf().u8(next).u8(0).u8(1).u8(4).u32(0).build();
    }

    public static byte[] fragmentHeader(int next, int offsetBytes, boolean more, int id) {
        return new Buf().u8(next).u8(0).u16(offsetBytes | (more ? 1 : 0)).u32(id).build();
    }

    public static byte[] tcp(int sport, int dport, long seq, long ack, int flags, int window, int mss,
                             byte[] payload) {
        Buf opts = new Buf();
        if (mss >= 0) {
            opts.u8(2).u8(4).u16(mss).u8(1).u8(1).u8(4).u8(2);
        }
        byte[] o = opts.build();
        return new Buf().u16(sport).u16(dport).u32(seq).u32(ack).u8((20 + o.length) / 4 << 4).u8(flags)
                .u16(window).u16(0).u16(0).bytes(o).bytes(payload).build();
    }

    public static byte[] udp(int sport, int dport, byte[] payload) {
        return new Buf().u16(sport).u16(dport).u16(8 + payload.length).u16(0).bytes(payload).build();
    }

    public static byte[] icmp(int type, int code, int word, byte[] payload) {
        return new Buf().u8(type).u8(code).u16(0).u32(word).bytes(payload).build();
    }

    public static byte[] sctp(int sport, int dport, long verificationTag) {
        return new Buf().u16(sport).u16(dport).u32(verificationTag).u32(0).build();
    }

    public static byte[] arp(int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        return new Buf().u16(1).u16(0x0800).u8(6).u8(4).u16(op).mac(senderMac).u32(senderIp).mac(targetMac)
                .u32(targetIp).build();
    }

    public static byte[] vxlan(int vni, byte[] innerEthernet) {
        return new Buf().u8(0x08).u8(0).u16(0).u32((long) vni << 8).bytes(innerEthernet).build();
    }

    /** Geneve with one 8-byte option and protocol Transparent Ethernet Bridging. */
    public static byte[] geneve(int vni, byte[] innerEthernet) {
        return new Buf().u8(2).u8(0).u16(0x6558).u32((long) vni << 8).u16(0x0104).u8(0x80).u8(1).u32(7)
                .bytes(innerEthernet).build();
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }
}
