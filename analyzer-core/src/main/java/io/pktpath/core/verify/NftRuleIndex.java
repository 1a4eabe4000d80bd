package io.pktpath.core.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of {@code nft -a list ruleset}, per table and chain in order, normalized (counters and handles removed) so
 * that a rule printed by {@code nft monitor trace} can be found again and given its 1-based position in its chain: the
 * position iptables-nft gives the same rule in {@code ip6tables-save}.
 */
final class NftRuleIndex {
    private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+");
    private static final Pattern HANDLE = Pattern.compile("#\\s*handle \\d+\\s*$");

    private final Map<String, List<String>> chains = new HashMap<>();

    private NftRuleIndex() {
    }

    /** Reads a ruleset listing; only {@code family} tables (e.g. {@code ip6}) are kept. */
    static NftRuleIndex parse(String text, String family) {
        NftRuleIndex index = new NftRuleIndex();
        String table = null;
        String chain = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("table ")) {
                String[] t = line.split("\\s+");
                table = t.length > 2 && t[1].equals(family) ? t[2] : null;
                chain = null;
            } else if (line.startsWith("chain ") && table != null) {
                chain = line.split("\\s+")[1];
                index.chains.put(table + " " + chain, new ArrayList<>());
            } else if (line.equals("}")) {
                chain = null;
            } else if (table != null && chain != null && HANDLE.matcher(line).find() && !line.startsWith("type ")) {
                index.chains.get(table + " " + chain).add(normalize(HANDLE.matcher(line).replaceFirst("")));
            }
        }
        return index;
    }

    /** Counters removed, whitespace collapsed. */
    static String normalize(String rule) {
        return COUNTER.matcher(rule).replaceAll("").strip().replaceAll("\\s+", " ");
    }

    /** The 1-based position of a traced rule in its chain, when the listing has exactly that rule. */
    Optional<Integer> position(String table, String chain, String tracedRule) {
        List<String> rules = chains.getOrDefault(table + " " + chain, List.of());
        String wanted = normalize(tracedRule);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).equals(wanted)) {
                return Optional.of(i + 1);
            }
        }
        return Optional.empty();
    }
}
