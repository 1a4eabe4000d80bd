package io.pktpath.parser.iptables.match;

/**
 * A match the translation of a native nft rule keeps in nft's own words, having no iptables form with the kernel's
 * semantics ({@code limit}, {@code quota}, {@code ct count}): {@code text} is what nft printed.
 */
public interface NftExpression {
    /** The expression as nft printed it ({@code limit rate 2/second burst 3 packets}). */
    String text();
}
