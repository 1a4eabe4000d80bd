package io.pktpath.parser.linklayer;

import java.util.Locale;
import java.util.Objects;

/**
 * One ebtables or arptables rule as its file shows it: its 1-based position in its chain, the rule's text without the
 * {@code -A CHAIN} and counters, its target ({@code DROP}, {@code mark}, a user chain; {@code CONTINUE} when the rule
 * names none) and the line it was read from.
 */
public record LinkLayerRule(int position, String text, String target, int line) {
    public LinkLayerRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(target, "target");
    }

    /**
     * What the rule does to the frames it matches, in words ({@code drops}, {@code rewrites MAC addresses}, ...), or
     * empty when it lets them go on unchanged (ACCEPT, CONTINUE, RETURN, a log, a jump to one of {@code userChains},
     * whose own rules say what they do). A DROP in ebtables' broute table does not drop: it hands the frame to the IP
     * stack to be routed instead of bridged.
     */
    public String effect(LinkLayerTool tool, String table, java.util.Set<String> userChains) {
        if (userChains.contains(target)) {
            return "";
        }
        return switch (target.toUpperCase(Locale.ROOT)) {
            case "ACCEPT", "CONTINUE", "RETURN", "LOG", "NFLOG", "ULOG", "CLASSIFY" -> "";
            case "DROP" -> tool == LinkLayerTool.EBTABLES && table.equals("broute") ? "routes instead of bridging" : "drops";
            case "DNAT", "SNAT", "REDIRECT" -> "rewrites MAC addresses";
            case "MARK" -> "sets marks";
            case "ARPREPLY" -> "answers ARP requests itself";
            case "MANGLE" -> "rewrites ARP addresses";
            default -> "applies target " + target;
        };
    }
}
