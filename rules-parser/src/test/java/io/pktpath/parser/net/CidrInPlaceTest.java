package io.pktpath.parser.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.parser.diag.InvalidValueException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Cidr#parse} reading an IPv4 prefix in place gives what reading it through substrings gives, errors included. */
class CidrInPlaceTest {
    /** The reading through substrings (the parse before the in-place path), as value or error text. */
    private static String reference(String text) {
        try {
            int slash = text.indexOf('/');
            if (slash < 0) {
                return Cidr.host(IpAddress.parse(text)).toRouteString() + "|" + Cidr.host(IpAddress.parse(text));
            }
            IpAddress address = IpAddress.parse(text.substring(0, slash));
            String len = text.substring(slash + 1);
            int bits = address.family().bits();
            if (len.indexOf('.') >= 0 && address.isV4()) {
                int mask = IpAddress.parseV4(len);
                int prefix = Integer.bitCount(mask);
                if (mask != (prefix == 0 ? 0 : -1 << (32 - prefix))) {
                    return "error non-contiguous";
                }
                return new Cidr(address, prefix).toRouteString() + "|" + new Cidr(address, prefix);
            }
            if (len.isEmpty() || len.length() > 3 || !Digits.only(len)) {
                return "error bad prefix length '" + len + "' in '" + text + "'";
            }
            int prefix = Integer.parseInt(len);
            if (prefix > bits) {
                return "error prefix length " + prefix + " is longer than " + bits + " in '" + text + "'";
            }
            return new Cidr(address, prefix).toRouteString() + "|" + new Cidr(address, prefix);
        } catch (InvalidValueException e) {
            return "error " + e.getMessage();
        }
    }

    private static String parsed(String text) {
        try {
            Cidr c = Cidr.parse(text);
            return c.toRouteString() + "|" + c;
        } catch (InvalidValueException e) {
            String m = e.getMessage();
            return "error " + (m.startsWith("non-contiguous") ? "non-contiguous" : m);
        }
    }

    @Test
    void randomPrefixesParseAsThroughSubstrings() {
        Random random = new Random(3);
        String chars = "0123456789./:a";
        for (int n = 0; n < 100000; n++) {
            StringBuilder sb = new StringBuilder();
            if (random.nextBoolean()) {
                for (int o = 0; o < 4; o++) {
                    sb.append(o == 0 ? "" : ".").append(random.nextInt(random.nextInt(10) == 0 ? 1000 : 256));
                }
                sb.append(random.nextInt(4) == 0 ? "" : "/" + random.nextInt(random.nextInt(5) == 0 ? 200 : 33));
            }
            for (int k = random.nextInt(3); k > 0; k--) {
                int at = random.nextInt(sb.length() + 1);
                sb.insert(at, chars.charAt(random.nextInt(chars.length())));
            }
            String text = sb.toString();
            assertEquals(reference(text), parsed(text), text);
        }
        assertEquals("10.1.2.0/24|10.1.2.0/24", parsed("10.1.2.3/24"));
        assertEquals("error '10.1.2.256' is not an IPv4 address", parsed("10.1.2.256/24"));
        assertEquals("error prefix length 33 is longer than 32 in '10.1.2.3/33'", parsed("10.1.2.3/33"));
    }
}
