package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's ICMP redirect decision (__mkroute_input) and rate limit (ip_rt_send_redirect), as IcmpRedirects models them. */
class IcmpRedirectsTest {
    private static final long MS = 1_000_000L;
    private static final IpAddress A = IpAddress.v4(0x0a610004);
    private static final IpAddress B = IpAddress.v4(0x0a610005);

    private static IcmpRedirects.Eligibility eligible(boolean same, boolean send, boolean direct, boolean shared,
                                                      boolean onLink) {
        return IcmpRedirects.eligible(same, send, "send_redirects=" + (send ? 1 : 0), direct, shared,
                "shared_media=" + (shared ? 1 : 0), onLink);
    }

    @Test
    void theRouteMarksAPacketOnlyWhenItLeavesOnItsInputDeviceWithSendRedirectsOnAndADirectlyReachableSource() {
        assertTrue(eligible(true, true, true, true, false).marked());
        assertFalse(eligible(false, true, true, true, true).marked(), "another output device");
        IcmpRedirects.Eligibility off = eligible(true, false, true, true, true);
        assertFalse(off.marked());
        assertTrue(off.detail().contains("send_redirects=0"), off.detail());
        assertFalse(eligible(true, true, false, true, true).marked(), "source behind a gateway (fib_validate_source 0)");
    }

    @Test
    void withoutSharedMediaTheSourceMustBeInASubnetOfTheDevice() {
        assertFalse(eligible(true, true, true, false, false).marked());
        assertTrue(eligible(true, true, true, false, true).marked());
    }

    /** The times, in ms, at which packets redirected every {@code gapMs} for {@code count} packets get a redirect. */
    private static List<Long> sentAt(IcmpRedirects r, IpAddress source, long startMs, long gapMs, int count) {
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long now = (startMs + i * gapMs) * MS;
            IcmpRedirects.Decision d = r.decide(source, now);
            r.commit(d);
            if (d.send()) {
                sent.add(now / MS);
            }
        }
        return sent;
    }

    @Test
    void fortyPacketsTenMillisecondsApartGetFourRedirectsAsTheKernelSentThem() {
        // samples/recorder/checks/icmp-redirect.sh case 2: the kernel sent them at 0, 52, 133 and 307 ms (its packets
        // were paced a little over 10 ms); the gap after n redirects is 20 ms << n
        assertEquals(List.of(0L, 50L, 140L, 310L), sentAt(new IcmpRedirects(), A, 0, 10, 40));
    }

    @Test
    void afterNineRedirectsNoneIsSentUntilASilenceOfTheSilenceInterval() {
        IcmpRedirects r = new IcmpRedirects();
        // 15 s apart: past every load gap (20 ms << 8 = 5.12 s), within the silence (20.48 s)
        List<Long> sent = sentAt(r, A, 0, 15_000, 12);
        assertEquals(IcmpRedirects.NUMBER, sent.size(), sent.toString());
        long last = 11 * 15_000L;
        // a try within the silence moves its start: still none 20 s after the last try
        IcmpRedirects.Decision within = r.decide(A, (last + 20_000) * MS);
        assertFalse(within.send(), within.detail());
        r.commit(within);
        IcmpRedirects.Decision after = r.decide(A, (last + 20_000 + 20_481) * MS);
        assertTrue(after.send(), after.detail());
        assertEquals(1, after.after().sent());
    }

    @Test
    void theLimitIsPerSourceHostAndADecisionChangesNothingUntilCommitted() {
        IcmpRedirects r = new IcmpRedirects();
        r.commit(r.decide(A, 0));
        IcmpRedirects.Decision again = r.decide(A, 10 * MS);
        assertFalse(again.send(), again.detail());
        assertTrue(r.decide(B, 10 * MS).send(), "another source has its own peer");
        IcmpRedirects.Decision fresh = new IcmpRedirects().decide(A, 10 * MS);
        assertTrue(fresh.send());
        assertTrue(r.decide(A, 41 * MS).send(), "more than 20 ms << 1 after the first");
        assertTrue(r.decide(A, 41 * MS).send(), "deciding twice without a commit gives the same answer");
    }
}
