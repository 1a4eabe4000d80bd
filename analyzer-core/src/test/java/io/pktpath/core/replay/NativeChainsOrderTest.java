package io.pktpath.core.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.trace.Hook;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.nft.NftNativeReplay;
import io.pktpath.parser.nft.NftRulesetParser;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The order of native base chains at one hook: by priority, and at an equal priority the chain listed later first, as
 * the kernel runs the hook registered later first (recorded in bundles/cni-hostport-nft: the portmap plugin's
 * {@code ip cni_hostport masquerading}, created after the bridge plugin's {@code inet cni_plugins_masquerade
 * postrouting}, both nat at 100, masqueraded the hairpin and localhost connections before the bridge plugin's chain
 * saw them).
 */
class NativeChainsOrderTest {
    private static final String RULESET = """
            table inet cni_plugins_masquerade {
            	chain postrouting {
            		type nat hook postrouting priority srcnat; policy accept;
            		counter
            	}
            	chain late {
            		type filter hook forward priority filter; policy accept;
            		counter
            	}
            }
            table ip cni_hostport {
            	chain masquerading {
            		type nat hook postrouting priority srcnat; policy accept;
            		counter
            	}
            	chain early {
            		type nat hook postrouting priority 90; policy accept;
            		counter
            	}
            	chain fwd {
            		type filter hook forward priority filter; policy accept;
            		counter
            	}
            	chain fwd2 {
            		type filter hook forward priority filter; policy accept;
            		counter
            	}
            }
            """;

    private static NativeChains chains() {
        return NativeChains.of(NftNativeReplay.of(NftRulesetParser.parse("nft-ruleset.txt", RULESET).value()))
                .orElseThrow();
    }

    private static List<String> names(NativeChains.Slot[] slots) {
        return Arrays.stream(slots).map(s -> s.table() + " " + s.chain()).toList();
    }

    @Test
    void natChainsOfEqualPriorityRunTheOneListedLaterFirst() {
        assertEquals(List.of("ip cni_hostport early", "ip cni_hostport masquerading",
                "inet cni_plugins_masquerade postrouting"), names(chains().natAt(IpFamily.V4, Hook.POSTROUTING)));
    }

    @Test
    void filterChainsOfEqualPriorityRunTheOneListedLaterFirstInAndAcrossTables() {
        assertEquals(List.of("ip cni_hostport fwd2", "ip cni_hostport fwd", "inet cni_plugins_masquerade late"),
                names(chains().at(IpFamily.V4, Hook.FORWARD)));
        assertEquals(List.of("inet cni_plugins_masquerade late"), names(chains().at(IpFamily.V6, Hook.FORWARD)));
    }
}
