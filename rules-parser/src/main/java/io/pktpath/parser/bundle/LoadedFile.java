package io.pktpath.parser.bundle;

import java.nio.file.Path;

/** A bundle file read into memory with its recognized kind. */
record LoadedFile(String name, Path path, InputKind kind, String text) {
    /** True when a word of the file name (split on non-letters) equals {@code word}, e.g. "before" in iptables-save-c-before.txt. */
    boolean nameHas(String word) {
        for (String w : name.toLowerCase(java.util.Locale.ROOT).split("[^a-z0-9]+")) {
            if (w.equals(word)) {
                return true;
            }
        }
        return false;
    }

    /** True when the file name hints at IPv6 ({@code ip6tables}, {@code -6}, {@code ipv6}, {@code inet6}). */
    boolean nameHintsV6() {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.contains("ip6") || n.contains("ipv6") || n.contains("inet6") || nameHas("6");
    }
}
