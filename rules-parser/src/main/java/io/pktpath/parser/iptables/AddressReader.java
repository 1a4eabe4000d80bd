package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads addresses for one dump and keeps them to one family: the family given by the caller or the header, or else
 * the family of the first address read.
 */
final class AddressReader {
    /** How many prefixes are remembered at most (then forgotten all at once), to keep the table small. */
    private static final int REMEMBERED = 4096;
    private Optional<IpFamily> family;
    /** Prefixes read so far by their text, with whether the text is the prefix as {@link Cidr#toString()} writes it. */
    private final Map<String, Read> read = new HashMap<>();
    /** The text {@link #cidr} read last and what it gave, so {@link #canonical} on it needs no second lookup. */
    private String lastText;
    private Read lastRead;

    private record Read(Cidr cidr, boolean canonical) {
    }

    AddressReader(Optional<IpFamily> family) {
        this.family = family;
    }

    Optional<IpFamily> family() {
        return family;
    }

    void fixFamily(IpFamily f) {
        if (family.isEmpty()) {
            family = Optional.of(f);
        }
    }

    IpAddress address(String text) throws InvalidValueException {
        IpAddress a = family.isPresent() ? IpAddress.parse(text, family.get()) : IpAddress.parse(text);
        fixFamily(a.family());
        return a;
    }

    Cidr cidr(String text) throws InvalidValueException {
        Read known = read.get(text);
        if (known == null) {
            if (read.size() == REMEMBERED) {
                read.clear();
            }
            Cidr parsed = Cidr.parse(text);
            known = new Read(parsed, printsAs(parsed, text));
            read.put(text, known);
        }
        lastText = text;
        lastRead = known;
        Cidr cidr = known.cidr();
        if (family.isPresent() && cidr.family() != family.get()) {
            int slash = text.indexOf('/');
            IpAddress.parse(slash < 0 ? text : text.substring(0, slash), family.get());
        }
        fixFamily(cidr.family());
        return cidr;
    }

    /**
     * True if {@code text}, which parsed as {@code cidr}, is {@link Cidr#toString()} of it. For IPv4 this is checked
     * without printing: a text that parses to the same bits is the printed one exactly when it has a slash, no host
     * bits, and as many characters (leading zeros or a dotted mask only add characters).
     */
    static boolean printsAs(Cidr cidr, String text) {
        if (!cidr.address().isV4()) {
            return cidr.toString().equals(text);
        }
        return printsAsV4(cidr, text.length(), text.indexOf('/') >= 0);
    }

    /** {@link #printsAs} for an IPv4 prefix read from a text of {@code length} characters, with or without a slash. */
    static boolean printsAsV4(Cidr cidr, int length, boolean slash) {
        int bits = cidr.address().v4Bits();
        int printed = digits(cidr.prefixLength()) + 4;
        for (int shift = 24; shift >= 0; shift -= 8) {
            printed += digits((bits >>> shift) & 0xff);
        }
        return length == printed && slash && cidr.network().equals(cidr.address());
    }

    private static int digits(int v) {
        return v >= 100 ? 3 : v >= 10 ? 2 : 1;
    }

    /** True if {@code text}, read by {@link #cidr} before, is its prefix as {@link Cidr#toString()} writes it. */
    boolean canonical(String text) {
        Read known = text == lastText ? lastRead : read.get(text);
        return known != null && known.canonical();
    }
}
