package io.pktpath.core.findings;

/** The stable finding codes; each is documented in docs/findings.md. */
public final class Codes {
    public static final String RACE_UDP_INSERT = "RACE_UDP_INSERT";
    public static final String SNAT_PORT_COLLISION = "SNAT_PORT_COLLISION";
    public static final String SNAT_PORT_EXPOSURE = "SNAT_PORT_EXPOSURE";
    public static final String DROP_RULE = "DROP_RULE";
    public static final String REJECT = "REJECT";
    public static final String CONNECTION_REFUSED = "CONNECTION_REFUSED";
    public static final String FORWARD_POLICY_DROP = "FORWARD_POLICY_DROP";
    public static final String POLICY_DROP = "POLICY_DROP";
    public static final String NO_ROUTE = "NO_ROUTE";
    public static final String ROUTE_UNREACHABLE = "ROUTE_UNREACHABLE";
    public static final String ROUTE_PROHIBIT = "ROUTE_PROHIBIT";
    public static final String ROUTE_BLACKHOLE = "ROUTE_BLACKHOLE";
    public static final String NEIGHBOR_FAILED = "NEIGHBOR_FAILED";
    public static final String RP_FILTER = "RP_FILTER";
    public static final String FORWARDING_OFF = "FORWARDING_OFF";
    public static final String MARTIAN = "MARTIAN";
    public static final String INVALID_DROP = "INVALID_DROP";
    public static final String FRAGMENTS_DROPPED = "FRAGMENTS_DROPPED";
    public static final String BRIDGE_HAIRPIN_OFF = "BRIDGE_HAIRPIN_OFF";
    public static final String OUT_OF_WINDOW_RST = "OUT_OF_WINDOW_RST";
    public static final String SERVICE_NO_ENDPOINTS = "SERVICE_NO_ENDPOINTS";
    public static final String ETP_LOCAL_NO_ENDPOINT = "ETP_LOCAL_NO_ENDPOINT";
    public static final String LB_SOURCE_RANGE_DENIED = "LB_SOURCE_RANGE_DENIED";
    public static final String HAIRPIN_NO_MASQ = "HAIRPIN_NO_MASQ";
    public static final String BRIDGE_NF_OFF = "BRIDGE_NF_OFF";
    public static final String CONNTRACK_TABLE_FULL = "CONNTRACK_TABLE_FULL";
    public static final String ICMP_ERROR = "ICMP_ERROR";
    public static final String ICMP_FRAG_NEEDED = "ICMP_FRAG_NEEDED";
    public static final String UNANSWERED = "UNANSWERED";
    public static final String UNANSWERED_AT_END = "UNANSWERED_AT_END";
    public static final String SYN_RETRANSMIT = "SYN_RETRANSMIT";
    public static final String OVERLAY_RETRANSMIT = "OVERLAY_RETRANSMIT";
    public static final String REPLAY_MISMATCH = "REPLAY_MISMATCH";
    public static final String LEGACY_TABLES = "LEGACY_TABLES";
    public static final String PARTIAL_CAPTURE = "PARTIAL_CAPTURE";
    public static final String UNDECIDED_BRANCH = "UNDECIDED_BRANCH";
    public static final String NFT_NATIVE_CHAINS = "NFT_NATIVE_CHAINS";
    public static final String IPVS_NOT_REPLAYED = "IPVS_NOT_REPLAYED";
    public static final String EBTABLES_NOT_REPLAYED = "EBTABLES_NOT_REPLAYED";
    public static final String ARPTABLES_NOT_REPLAYED = "ARPTABLES_NOT_REPLAYED";
    public static final String CONNTRACK_EVENTS_DIFFER = "CONNTRACK_EVENTS_DIFFER";

    private Codes() {
    }
}
