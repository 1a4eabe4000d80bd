package io.pktpath.parser.iproute;

import io.pktpath.parser.diag.Diagnostics;
import io.pktpath.parser.diag.LineError;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.json.JsonValue;
import io.pktpath.parser.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code ip -j [-6] [-d] rule [show]} JSON into the same {@link PolicyRule} model as {@link IpRuleParser}:
 * each object's members ({@code priority}, {@code not}, {@code src}/{@code srclen}, {@code fwmark}/{@code fwmask},
 * {@code uid_start}/{@code uid_end}, {@code sport_start}/{@code sport_end}, {@code table}, {@code goto},
 * {@code action}, ...) are read as the words of the text line iproute2 prints for the rule, which becomes the rule's
 * text. The family comes from the caller or the first address (IPv4 when there is none); a bad rule becomes one
 * diagnostic at the JSON value at fault and is skipped.
 */
public final class IpRuleJsonParser {
    private IpRuleJsonParser() {
    }

    public static Parsed<List<PolicyRule>> parse(String fileName, String text) {
        return parse(fileName, text, Optional.empty());
    }

    public static Parsed<List<PolicyRule>> parse(String fileName, String text, IpFamily family) {
        return parse(fileName, text, Optional.of(family));
    }

    private static Parsed<List<PolicyRule>> parse(String fileName, String text, Optional<IpFamily> family) {
        Diagnostics diags = new Diagnostics();
        List<JsonValue.JsonObject> objects = JsonInput.objects(fileName, text, diags);
        IpFamily fileFamily = family.orElseGet(() -> inferFamily(objects));
        List<PolicyRule> out = new ArrayList<>();
        for (JsonValue.JsonObject o : objects) {
            Optional<String> unknown = o.members().keySet().stream().filter(k -> !RuleJsonWords.MEMBERS.contains(k))
                    .findFirst();
            if (unknown.isPresent()) {
                JsonValue at = o.members().get(unknown.get());
                diags.error("unknown-keyword", "unknown ip -j rule member '" + unknown.get() + "'", "members such as"
                        + " priority, src, dst, fwmark, iif, oif, ipproto, dport, table, goto, action",
                        JsonInput.span(fileName, at), JsonInput.lineAt(text, at.line()));
                continue;
            }
            if (!(o.get("priority").orElse(null) instanceof JsonValue.JsonNumber)) {
                JsonValue at = o.get("priority").orElse(o);
                diags.error("bad-priority", "rule without a numeric 'priority'", "\"priority\": N",
                        JsonInput.span(fileName, at), JsonInput.lineAt(text, at.line()));
                continue;
            }
            RuleJsonWords words = RuleJsonWords.of(o);
            SourceSpan span = JsonInput.span(fileName, o);
            try {
                out.add(RuleLineReader.read(new TokenCursor(words.tokens(), words.text().length() + 1), fileFamily, span,
                        words.text()));
            } catch (LineError e) {
                JsonValue at = words.sourceAt(e.column()).orElse(o);
                boolean noAction = e.code().equals("missing-action");
                diags.error(e.code(), noAction ? "rule has no action member" : e.getMessage(), noAction
                        ? "\"table\", \"goto\", \"nop\", \"l3mdev\" or \"action\"" : e.expected(),
                        JsonInput.span(fileName, at), JsonInput.lineAt(text, at.line()));
            }
        }
        return new Parsed<>(List.copyOf(out), diags.toList());
    }

    private static IpFamily inferFamily(List<JsonValue.JsonObject> objects) {
        for (JsonValue.JsonObject o : objects) {
            for (String key : List.of("src", "dst")) {
                Optional<String> a = o.string(key).filter(s -> !s.equals("all"));
                if (a.isPresent()) {
                    return a.get().contains(":") ? IpFamily.V6 : IpFamily.V4;
                }
            }
        }
        return IpFamily.V4;
    }
}
