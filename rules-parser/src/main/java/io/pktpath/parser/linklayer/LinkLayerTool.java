package io.pktpath.parser.linklayer;

import java.util.List;
import java.util.Map;

/** The two link-layer rule tools a node bundle may hold: ebtables (bridge frames) and arptables (ARP packets). */
public enum LinkLayerTool {
    EBTABLES("ebtables", Map.of("filter", List.of("INPUT", "FORWARD", "OUTPUT"),
            "nat", List.of("PREROUTING", "OUTPUT", "POSTROUTING"), "broute", List.of("BROUTING"))),
    ARPTABLES("arptables", Map.of("filter", List.of("INPUT", "FORWARD", "OUTPUT")));

    private final String command;
    private final Map<String, List<String>> builtinChains;

    LinkLayerTool(String command, Map<String, List<String>> builtinChains) {
        this.command = command;
        this.builtinChains = builtinChains;
    }

    /** The command's name, as a report names the rules ({@code ebtables filter FORWARD}). */
    public String command() {
        return command;
    }

    /** Whether {@code chain} is one of {@code table}'s built-in (hooked) chains. */
    public boolean builtin(String table, String chain) {
        return builtinChains.getOrDefault(table, List.of()).contains(chain);
    }
}
