package io.pktpath.parser.bundle;

import io.pktpath.parser.iproute.IpRuleJsonParser;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;

import java.util.stream.Collectors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether an {@code ip rule} listing is IPv4 or IPv6: by the first address in it; else by the file name
 * ({@code ip -6 rule}); else by the default rules, since only IPv4 has {@code 32767: from all lookup default}. An
 * {@code ip -j rule} listing is judged by the text lines of its rules.
 */
final class RuleFamily {
    private static final Pattern SELECTOR = Pattern.compile("\\b(?:from|to)\\s+([0-9a-fA-F.:]+)(?:/\\d+)?");

    private RuleFamily() {
    }

    static IpFamily of(LoadedFile f) {
        String text = f.kind() == InputKind.IP_RULE_JSON ? IpRuleJsonParser.parse(f.name(), f.text()).value().stream()
                .map(PolicyRule::text).collect(Collectors.joining("\n")) : f.text();
        Matcher m = SELECTOR.matcher(text);
        while (m.find()) {
            if (IpAddress.isAddress(m.group(1))) {
                return m.group(1).contains(":") ? IpFamily.V6 : IpFamily.V4;
            }
        }
        if (f.nameHintsV6()) {
            return IpFamily.V6;
        }
        boolean onlyDefaults = text.lines().map(String::strip).filter(l -> !l.isEmpty())
                .allMatch(l -> l.matches("(0|32766):\\s+from all lookup (local|main)"));
        return onlyDefaults && text.contains("32766:") ? IpFamily.V6 : IpFamily.V4;
    }
}
