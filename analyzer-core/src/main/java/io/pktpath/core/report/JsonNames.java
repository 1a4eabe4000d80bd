package io.pktpath.core.report;

import com.fasterxml.jackson.core.io.SerializedString;

/** The field names of the JSON lines contract (docs/jsonl.md), each quoted and escaped once for every frame's writing. */
final class JsonNames {
    static final SerializedString ADDRESS = new SerializedString("address");
    static final SerializedString AFTER = new SerializedString("after");
    static final SerializedString ALTERNATIVES = new SerializedString("alternatives");
    static final SerializedString BEFORE = new SerializedString("before");
    static final SerializedString CHAIN = new SerializedString("chain");
    static final SerializedString CHECK = new SerializedString("check");
    static final SerializedString CHOICE = new SerializedString("choice");
    static final SerializedString HAPPENED = new SerializedString("happened");
    static final SerializedString CONNTRACK = new SerializedString("conntrack");
    static final SerializedString CORRELATED = new SerializedString("correlated");
    static final SerializedString FRAGMENTS = new SerializedString("fragments");
    static final SerializedString REASSEMBLED = new SerializedString("reassembled");
    static final SerializedString CREATED = new SerializedString("created");
    static final SerializedString DECIDED_BY = new SerializedString("decidedBy");
    static final SerializedString DECISION = new SerializedString("decision");
    static final SerializedString DELIVERABLE = new SerializedString("deliverable");
    static final SerializedString ARP_RULE = new SerializedString("arpRule");
    static final SerializedString ANSWERED = new SerializedString("answered");
    static final SerializedString DETAIL = new SerializedString("detail");
    static final SerializedString DEV = new SerializedString("dev");
    static final SerializedString DIR = new SerializedString("dir");
    static final SerializedString DIRECTION = new SerializedString("direction");
    static final SerializedString DISPOSITION = new SerializedString("disposition");
    static final SerializedString DPORT = new SerializedString("dport");
    static final SerializedString DST = new SerializedString("dst");
    static final SerializedString EFFECTS = new SerializedString("effects");
    static final SerializedString ENCAPSULATION = new SerializedString("encapsulation");
    static final SerializedString FAILED_MATCH = new SerializedString("failedMatch");
    static final SerializedString FAMILY = new SerializedString("family");
    static final SerializedString FLOW = new SerializedString("flow");
    static final SerializedString FRAME = new SerializedString("frame");
    static final SerializedString HOOK = new SerializedString("hook");
    static final SerializedString ICMP_CODE = new SerializedString("icmpCode");
    static final SerializedString ICMP_TYPE = new SerializedString("icmpType");
    static final SerializedString IFACE = new SerializedString("iface");
    static final SerializedString REDIRECT = new SerializedString("redirect");
    static final SerializedString GATEWAY = new SerializedString("gateway");
    static final SerializedString DROPPED = new SerializedString("dropped");
    static final SerializedString INFO = new SerializedString("info");
    static final SerializedString IP_ID = new SerializedString("ipId");
    static final SerializedString KIND = new SerializedString("kind");
    static final SerializedString LEN = new SerializedString("len");
    static final SerializedString LINE = new SerializedString("line");
    static final SerializedString COLUMN = new SerializedString("column");
    static final SerializedString LOOKUP = new SerializedString("lookup");
    static final SerializedString MASQUERADE = new SerializedString("masquerade");
    static final SerializedString MISSES = new SerializedString("misses");
    static final SerializedString NAT = new SerializedString("nat");
    static final SerializedString NOTES = new SerializedString("notes");
    static final SerializedString PACKET_VALUE = new SerializedString("packetValue");
    static final SerializedString PASSED = new SerializedString("passed");
    static final SerializedString PATH = new SerializedString("path");
    static final SerializedString PREFIX = new SerializedString("prefix");
    static final SerializedString PROBABILITY = new SerializedString("probability");
    static final SerializedString PROTO = new SerializedString("proto");
    static final SerializedString REASON = new SerializedString("reason");
    static final SerializedString ROLE = new SerializedString("role");
    static final SerializedString ROUTE = new SerializedString("route");
    static final SerializedString RULE = new SerializedString("rule");
    static final SerializedString RULE_PRIORITY = new SerializedString("rulePriority");
    static final SerializedString RULE_TEXT = new SerializedString("ruleText");
    static final SerializedString SPORT = new SerializedString("sport");
    static final SerializedString SRC = new SerializedString("src");
    static final SerializedString STATE = new SerializedString("state");
    static final SerializedString STEPS = new SerializedString("steps");
    static final SerializedString TABLE = new SerializedString("table");
    static final SerializedString BACKEND = new SerializedString("backend");
    static final SerializedString TABLES = new SerializedString("tables");
    static final SerializedString TCP_FLAGS = new SerializedString("tcpFlags");
    static final SerializedString TEXT = new SerializedString("text");
    static final SerializedString TIME = new SerializedString("time");
    static final SerializedString TUNNEL = new SerializedString("tunnel");
    static final SerializedString TYPE = new SerializedString("type");
    static final SerializedString VERDICT = new SerializedString("verdict");
    static final SerializedString VIA = new SerializedString("via");

    private JsonNames() {
    }
}
