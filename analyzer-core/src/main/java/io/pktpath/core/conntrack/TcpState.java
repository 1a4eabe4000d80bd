package io.pktpath.core.conntrack;

/** The conntrack TCP states as {@code conntrack -L} prints them (nf_conntrack_proto_tcp.c), with their timeout sysctl. */
public enum TcpState {
    NONE("tcp_timeout_close"),
    SYN_SENT("tcp_timeout_syn_sent"),
    SYN_RECV("tcp_timeout_syn_recv"),
    ESTABLISHED("tcp_timeout_established"),
    FIN_WAIT("tcp_timeout_fin_wait"),
    CLOSE_WAIT("tcp_timeout_close_wait"),
    LAST_ACK("tcp_timeout_last_ack"),
    TIME_WAIT("tcp_timeout_time_wait"),
    CLOSE("tcp_timeout_close"),
    SYN_SENT2("tcp_timeout_syn_sent");

    private static final TcpState[] BY_ORDINAL = values();

    private final String timeoutSysctl;

    TcpState(String timeoutSysctl) {
        this.timeoutSysctl = timeoutSysctl;
    }

    /** The state of ordinal {@code ordinal} (without the copy {@code values()} makes). */
    public static TcpState of(int ordinal) {
        return BY_ORDINAL[ordinal];
    }

    /** The short sysctl name ({@code net.netfilter.nf_conntrack_} omitted) holding this state's timeout. */
    public String timeoutSysctl() {
        return timeoutSysctl;
    }
}
