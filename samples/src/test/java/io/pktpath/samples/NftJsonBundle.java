package io.pktpath.samples;

import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.bundle.BundleInput;
import io.pktpath.parser.bundle.BundleLoader;
import io.pktpath.parser.iptables.RuleRenderer;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A recorded bundle read without its {@code nft list ruleset} text, so that its native tables come from
 * {@code nft -j list ruleset}, and the replayed native rules of a bundle as iptables-save lines, to compare both readings.
 */
final class NftJsonBundle {
    private NftJsonBundle() {
    }

    /** Every file of {@code dir} but nft-ruleset.txt, loaded as one bundle. */
    static Bundle load(Path dir) throws IOException {
        List<BundleInput> inputs = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> !f.getFileName().toString().equals("nft-ruleset.txt")).sorted()
                    .forEach(f -> inputs.add(new BundleInput(f, f.getFileName().toString(), Optional.empty())));
        }
        return BundleLoader.loadFiles(inputs);
    }

    /** The IPv4 rules of every replayed native chain of {@code bundle}, rendered in table and chain order. */
    static List<String> v4Rules(Bundle bundle) {
        return bundle.nftReplay().ruleset(IpFamily.V4).tables().stream().flatMap(t -> t.chains().stream())
                .flatMap(c -> c.rules().stream()).map(RuleRenderer::render).toList();
    }
}
