package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.net.Cidr;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.util.Optional;

/**
 * Reads addresses for one dump and keeps them to one family: the family given by the caller or the header, or else
 * the family of the first address read.
 */
final class AddressReader {
    private Optional<IpFamily> family;

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
        Cidr cidr = Cidr.parse(text);
        if (family.isPresent() && cidr.family() != family.get()) {
            int slash = text.indexOf('/');
            IpAddress.parse(slash < 0 ? text : text.substring(0, slash), family.get());
        }
        fixFamily(cidr.family());
        return cidr;
    }
}
