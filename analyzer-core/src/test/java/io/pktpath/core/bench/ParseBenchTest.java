package io.pktpath.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pktpath.core.findings.SampleBundles;
import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The parse benchmark's median, which it prints beside the best run because this machine's speed varies, and how it
 * tells an nft listing (parsed, then translated) from an iptables-save dump.
 */
class ParseBenchTest {

    @Test
    void anOddCountTakesTheMiddleRunWhateverTheOrder() {
        assertEquals(1_200, ParseBench.median(new long[] {1_900, 700, 1_200, 1_500, 800}));
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwo() {
        assertEquals(1_050.0, ParseBench.median(new long[] {1_300, 900, 800, 1_200}));
        assertEquals(5.0, ParseBench.median(new long[] {5}));
    }

    @Test
    void theRunsGivenAreLeftInTheirOrder() {
        long[] runs = {3, 1, 2};
        ParseBench.median(runs);
        assertEquals(3, runs[0]);
    }

    @Test
    void anNftListingIsToldFromAnIptablesDumpByItsFirstLine() throws IOException {
        assertTrue(ParseBench.isNftListing(Files.readString(
                SampleBundles.sample("nft-kube-proxy").resolve("nft-ruleset.txt"))));
        assertFalse(ParseBench.isNftListing(Files.readString(
                SampleBundles.sample("nft-kube-proxy").resolve("iptables-save.txt"))));
        assertFalse(ParseBench.isNftListing(Files.readString(
                SampleBundles.sample("clusterip-tcp").resolve("iptables-save.txt"))));
        assertTrue(ParseBench.isNftListing("# written by nft\n\ntable inet filter {\n}\n"));
        assertFalse(ParseBench.isNftListing(""));
    }
}
