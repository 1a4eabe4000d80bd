package io.pktpath.core.routing;

import static io.pktpath.core.routing.TestNodes.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.parser.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Answers are made once per device and address (or, kept only when asked again, twice) and given again; no two
 * questions share an answer.
 */
class DeviceAddressAnswersTest {
    @Test
    void sameNumbersOfAnotherFamilyOrDeviceAreOtherQuestions() {
        DeviceAddressAnswers<String> answers = new DeviceAddressAnswers<>(64);
        List<String> made = new ArrayList<>();
        IpAddress v4 = ip("10.0.0.1");
        IpAddress v6 = ip("::a00:1");
        assertEquals(v4.lo(), v6.lo());
        assertEquals(v4.hi(), v6.hi());
        String first = answers.get("eth0", v4, (dev, a) -> record(made, dev + " " + a));
        assertEquals("eth0 10.0.0.1", first);
        assertSame(first, answers.get("eth0", ip("10.0.0.1"), (dev, a) -> record(made, "again")));
        assertEquals("eth0 ::a00:1", answers.get("eth0", v6, (dev, a) -> record(made, dev + " " + a)));
        assertEquals("eth1 10.0.0.1", answers.get("eth1", v4, (dev, a) -> record(made, dev + " " + a)));
        assertEquals("veth 10.0.0.1", answers.get(new String("veth"), v4, (dev, a) -> record(made, dev + " " + a)));
        assertSame(answers.get("veth", v4, (dev, a) -> "never made"), answers.get("veth", v4, (dev, a) -> "never"));
        assertEquals(List.of("eth0 10.0.0.1", "eth0 ::a00:1", "eth1 10.0.0.1", "veth 10.0.0.1"), made);
    }

    /** Past the bound answers are made again, never mixed up: every answer is the one for its question. */
    @Test
    void answersMatchTheirQuestionsAgainstAMap() {
        DeviceAddressAnswers<String> answers = new DeviceAddressAnswers<>(256);
        Map<String, Integer> makes = new HashMap<>();
        Random random = new Random(9);
        List<String> devices = List.of("eth0", "eth1", "cali0123456789a", "cali0123456789b", "lo");
        for (int n = 0; n < 20_000; n++) {
            String dev = devices.get(random.nextInt(devices.size()));
            int bits = 0x0af40000 | random.nextInt(n < 10_000 ? 40 : 4_000);
            IpAddress a = random.nextInt(4) == 0 ? IpAddress.v6(0x20010db800000000L, bits) : IpAddress.v4(bits);
            String expected = dev + " " + a;
            assertEquals(expected, answers.get(dev, a, (d, x) -> {
                makes.merge(expected, 1, Integer::sum);
                return d + " " + x;
            }));
        }
        long madeOnce = makes.values().stream().filter(c -> c == 1).count();
        assertTrue(madeOnce > 300, "the early questions (400 of them) are mostly made once: " + madeOnce);
    }

    /** Kept only when asked again: the first ask's answer is made and given but not kept, the second's is kept. */
    @Test
    void keptWhenAskedAgainMakesTwiceThenGivesTheKeptOne() {
        DeviceAddressAnswers<String> answers = new DeviceAddressAnswers<>(64, true);
        List<String> made = new ArrayList<>();
        IpAddress a = ip("10.0.0.1");
        String once = answers.get("eth0", a, (dev, x) -> record(made, new String(dev + " " + x)));
        String again = answers.get("eth0", a, (dev, x) -> record(made, new String(dev + " " + x)));
        assertEquals("eth0 10.0.0.1", once);
        assertEquals(once, again);
        assertNotSame(once, again, "asked once, the answer was not kept");
        assertSame(again, answers.get("eth0", a, (dev, x) -> record(made, "never made")));
        assertEquals("eth1 10.0.0.1", answers.get("eth1", a, (dev, x) -> record(made, dev + " " + x)));
        assertEquals(List.of("eth0 10.0.0.1", "eth0 10.0.0.1", "eth1 10.0.0.1"), made);
    }

    private static String record(List<String> made, String answer) {
        made.add(answer);
        return answer;
    }
}
