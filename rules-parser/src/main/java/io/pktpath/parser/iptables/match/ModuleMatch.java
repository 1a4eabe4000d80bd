package io.pktpath.parser.iptables.match;

import java.util.List;
import java.util.Optional;

/**
 * A match module ({@code -m NAME} and its options in written order). {@code implicit} is true for options that follow
 * no {@code -m} of their own: loaded implicitly by {@code -p tcp} etc., or continuing a module after an interrupting
 * basic option; such a record renders without the {@code -m NAME} prefix. All options of all records must hold.
 */
public sealed interface ModuleMatch extends Match permits
        TcpMatch,
        UdpMatch,
        SctpMatch,
        IcmpMatch,
        Icmp6Match,
        AddrtypeMatch,
        CommentMatch,
        ConntrackMatch,
        StateMatch,
        MarkMatch,
        ConnmarkMatch,
        StatisticMatch,
        NumgenMatch,
        NftLimitMatch,
        NftQuotaMatch,
        NftCountMatch,
        NftSetElementMatch,
        MultiportMatch,
        SetMatch,
        LimitMatch,
        RecentMatch,
        PhysdevMatch,
        PkttypeMatch,
        LengthMatch,
        TtlMatch,
        HlMatch,
        OwnerMatch,
        SocketMatch,
        RpfilterMatch,
        IprangeMatch,
        MacMatch,
        StringMatch,
        U32Match,
        HashlimitMatch,
        NfacctMatch,
        BpfMatch,
        ConnlimitMatch,
        TimeMatch,
        FragMatch {

    /** The module name as in {@code -m NAME}. */
    String module();

    /** The options in written order. */
    List<MatchOption> options();

    /** True if this record has no {@code -m NAME} of its own. */
    boolean implicit();

    /** The last option with this canonical name. */
    default Optional<MatchOption> option(String name) {
        return Options.find(options(), name);
    }
}
