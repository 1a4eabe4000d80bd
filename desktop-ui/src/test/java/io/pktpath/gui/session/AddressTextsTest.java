package io.pktpath.gui.session;

import io.pktpath.parser.net.IpAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class AddressTextsTest {
    @Test
    void equalAddressesShareOneStringAndTheTextStaysRightPastTheBound() throws Exception {
        AddressTexts texts = new AddressTexts();
        IpAddress a = IpAddress.parse("10.244.1.2");
        IpAddress b = IpAddress.parse("10.244.1.2");
        assertNotSame(a, b);
        assertSame(texts.text(a), texts.text(b));
        assertEquals("10.244.1.2", texts.text(a));
        assertEquals("fd00::1", texts.text(IpAddress.parse("fd00::1")));
        for (int i = 0; i <= AddressTexts.MAX; i++) {
            assertEquals(IpAddress.formatV4(0x0a000000 + i), texts.text(IpAddress.v4(0x0a000000 + i)));
        }
        assertEquals("10.244.1.2", texts.text(b));
    }
}
