package io.pktpath.parser.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.iptables.target.Drop;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A set statement's element with a stateful expression ({@code add|update @set { ip saddr limit rate over 3/minute }})
 * and a meter translated to the rule's last match, an {@link NftSetElementMatch} with the set's size and the element's
 * timeout, before the verdict; the forms still refused.
 */
class NftSetElementTranslatorTest {
    private static final NftSet RATE = new NftSet("set", "ratelimit4", 2, 0, List.of(), false, List.of(),
            Map.of("type", "ipv4_addr", "size", "65535", "flags", "dynamic,timeout", "timeout", "1m"));
    private static final NftSet CONN6 = new NftSet("set", "conn6", 3, 0, List.of(), false, List.of(),
            Map.of("type", "ipv6_addr", "flags", "dynamic"));
    private static final NftSet TINY = new NftSet("set", "tiny", 4, 0, List.of(), false, List.of(),
            Map.of("type", "ipv4_addr", "size", "1", "flags", "dynamic", "gc-interval", "30s"));
    private static final NftSet SHARED = new NftSet("set", "shared", 5, 0, List.of(), false, List.of(),
            Map.of("type", "ipv4_addr", "flags", "dynamic"));
    private static final NftTable TABLE = new NftTable(NftFamily.INET, "f", 1, List.of(
            new NftChain("input", 6, Optional.empty(), List.of(
                    new NftRule("add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } drop", 7,
                            Optional.empty()),
                    new NftRule("update @bytes4 { ip saddr timeout 10s limit rate 1 kbytes/second } accept", 7,
                            Optional.empty()),
                    new NftRule("update @conn6 { ip6 saddr ct count over 2 } drop", 8, Optional.empty()),
                    new NftRule("add @tiny { ip daddr quota over 300 bytes } drop", 9, Optional.empty()),
                    new NftRule("tcp dport 22 add @shared { ip saddr limit rate 1/second } accept", 10, Optional.empty()),
                    new NftRule("tcp dport 23 add @shared { ip saddr }", 11, Optional.empty()),
                    new NftRule("add @pairs { ip6 daddr . udp sport ct count over 4 } drop", 12, Optional.empty()),
                    new NftRule("udp dport 53 add @seen { ip saddr } accept", 13, Optional.empty()),
                    new NftRule("add @slowgc { ip saddr limit rate 1/second } accept", 14, Optional.empty())))),
            List.of(RATE, CONN6, TINY, SHARED, new NftSet("set", "bytes4", 6, 0, List.of(), false, List.of(),
                    Map.of("type", "ipv4_addr", "flags", "dynamic,timeout")), new NftSet("set", "pairs", 7, 0,
                    List.of(), false, List.of(), Map.of("type", "ipv6_addr . inet_service", "size", "16",
                    "flags", "dynamic")), new NftSet("set", "seen", 8, 0, List.of(), false, List.of(),
                    Map.of("type", "ipv4_addr", "flags", "dynamic")), new NftSet("set", "slowgc", 9, 0, List.of(), false,
                    List.of(), Map.of("type", "ipv4_addr", "flags", "dynamic,timeout", "gc-interval", "1500ms"))));
    private static final TranslatorProbe PROBE = new TranslatorProbe(TABLE, 2, 7);

    private static NftSetElementMatch element(String text, IpFamily family) {
        List<Rule> rules = assertInstanceOf(NftRuleTranslator.Translated.class, PROBE.outcome(text, family)).rules();
        assertEquals(1, rules.size());
        List<?> matches = rules.get(0).matches();
        return assertInstanceOf(NftSetElementMatch.class, matches.get(matches.size() - 1));
    }

    @Test
    void anElementWithALimitIsTheRulesLastMatchBeforeItsVerdict() {
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m nft \"add @ratelimit4 {"
                + " ip saddr limit rate over 3/minute burst 2 packets }\" -j DROP"), PROBE.rules("tcp dport 22 ct state"
                + " new add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } counter packets 4 bytes"
                + " 240 drop", IpFamily.V4));
        NftSetElementMatch m = element("add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } drop",
                IpFamily.V4);
        assertEquals("inet:f:ratelimit4", m.set());
        assertEquals("@ratelimit4", m.shown());
        assertEquals(IpFamily.V4, m.family());
        assertEquals(List.of("ip saddr"), m.key());
        assertEquals(false, m.update());
        assertEquals(60, m.timeoutSeconds(), "the set's default timeout");
        assertEquals(65_535, m.size());
        assertEquals(Optional.of(new NftLimitMatch(3, 60, 2, false, true, "limit rate over 3/minute burst 2 packets")),
                m.stateful());
        assertEquals(1, m.gcIntervalSeconds(), "the kernel's default gc-interval");
        assertEquals(List.of(), PROBE.rules("add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } drop",
                IpFamily.V6),
                "an ip saddr key never matches the inet table's IPv6 packets");
    }

    @Test
    void theElementsTimeoutCountAndQuotaAreKept() {
        NftSetElementMatch timed = element("update @bytes4 { ip saddr timeout 10s limit rate 1 kbytes/second }"
                + " accept", IpFamily.V4);
        assertEquals(10, timed.timeoutSeconds());
        assertEquals(true, timed.update());
        assertEquals(Optional.of(new NftLimitMatch(1024, 1, 0, true, false, "limit rate 1 kbytes/second")),
                timed.stateful());
        NftSetElementMatch count = element("update @conn6 { ip6 saddr ct count over 2 } drop", IpFamily.V6);
        assertEquals(Optional.of(new NftCountMatch(2, true, "ct count over 2")), count.stateful());
        assertEquals(0, count.timeoutSeconds(), "a set without timeouts");
        assertEquals(0, count.size(), "no size: no bound");
        NftSetElementMatch quota = element("add @tiny { ip daddr quota over 300 bytes } drop", IpFamily.V4);
        assertEquals(List.of("ip daddr"), quota.key());
        assertEquals(1, quota.size());
        assertEquals(30, quota.gcIntervalSeconds(), "the set's gc-interval");
        assertEquals(Optional.of(new NftQuotaMatch(300, 0, true, "quota over 300 bytes")), quota.stateful());
        assertEquals("add @tiny { ip daddr quota over 300 bytes }", quota.text());
        assertInstanceOf(Drop.class, assertInstanceOf(NftRuleTranslator.Translated.class,
                PROBE.outcome("add @tiny { ip daddr quota over 300 bytes } drop", IpFamily.V4)).rules().get(0).target());
    }

    @Test
    void aMeterIsASetOfItsOwnUpdatedWhenItsKeyHasATimeout() {
        NftSetElementMatch m = element("udp dport 53 meter dnsflood size 128 { ip saddr timeout 10s limit rate over"
                + " 5/second } counter packets 3 bytes 180 drop", IpFamily.V4);
        assertEquals("inet:f:dnsflood", m.set());
        assertEquals("meter dnsflood", m.shown());
        assertEquals(128, m.size());
        assertEquals(10, m.timeoutSeconds());
        assertEquals(true, m.update(), "nft gives a meter whose key has a timeout dynset update");
        assertEquals(Optional.of(new NftLimitMatch(5, 1, 5, false, true, "limit rate over 5/second")), m.stateful());
        assertEquals("meter dnsflood size 128 { ip saddr timeout 10s limit rate over 5/second }", m.text());
        NftSetElementMatch plain = element("meter m6 { ip6 saddr limit rate over 5/second burst 3 packets } drop",
                IpFamily.V6);
        assertEquals(65_535, plain.size(), "nft's default meter size");
        assertEquals(false, plain.update());
        assertEquals(0, plain.timeoutSeconds());
        assertEquals(List.of(), PROBE.rules("meter m6 { ip6 saddr limit rate over 5/second } drop", IpFamily.V4));
    }

    @Test
    void aConcatenatedKeyKeepsAnElementPerAddressAndPortForItsProtocolOnly() {
        NftSetElementMatch m = element("meter flood size 64 { ip saddr . tcp dport timeout 30s limit rate over"
                + " 10/second } drop", IpFamily.V4);
        assertEquals(List.of("ip saddr", "tcp dport"), m.key());
        assertEquals("ip saddr . tcp dport", m.keyText());
        assertEquals(List.of("-A input -p tcp -m nft \"meter flood size 64 { ip saddr . tcp dport timeout 30s limit"
                + " rate over 10/second }\" -j DROP"), PROBE.rules("meter flood size 64 { ip saddr . tcp dport timeout"
                + " 30s limit rate over 10/second } drop", IpFamily.V4), "nft's dependency: tcp only");
        NftSetElementMatch pairs = element("add @pairs { ip6 daddr . udp sport ct count over 4 } drop", IpFamily.V6);
        assertEquals(List.of("ip6 daddr", "udp sport"), pairs.key());
        assertEquals(16, pairs.size());
        assertEquals(List.of(), PROBE.rules("udp dport 53 meter f { ip saddr . tcp dport limit rate 1/second } drop",
                IpFamily.V4), "udp and tcp: never");
    }

    @Test
    void everyStatementOnASetFilledWithExpressionsIsAnElementMatchAlsoWithoutOne() {
        // nft_dynset: one element store per set; an element keeps the expression of the statement that created it,
        // and every statement that finds it evaluates that one, its own or none
        NftSetElementMatch limited = element("tcp dport 22 add @shared { ip saddr limit rate 1/second } accept",
                IpFamily.V4);
        assertEquals("inet:f:shared", limited.set());
        NftSetElementMatch plain = element("tcp dport 23 add @shared { ip saddr }", IpFamily.V4);
        assertEquals("inet:f:shared", plain.set(), "the same store");
        assertEquals(Optional.empty(), plain.stateful());
        assertEquals("add @shared { ip saddr }", plain.text());
        assertEquals(List.of("-A input -p tcp -m tcp --dport 23 -m nft \"add @shared { ip saddr }\""),
                PROBE.rules("tcp dport 23 add @shared { ip saddr }", IpFamily.V4));
        NftSetElementMatch other = element("update @ratelimit4 { ip saddr timeout 5s limit rate 9/second } accept",
                IpFamily.V4);
        assertEquals(5, other.timeoutSeconds(), "its own timeout");
        assertEquals(Optional.of(new NftLimitMatch(9, 1, 5, false, false, "limit rate 9/second")), other.stateful(),
                "an expression other than the set's other statement's");
        // a set no statement fills with an expression keeps the ipset-like SET target
        assertEquals(List.of("-A input -p udp -m udp --dport 53 -j SET --add-set inet:f:seen src -j ACCEPT"),
                PROBE.rules("udp dport 53 add @seen { ip saddr } accept", IpFamily.V4));
    }

    @Test
    void theFormsStillRefusedSayWhy() {
        assertEquals("'add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets }' follows another statement"
                + " or verdict: one statement per rule is replayed", PROBE.refusal("meta mark set 0x1 add @ratelimit4 {"
                + " ip saddr limit rate over 3/minute burst 2 packets } drop"));
        assertEquals("'tcp dport 22' after limit, quota or ct count is not replayed: a protocol test there would be"
                + " tested before the expression, which the kernel evaluates first, also for packets the condition turns"
                + " away", PROBE.refusal("add @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } tcp dport"
                + " 22 drop"));
        assertEquals(List.of("-A input -p tcp -m tcp --dport 22 -m nft \"add @ratelimit4 { ip saddr limit rate over"
                + " 3/minute burst 2 packets }\" -m conntrack --ctstate NEW -j DROP"), PROBE.rules("tcp dport 22 add"
                + " @ratelimit4 { ip saddr limit rate over 3/minute burst 2 packets } ct state new drop", IpFamily.V4),
                "a condition after the statement is tested after it");
        assertEquals("'add @ratelimit4 { ip saddr limit rate 3/minute ct count 2 }': 'ct count 2' after the element's"
                + " limit rate 3/minute is not replayed (one stateful expression per element is)",
                PROBE.refusal("add @ratelimit4 { ip saddr limit rate 3/minute ct count 2 } drop"));
        assertEquals("'delete @ratelimit4 { ip saddr limit rate 3/minute }': delete with a stateful expression is not"
                + " replayed", PROBE.refusal("delete @ratelimit4 { ip saddr limit rate 3/minute }"));
        assertEquals("'add @conn6 { ip6 saddr timeout 5s ct count over 2 }': the timeout is not whole seconds, or the"
                + " set has no timeouts", PROBE.refusal("add @conn6 { ip6 saddr timeout 5s ct count over 2 } drop"));
        assertEquals("'add @ratelimit4 { ip saddr limit name \"x\" }': 'limit name \"x\"' in the element is not replayed"
                + " (a named limit object (limit name ...) is not replayed)",
                PROBE.refusal("add @ratelimit4 { ip saddr limit name \"x\" } drop"));
        assertEquals("'meter m { ip saddr . ip6 daddr limit rate 1/second }': only keys of ip saddr, ip daddr, ip6 saddr"
                + " and ip6 daddr (of one family), alone or joined with tcp|udp sport|dport by '.', are replayed",
                PROBE.refusal("meter m { ip saddr . ip6 daddr limit rate 1/second } drop"));
        assertEquals("'meter m { tcp dport limit rate 1/second }': a key without an address is not replayed",
                PROBE.refusal("meter m { tcp dport limit rate 1/second } drop"));
        assertEquals("'add @ratelimit4 { ip saddr . tcp dport limit rate over 3/minute burst 2 packets }': the key ip"
                + " saddr . tcp dport (ipv4_addr . inet_service) is not of the set's type (ipv4_addr)",
                PROBE.refusal("add @ratelimit4 { ip saddr . tcp dport limit rate over 3/minute burst 2 packets } drop"));
        assertEquals("'update @ratelimit4 { ip saddr counter }' keeps a counter per element: not replayed",
                PROBE.refusal("update @ratelimit4 { ip saddr counter }"));
        assertEquals("'meter m { ip saddr }': a meter without a stateful expression is not replayed",
                PROBE.refusal("meter m { ip saddr } drop"));
        assertEquals("the dynamic set @slowgc has gc-interval '1500ms': only whole seconds are replayed",
                PROBE.refusal("add @slowgc { ip saddr limit rate 1/second } accept"));
        assertThrows(IllegalArgumentException.class, () -> new NftSetElementMatch("s", "@s", IpFamily.V4,
                List.of("ip saddr"), false, 0, 0, 1, Optional.of(new io.pktpath.parser.iptables.match.MarkMatch(
                List.of(), false)), "x"), "only a limit, quota or ct count is kept per element");
        assertThrows(IllegalArgumentException.class, () -> new NftSetElementMatch("s", "@s", IpFamily.V4,
                List.of("ip saddr"), false, 0, 0, 0, Optional.empty(), "x"), "a gc-interval is positive");
    }
}
