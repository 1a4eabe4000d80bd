package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the header, link, detail and address lines of one {@code ip addr}/{@code ip link} interface block. */
final class AddrLineReader {
    static final Set<String> ADDRESS_FLAGS = Set.of("secondary", "temporary", "dynamic", "noprefixroute", "deprecated",
            "tentative", "nodad", "optimistic", "dadfailed", "home", "mngtmpaddr", "stable-privacy", "permanent",
            "autojoin");
    private static final Set<String> ADDRESS_KEYS = Set.of("peer", "brd", "scope", "metric", "proto", "label", "any");

    private AddrLineReader() {
    }

    static InterfaceBuilder header(TokenCursor c) throws LineError {
        InterfaceBuilder b = new InterfaceBuilder();
        Token idx = c.next();
        if (!idx.text().endsWith(":")) {
            throw new LineError("bad-header", "interface header must start with 'INDEX:'",
                    "an interface header such as '2: eth0: <BROADCAST,UP> mtu 1500 ...'", idx.column());
        }
        b.index = TokenCursor.smallNumber(new Token(idx.text().substring(0, idx.text().length() - 1), idx.column()), "ifindex");
        Token name = c.value(idx, "an interface name followed by ':'");
        String n = name.text().endsWith(":") ? name.text().substring(0, name.text().length() - 1) : name.text();
        int at = n.indexOf('@');
        b.name = at < 0 ? n : n.substring(0, at);
        b.peer = at < 0 ? Optional.empty() : Optional.of(n.substring(at + 1));
        Token flags = c.value(name, "the interface flags in <...>");
        if (!flags.text().startsWith("<") || !flags.text().endsWith(">")) {
            throw new LineError("bad-header", "interface flags must be written <A,B,...>", "<FLAG,FLAG,...>", flags.column());
        }
        String inner = flags.text().substring(1, flags.text().length() - 1);
        for (String f : inner.split(",")) {
            if (!f.isEmpty()) {
                b.flags.add(f);
            }
        }
        while (c.hasNext()) {
            Token key = c.next();
            if (!c.hasNext()) {
                break;
            }
            Token v = c.next();
            switch (key.text()) {
                case "mtu" -> b.mtu = TokenCursor.smallNumber(v, "mtu");
                case "state" -> b.operState = v.text();
                case "master" -> b.master = Optional.of(v.text());
                default -> {
                    // qdisc, group, qlen, mode, link-netns... are not modeled
                }
            }
        }
        return b;
    }

    static void detail(TokenCursor c, InterfaceBuilder b) throws LineError {
        Token first = c.next();
        String w = first.text();
        if (w.startsWith("link/")) {
            b.linkType = w.substring("link/".length());
            if (c.hasNext()) {
                b.mac = InterfaceBuilder.macOf(c.peek().text());
            }
        } else if (w.equals("inet") || w.equals("inet6")) {
            b.addresses.add(address(c, first, b.name));
        } else if (InterfaceBuilder.KINDS.contains(w) && b.kind.isEmpty()) {
            b.kind = Optional.of(w);
        } else if (w.equals("bridge_slave")) {
            b.hairpin = hairpin(c);
        } else if (w.equals("hairpin")) {
            b.hairpin = Optional.of(onOff(first, c));
        }
        // valid_lft lines, altname, the other bridge_slave and bond_slave details, addrgenmode... are not modeled
    }

    /** The {@code hairpin on|off} pair of an {@code ip -d link} {@code bridge_slave} detail line. */
    private static Optional<Boolean> hairpin(TokenCursor c) throws LineError {
        while (c.hasNext()) {
            Token t = c.next();
            if (t.text().equals("hairpin")) {
                return Optional.of(onOff(t, c));
            }
        }
        return Optional.empty();
    }

    /**
     * The on/off value after {@code key} (iproute2's print_on_off), as in {@code bridge_slave ... hairpin on} or the
     * detail line of {@code bridge -d link}, which starts with {@code hairpin on|off}.
     */
    private static boolean onOff(Token key, TokenCursor c) throws LineError {
        Token v = c.value(key, "on or off after " + key.text());
        if (!v.text().equals("on") && !v.text().equals("off")) {
            throw new LineError("bad-value", key.text() + " '" + v.text() + "' is neither on nor off",
                    key.text() + " on or " + key.text() + " off", v.column());
        }
        return v.text().equals("on");
    }

    private static InterfaceAddress address(TokenCursor c, Token family, String ifname) throws LineError {
        Token local = c.value(family, "an address with its prefix length");
        Cidr cidr = TokenCursor.prefix(local);
        if ((family.text().equals("inet")) != cidr.address().isV4()) {
            throw new LineError("bad-address", "'" + local.text() + "' is not an " + family.text() + " address",
                    family.text().equals("inet") ? "an IPv4 address" : "an IPv6 address", local.column());
        }
        String scope = "global";
        boolean secondary = false;
        Optional<IpAddress> brd = Optional.empty();
        Optional<Cidr> peer = Optional.empty();
        Optional<String> label = Optional.empty();
        Set<String> flags = new TreeSet<>();
        while (c.hasNext()) {
            Token t = c.next();
            String k = t.text();
            if (k.equals("secondary") || k.equals("temporary")) {
                secondary = true;
            } else if (ADDRESS_FLAGS.contains(k)) {
                flags.add(k);
            } else if (ADDRESS_KEYS.contains(k)) {
                Token v = c.value(t, "a value for " + k);
                switch (k) {
                    case "peer" -> peer = Optional.of(TokenCursor.prefix(v));
                    case "brd" -> brd = Optional.of(TokenCursor.address(v));
                    case "scope" -> scope = v.text();
                    case "label" -> label = Optional.of(v.text());
                    default -> {
                        // metric and proto of an address are not modeled
                    }
                }
            } else if (family.text().equals("inet") && !c.hasNext()) {
                label = Optional.of(k);
            } else {
                throw new LineError("unknown-keyword", "unknown address keyword '" + k + "'",
                        "peer, brd, scope, a flag such as secondary or dynamic, or the label", t.column());
            }
        }
        if (peer.isPresent() && peer.get().family() != cidr.family()) {
            throw new LineError("bad-address", "peer " + peer.get() + " is not of the local address's family",
                    "a peer of the same family", local.column());
        }
        if (peer.isPresent()) {
            cidr = new Cidr(cidr.address(), peer.get().prefixLength());
        }
        return new InterfaceAddress(cidr, scope, secondary, brd, peer, label, flags);
    }
}
