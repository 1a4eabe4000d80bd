package io.pktpath.parser.iproute;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The DS field (TOS) names {@code ip rule} prints instead of numbers, from the {@code rt_dsfield} file iproute2 ships:
 * the DSCP class names of current releases ({@code CS1}, {@code AF11}, {@code EF}, ...) and the RFC 1349 names of
 * older ones ({@code lowdelay}, {@code throughput}, ...).
 */
final class DsfieldNames {
    private static final Map<String, Integer> VALUES = Map.ofEntries(
            Map.entry("default", 0x00),
            Map.entry("af11", 0x28), Map.entry("af12", 0x30), Map.entry("af13", 0x38),
            Map.entry("af21", 0x48), Map.entry("af22", 0x50), Map.entry("af23", 0x58),
            Map.entry("af31", 0x68), Map.entry("af32", 0x70), Map.entry("af33", 0x78),
            Map.entry("af41", 0x88), Map.entry("af42", 0x90), Map.entry("af43", 0x98),
            Map.entry("cs1", 0x20), Map.entry("cs2", 0x40), Map.entry("cs3", 0x60), Map.entry("cs4", 0x80),
            Map.entry("cs5", 0xa0), Map.entry("cs6", 0xc0), Map.entry("cs7", 0xe0), Map.entry("ef", 0xb8),
            Map.entry("lowdelay", 0x10), Map.entry("throughput", 0x08), Map.entry("reliability", 0x04),
            Map.entry("mincost", 0x02), Map.entry("priority", 0x20), Map.entry("immediate", 0x40),
            Map.entry("flash", 0x60), Map.entry("flash-override", 0x80), Map.entry("critical", 0xa0),
            Map.entry("internet", 0xc0), Map.entry("network", 0xe0));

    private DsfieldNames() {
    }

    /** The value of a DS field name, or empty when {@code word} is not one. */
    static Optional<Integer> value(String word) {
        return Optional.ofNullable(VALUES.get(word.toLowerCase(Locale.ROOT)));
    }
}
