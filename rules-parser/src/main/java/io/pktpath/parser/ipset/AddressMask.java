package io.pktpath.parser.ipset;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Digits;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.Objects;

/**
 * The {@code netmask N} or {@code bitmask ADDRESS} of a hash:ip or hash:net,net set: the kernel stores entries masked
 * with it and masks a packet's addresses with it before the lookup (hash_ip4_kadt, hash_netnet4_kadt).
 */
public record AddressMask(IpAddress bits) {
    public AddressMask {
        Objects.requireNonNull(bits, "bits");
    }

    /** A create option's value: {@code netmask} a prefix length, {@code bitmask} an address, of the set's family. */
    static AddressMask parse(String option, String value, IpFamily family) throws InvalidValueException {
        String v4 = family == IpFamily.V4 ? "IPv4" : "IPv6";
        if (option.equals("netmask")) {
            int bits = family.bits();
            if (value.isEmpty() || value.length() > 3 || !Digits.only(value)
                    || Integer.parseInt(value) < 1 || Integer.parseInt(value) > bits) {
                throw new InvalidValueException("netmask '" + value + "' is not a prefix length 1-" + bits,
                        "a netmask such as " + (family == IpFamily.V4 ? "24" : "64"));
            }
            IpAddress ones = family == IpFamily.V4 ? IpAddress.v4(-1) : IpAddress.v6(-1L, -1L);
            return new AddressMask(ones.masked(Integer.parseInt(value)));
        }
        String example = family == IpFamily.V4 ? "255.255.255.0" : "ffff:ffff:ffff:ffff::";
        try {
            IpAddress a = IpAddress.parse(value);
            if (a.family() == family) {
                return new AddressMask(a);
            }
        } catch (InvalidValueException e) {
            // reported below with the option's name
        }
        throw new InvalidValueException("bitmask '" + value + "' is not an " + v4 + " address", "a bitmask such as " + example);
    }

    /** The address with the mask's zero bits cleared; an address of another family is left as it is. */
    public IpAddress apply(IpAddress a) {
        if (a.family() != bits.family()) {
            return a;
        }
        return new IpAddress(a.family(), a.hi() & bits.hi(), a.lo() & bits.lo());
    }
}
