package io.pktpath.parser.iptables;

import static io.pktpath.parser.iptables.OptionKind.ADDRESS;
import static io.pktpath.parser.iptables.OptionKind.ADDRESS_RANGE;
import static io.pktpath.parser.iptables.OptionKind.FLAG;
import static io.pktpath.parser.iptables.OptionKind.ICMP6_TYPE;
import static io.pktpath.parser.iptables.OptionKind.ICMP_TYPE;
import static io.pktpath.parser.iptables.OptionKind.IP;
import static io.pktpath.parser.iptables.OptionKind.MARK;
import static io.pktpath.parser.iptables.OptionKind.NUMBER;
import static io.pktpath.parser.iptables.OptionKind.NUMBER_RANGE;
import static io.pktpath.parser.iptables.OptionKind.PORTS;
import static io.pktpath.parser.iptables.OptionKind.PORT_LIST;
import static io.pktpath.parser.iptables.OptionKind.PROBABILITY;
import static io.pktpath.parser.iptables.OptionKind.RATE;
import static io.pktpath.parser.iptables.OptionKind.SET_REF;
import static io.pktpath.parser.iptables.OptionKind.TCP_FLAGS;
import static io.pktpath.parser.iptables.OptionKind.TEXT;
import static io.pktpath.parser.iptables.OptionKind.WORDS;

import io.pktpath.parser.iptables.match.*;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every modeled match module and its options (semantics §4.2); immutable after class initialization. */
final class ModuleRegistry {
    private static final Map<String, ModuleSpec> MODULES = Stream.of(
            new ModuleSpec("tcp", TcpMatch::new).option("--sport", PORTS).option("--dport", PORTS)
                    .option("--tcp-flags", TCP_FLAGS).option("--syn", FLAG).option("--tcp-option", NUMBER)
                    .alias("--source-port", "--sport").alias("--destination-port", "--dport"),
            new ModuleSpec("udp", UdpMatch::new).option("--sport", PORTS).option("--dport", PORTS)
                    .alias("--source-port", "--sport").alias("--destination-port", "--dport"),
            new ModuleSpec("sctp", SctpMatch::new).option("--sport", PORTS).option("--dport", PORTS)
                    .alias("--source-port", "--sport").alias("--destination-port", "--dport"),
            new ModuleSpec("icmp", IcmpMatch::new).option("--icmp-type", ICMP_TYPE),
            new ModuleSpec("icmp6", Icmp6Match::new).option("--icmpv6-type", ICMP6_TYPE),
            new ModuleSpec("addrtype", AddrtypeMatch::new).option("--src-type", WORDS).option("--dst-type", WORDS)
                    .option("--limit-iface-in", FLAG).option("--limit-iface-out", FLAG),
            new ModuleSpec("comment", CommentMatch::new).option("--comment", TEXT),
            new ModuleSpec("conntrack", ConntrackMatch::new).option("--ctstate", WORDS).option("--ctproto", TEXT)
                    .option("--ctorigsrc", ADDRESS).option("--ctorigdst", ADDRESS).option("--ctreplsrc", ADDRESS)
                    .option("--ctrepldst", ADDRESS).option("--ctorigsrcport", PORTS).option("--ctorigdstport", PORTS)
                    .option("--ctreplsrcport", PORTS).option("--ctrepldstport", PORTS).option("--ctstatus", WORDS)
                    .option("--ctexpire", NUMBER_RANGE).option("--ctdir", TEXT),
            new ModuleSpec("state", StateMatch::new).option("--state", WORDS),
            new ModuleSpec("mark", MarkMatch::new).option("--mark", MARK),
            new ModuleSpec("connmark", ConnmarkMatch::new).option("--mark", MARK),
            new ModuleSpec("statistic", StatisticMatch::new).option("--mode", TEXT).option("--probability", PROBABILITY)
                    .option("--every", NUMBER).option("--packet", NUMBER),
            new ModuleSpec("multiport", MultiportMatch::new).option("--sports", PORT_LIST).option("--dports", PORT_LIST)
                    .option("--ports", PORT_LIST).alias("--source-ports", "--sports").alias("--destination-ports", "--dports"),
            new ModuleSpec("set", SetMatch::new).option("--match-set", SET_REF).option("--return-nomatch", FLAG)
                    .option("--update-counters", FLAG).option("--update-subcounters", FLAG)
                    .option("--packets-gt", NUMBER).option("--packets-lt", NUMBER).option("--packets-eq", NUMBER)
                    .option("--bytes-gt", NUMBER).option("--bytes-lt", NUMBER).option("--bytes-eq", NUMBER)
                    .alias("--set", "--match-set"),
            new ModuleSpec("limit", LimitMatch::new).option("--limit", RATE).option("--limit-burst", NUMBER),
            new ModuleSpec("recent", RecentMatch::new).option("--name", TEXT).option("--set", FLAG).option("--rcheck", FLAG)
                    .option("--update", FLAG).option("--remove", FLAG).option("--seconds", NUMBER).option("--reap", FLAG)
                    .option("--hitcount", NUMBER).option("--rttl", FLAG).option("--mask", IP).option("--rsource", FLAG)
                    .option("--rdest", FLAG),
            new ModuleSpec("physdev", PhysdevMatch::new).option("--physdev-in", TEXT).option("--physdev-out", TEXT)
                    .option("--physdev-is-in", FLAG).option("--physdev-is-out", FLAG).option("--physdev-is-bridged", FLAG),
            new ModuleSpec("pkttype", PkttypeMatch::new).option("--pkt-type", TEXT),
            new ModuleSpec("length", LengthMatch::new).option("--length", NUMBER_RANGE),
            new ModuleSpec("ttl", TtlMatch::new).option("--ttl-eq", NUMBER).option("--ttl-gt", NUMBER).option("--ttl-lt", NUMBER),
            new ModuleSpec("hl", HlMatch::new).option("--hl-eq", NUMBER).option("--hl-gt", NUMBER).option("--hl-lt", NUMBER),
            new ModuleSpec("owner", OwnerMatch::new).option("--uid-owner", TEXT).option("--gid-owner", TEXT)
                    .option("--socket-exists", FLAG).option("--suppl-groups", FLAG),
            new ModuleSpec("socket", SocketMatch::new).option("--transparent", FLAG).option("--nowildcard", FLAG)
                    .option("--restore-skmark", FLAG),
            new ModuleSpec("rpfilter", RpfilterMatch::new).option("--loose", FLAG).option("--validmark", FLAG)
                    .option("--accept-local", FLAG).option("--invert", FLAG),
            new ModuleSpec("iprange", IprangeMatch::new).option("--src-range", ADDRESS_RANGE).option("--dst-range", ADDRESS_RANGE),
            new ModuleSpec("mac", MacMatch::new).option("--mac-source", TEXT),
            new ModuleSpec("string", StringMatch::new).option("--string", TEXT).option("--hex-string", TEXT)
                    .option("--algo", TEXT).option("--from", NUMBER).option("--to", NUMBER).option("--icase", FLAG),
            new ModuleSpec("u32", U32Match::new).option("--u32", TEXT),
            new ModuleSpec("hashlimit", HashlimitMatch::new).option("--hashlimit-upto", TEXT).option("--hashlimit-above", TEXT)
                    .option("--hashlimit-burst", NUMBER).option("--hashlimit-mode", WORDS)
                    .option("--hashlimit-srcmask", NUMBER).option("--hashlimit-dstmask", NUMBER)
                    .option("--hashlimit-name", TEXT).option("--hashlimit-htable-size", NUMBER)
                    .option("--hashlimit-htable-max", NUMBER).option("--hashlimit-htable-expire", NUMBER)
                    .option("--hashlimit-htable-gcinterval", NUMBER).option("--hashlimit", TEXT)
                    .option("--hashlimit-rate-match", FLAG).option("--hashlimit-rate-interval", NUMBER),
            new ModuleSpec("nfacct", NfacctMatch::new).option("--nfacct-name", TEXT),
            new ModuleSpec("bpf", BpfMatch::new).option("--bytecode", TEXT).option("--object-pinned", TEXT),
            new ModuleSpec("connlimit", ConnlimitMatch::new).option("--connlimit-upto", NUMBER)
                    .option("--connlimit-above", NUMBER).option("--connlimit-mask", NUMBER)
                    .option("--connlimit-saddr", FLAG).option("--connlimit-daddr", FLAG),
            new ModuleSpec("time", TimeMatch::new).option("--timestart", TEXT).option("--timestop", TEXT)
                    .option("--days", WORDS).option("--weekdays", WORDS).option("--datestart", TEXT).option("--datestop", TEXT)
                    .option("--monthdays", WORDS).option("--kerneltz", FLAG).option("--localtz", FLAG).option("--utc", FLAG)
                    .option("--contiguous", FLAG),
            new ModuleSpec("frag", FragMatch::new).option("--fragid", NUMBER_RANGE).option("--fraglen", NUMBER)
                    .option("--fragres", FLAG).option("--fragfirst", FLAG).option("--fragmore", FLAG).option("--fraglast", FLAG)
    ).collect(Collectors.toUnmodifiableMap(ModuleSpec::name, Function.identity()));

    /** {@link #MODULES} with each spec wrapped once, so a lookup allocates nothing. */
    private static final Map<String, Optional<ModuleSpec>> FOUND = MODULES.values().stream()
            .collect(Collectors.toUnmodifiableMap(ModuleSpec::name, Optional::of));

    private ModuleRegistry() {
    }

    static Optional<ModuleSpec> module(String name) {
        return FOUND.getOrDefault(name, Optional.empty());
    }

    /** The module {@code -p NAME} loads implicitly, if any ({@code -p tcp --dport 80}). */
    static Optional<ModuleSpec> implicitFor(int protocol) {
        return switch (protocol) {
            case 6 -> module("tcp");
            case 17 -> module("udp");
            case 1 -> module("icmp");
            case 58 -> module("icmp6");
            case 132 -> module("sctp");
            default -> Optional.empty();
        };
    }
}
