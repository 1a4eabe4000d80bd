package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.Match;
import java.util.Objects;
import java.util.Optional;

/**
 * The expression an element of an nft dynamic set was created with ({@code limit}, {@code quota}, {@code ct count};
 * empty when the statement that created it had none) and who created it ({@code creator}: the rule and its statement),
 * as nft_dynset_new clones the creating statement's expression into the element and every later statement that finds
 * the element evaluates that one.
 */
public record NftElementExpression(Optional<Match> expression, String creator) {
    public NftElementExpression {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(creator, "creator");
    }
}
