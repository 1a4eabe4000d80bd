package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iptables.TargetArgs.Arg;
import io.pktpath.parser.iptables.target.*;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.net.PortRange;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code -j NAME [options]} / {@code -g CHAIN} into a typed {@link Target} (semantics §3.2 and §5.1). */
final class TargetParser {
    /** Targets iptables has that this model keeps verbatim; the value says whether they end the traversal. */
    private static final java.util.Map<String, Boolean> KNOWN_UNMODELED = java.util.Map.ofEntries(
            java.util.Map.entry("SYNPROXY", true),
            java.util.Map.entry("CLASSIFY", false), java.util.Map.entry("DSCP", false), java.util.Map.entry("TOS", false),
            java.util.Map.entry("TTL", false), java.util.Map.entry("HL", false), java.util.Map.entry("SECMARK", false),
            java.util.Map.entry("CONNSECMARK", false), java.util.Map.entry("AUDIT", false), java.util.Map.entry("LED", false),
            java.util.Map.entry("IDLETIMER", false), java.util.Map.entry("HMARK", false), java.util.Map.entry("TEE", false),
            java.util.Map.entry("ULOG", false), java.util.Map.entry("DNPT", false), java.util.Map.entry("SNPT", false),
            java.util.Map.entry("CLUSTERIP", false), java.util.Map.entry("RATEEST", false), java.util.Map.entry("ECN", false));

    private final LineContext ctx;
    private final IpFamily family;

    TargetParser(LineContext ctx, IpFamily family) {
        this.ctx = ctx;
        this.family = family;
    }

    /**
     * The target for {@code -j/-g NAME} where {@code NAME} is token {@code k} of {@code tokens} and its option tokens
     * start at {@code args}; a chain's name is looked up in place (and needs no parser instance).
     */
    static Target parse(LineContext ctx, IpFamily family, LineTokens tokens, int k, boolean jump, int args,
                        boolean shortcuts) throws LineError {
        boolean declared = ctx.checkDeclared(tokens, k);
        if (!jump || declared) {
            if (!jump && !declared) {
                throw new TargetParser(ctx, family).unknown(tokens.token(k));
            }
            if (args < tokens.size()) {
                throw unexpectedAfter(tokens.text(k), tokens.text(args), tokens.column(args));
            }
            String chain = ctx.shareChain(tokens, k);
            return jump ? new Jump(chain) : new Goto(chain);
        }
        if (shortcuts && args + 2 == tokens.size() && tokens.is(k, "DNAT") && tokens.is(args, "--to-destination")) {
            return dnat(ctx, tokens, args + 1);
        }
        return new TargetParser(ctx, family).builtin(tokens.token(k), tokens.tokens(args, tokens.size()));
    }

    /** {@code -j DNAT --to-destination R} as kube-proxy writes it (R is token {@code k}), as {@link #nat} reads it. */
    private static Target dnat(LineContext ctx, LineTokens tokens, int k) throws LineError {
        Optional<IpFamily> family = ctx.addresses().family();
        NatRange inPlace = tokens.quoted(k) || family.isEmpty() || family.get() != IpFamily.V4 ? null
                : InPlaceValues.v4HostPort(tokens.line(), tokens.start(k), tokens.end(k));
        if (inPlace != null) {
            return new Dnat(inPlace, false, false, false);
        }
        try {
            return new Dnat(NatRangeParser.parse(tokens.text(k), ctx.addresses()), false, false, false);
        } catch (InvalidValueException e) {
            throw new LineError(IptCode.IPT006, tokens.column(k), e.getMessage(), e.expected());
        }
    }

    /** The target for {@code -j NAME} (not a declared chain) followed by the option tokens {@code args}. */
    private Target builtin(Token name, List<Token> args) throws LineError {
        String n = name.text();
        try {
            return switch (n) {
                case "ACCEPT" -> noArgs(name, args, new Accept());
                case "DROP" -> noArgs(name, args, new Drop());
                case "RETURN" -> noArgs(name, args, new Return());
                case "QUEUE" -> noArgs(name, args, new Queue());
                case "NOTRACK" -> noArgs(name, args, new Notrack());
                case "TRACE" -> noArgs(name, args, new Trace());
                case "REJECT" -> reject(name, args);
                case "LOG" -> log(name, args);
                case "NFLOG" -> nflog(name, args);
                case "MARK" -> mark(name, args);
                case "CONNMARK" -> connmark(name, args);
                case "DNAT", "SNAT" -> nat(name, args);
                case "MASQUERADE", "REDIRECT" -> toPorts(name, args);
                case "NETMAP" -> netmap(name, args);
                case "CT" -> ct(name, args);
                case "NFQUEUE" -> nfqueue(name, args);
                case "CHECKSUM" -> checksum(name, args);
                case "TCPMSS" -> tcpmss(name, args);
                case "TPROXY" -> tproxy(name, args);
                case "SET" -> SetTargetParser.parse(ctx, name, args);
                default -> unmodeled(name, args);
            };
        } catch (InvalidValueException e) {
            throw new LineError(IptCode.IPT015, valueColumn(args, name), e.getMessage(), e.expected());
        }
    }

    private static int valueColumn(List<Token> args, Token name) {
        return args.isEmpty() ? name.column() : args.get(args.size() > 1 ? 1 : 0).column();
    }

    private LineError unknown(Token name) {
        return new LineError(IptCode.IPT009, name.column(),
                "'" + name.text() + "' is neither a chain of table '" + ctx.table() + "' nor a known target",
                "a built-in target (ACCEPT, DROP, REJECT, ...) or a chain declared with :" + name.text());
    }

    private void noArgs(Token name, List<Token> args) throws LineError {
        if (!args.isEmpty()) {
            throw unexpectedAfter(name.text(), args.get(0).text(), args.get(0).column());
        }
    }

    /** IPT015 for option text {@code extra} at {@code column} after target {@code target}, which takes no options. */
    private static LineError unexpectedAfter(String target, String extra, int column) {
        return new LineError(IptCode.IPT015, column, "unexpected '" + extra + "' after -j " + target,
                "the end of the rule");
    }

    private Target noArgs(Token name, List<Token> args, Target target) throws LineError {
        noArgs(name, args);
        return target;
    }

    private Target unmodeled(Token name, List<Token> args) throws LineError {
        Boolean terminating = KNOWN_UNMODELED.get(name.text());
        if (terminating == null) {
            throw unknown(name);
        }
        ctx.warn(IptCode.IPT103, name.column(), "target " + name.text() + " is not modeled; kept verbatim", "");
        return new UnsupportedTarget(name.text(), args.stream().map(Token::raw).toList(), terminating, true);
    }

    private Target unsupported(Token name, List<Token> args) {
        ctx.warn(IptCode.IPT103, name.column(), "target " + name.text() + " has options this model does not know; kept verbatim",
                "");
        return new UnsupportedTarget(name.text(), args.stream().map(Token::raw).toList(), false, true);
    }

    private Target reject(Token name, List<Token> args) throws LineError {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--reject-with"), Set.of());
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        Optional<Arg> with = TargetArgs.last(read.get(), "--reject-with");
        if (with.isEmpty()) {
            return new Reject(RejectWith.defaultFor(family), false);
        }
        Optional<RejectWith> parsed = RejectWith.parse(with.get().text());
        if (parsed.isEmpty()) {
            throw new LineError(IptCode.IPT015, with.get().value().get().column(),
                    "'" + with.get().text() + "' is not a REJECT type", "icmp-port-unreachable, tcp-reset, icmp6-adm-prohibited, ...");
        }
        return new Reject(parsed.get(), true);
    }

    private Target log(Token name, List<Token> args) throws LineError {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--log-prefix", "--log-level"), Set.copyOf(Log.FLAG_ORDER));
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        return new Log(TargetArgs.last(a, "--log-prefix").map(Arg::text), TargetArgs.last(a, "--log-level").map(Arg::text),
                a.stream().filter(x -> x.value().isEmpty()).map(Arg::name).toList());
    }

    private Target nflog(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args,
                Set.of("--nflog-prefix", "--nflog-group", "--nflog-size", "--nflog-range", "--nflog-threshold"), Set.of());
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        Optional<Integer> group = TargetArgs.last(a, "--nflog-group").map(x -> x.text()).map(NumberText::parseOrMinus);
        Optional<Long> size = TargetArgs.last(a, "--nflog-size", "--nflog-range").map(x -> (long) NumberText.parseOrMinus(x.text()));
        Optional<Integer> threshold = TargetArgs.last(a, "--nflog-threshold").map(x -> NumberText.parseOrMinus(x.text()));
        if (group.orElse(0) < 0 || size.orElse(0L) < 0 || threshold.orElse(0) < 0) {
            throw new InvalidValueException("NFLOG group, size and threshold must be decimal numbers", "a number such as 5");
        }
        return new Nflog(TargetArgs.last(a, "--nflog-prefix").map(Arg::text), group, size, threshold);
    }

    private static final Set<String> DNAT_OPTIONS = Set.of("--to-destination");
    private static final Set<String> SNAT_OPTIONS = Set.of("--to-source");
    private static final Set<String> NAT_FLAGS = Set.of("--random", "--random-fully", "--persistent");
    private static final Set<String> MARK_OPS = Set.of("--set-xmark", "--set-mark", "--and-mark", "--or-mark", "--xor-mark");

    private Target mark(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args, MARK_OPS, Set.of());
        if (read.isEmpty() || read.get().size() != 1) {
            return unsupported(name, args);
        }
        long[] vm = markOp(read.get().get(0));
        return new Mark(vm[0], vm[1], opOf(read.get().get(0).name()));
    }

    private static MarkOp opOf(String option) {
        return switch (option) {
            case "--set-mark" -> MarkOp.SET_MARK;
            case "--and-mark" -> MarkOp.AND_MARK;
            case "--or-mark" -> MarkOp.OR_MARK;
            case "--xor-mark" -> MarkOp.XOR_MARK;
            default -> MarkOp.SET_XMARK;
        };
    }

    /** The (value, mask) in xmark form for one MARK-style option. */
    private static long[] markOp(Arg arg) throws InvalidValueException {
        String text = arg.text();
        int slash = text.indexOf('/');
        long v = OptionKind.u32(slash < 0 ? text : text.substring(0, slash), text);
        long m = slash < 0 ? 0xffffffffL : OptionKind.u32(text.substring(slash + 1), text);
        return switch (arg.name()) {
            case "--set-mark" -> new long[] {v, (m | v) & 0xffffffffL};
            case "--and-mark" -> new long[] {0, ~v & 0xffffffffL};
            case "--or-mark" -> new long[] {v, v};
            case "--xor-mark" -> new long[] {v, 0};
            default -> new long[] {v, m};
        };
    }

    private Target connmark(Token name, List<Token> args) throws LineError, InvalidValueException {
        Set<String> withValue = new java.util.HashSet<>(MARK_OPS);
        withValue.addAll(Set.of("--nfmask", "--ctmask", "--mask"));
        Optional<List<Arg>> read = TargetArgs.read(args, withValue, Set.of("--save-mark", "--restore-mark"));
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        Optional<Arg> mask = TargetArgs.last(a, "--mask");
        long nf = mask.isPresent() ? OptionKind.u32(mask.get().text(), mask.get().text()) : 0xffffffffL;
        long ct = nf;
        Optional<Arg> nfArg = TargetArgs.last(a, "--nfmask");
        Optional<Arg> ctArg = TargetArgs.last(a, "--ctmask");
        nf = nfArg.isPresent() ? OptionKind.u32(nfArg.get().text(), nfArg.get().text()) : nf;
        ct = ctArg.isPresent() ? OptionKind.u32(ctArg.get().text(), ctArg.get().text()) : ct;
        if (TargetArgs.has(a, "--save-mark") || TargetArgs.has(a, "--restore-mark")) {
            Connmark.Mode mode = TargetArgs.has(a, "--save-mark") ? Connmark.Mode.SAVE : Connmark.Mode.RESTORE;
            return new Connmark(mode, 0, 0, nf, ct, MarkOp.SET_XMARK);
        }
        Optional<Arg> op = a.stream().filter(x -> MARK_OPS.contains(x.name())).reduce((x, y) -> y);
        if (op.isEmpty()) {
            return unsupported(name, args);
        }
        long[] vm = markOp(op.get());
        return new Connmark(Connmark.Mode.SET, vm[0], vm[1], nf, ct, opOf(op.get().name()));
    }

    private Target nat(Token name, List<Token> args) throws LineError, InvalidValueException {
        boolean dnat = name.text().equals("DNAT");
        String rangeOption = dnat ? "--to-destination" : "--to-source";
        Optional<List<Arg>> read = TargetArgs.read(args, dnat ? DNAT_OPTIONS : SNAT_OPTIONS, NAT_FLAGS);
        if (read.isEmpty() || TargetArgs.last(read.get(), rangeOption).isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        Arg range = TargetArgs.last(a, rangeOption).get();
        NatRange r;
        try {
            r = NatRangeParser.parse(range.text(), ctx.addresses());
        } catch (InvalidValueException e) {
            throw new LineError(IptCode.IPT006, range.value().get().column(), e.getMessage(), e.expected());
        }
        boolean random = TargetArgs.has(a, "--random");
        boolean fully = TargetArgs.has(a, "--random-fully");
        boolean persistent = TargetArgs.has(a, "--persistent");
        return name.text().equals("DNAT") ? new Dnat(r, random, fully, persistent) : new Snat(r, random, fully, persistent);
    }

    private Target toPorts(Token name, List<Token> args) throws LineError {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--to-ports"), Set.of("--random", "--random-fully"));
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        Optional<PortRange> ports = Optional.empty();
        Optional<Arg> p = TargetArgs.last(a, "--to-ports");
        if (p.isPresent()) {
            try {
                ports = Optional.of(PortRange.parse(p.get().text(), '-'));
            } catch (InvalidValueException e) {
                throw new LineError(IptCode.IPT007, p.get().value().get().column(), e.getMessage(), e.expected());
            }
        }
        boolean random = TargetArgs.has(a, "--random");
        boolean fully = TargetArgs.has(a, "--random-fully");
        return name.text().equals("MASQUERADE") ? new Masquerade(ports, random, fully) : new Redirect(ports, random, fully);
    }

    private Target netmap(Token name, List<Token> args) throws LineError {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--to"), Set.of());
        if (read.isEmpty() || TargetArgs.last(read.get(), "--to").isEmpty()) {
            return unsupported(name, args);
        }
        Arg to = TargetArgs.last(read.get(), "--to").get();
        try {
            return new Netmap(ctx.addresses().cidr(to.text()));
        } catch (InvalidValueException e) {
            throw new LineError(IptCode.IPT006, to.value().get().column(), e.getMessage(), e.expected());
        }
    }

    private Target ct(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args,
                Set.of("--helper", "--ctevents", "--expevents", "--zone", "--zone-orig", "--zone-reply", "--timeout"),
                Set.of("--notrack"));
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        Optional<Arg> zone = TargetArgs.last(a, "--zone", "--zone-orig", "--zone-reply");
        Optional<Ct.ZoneSpec> zoneSpec = Optional.empty();
        if (zone.isPresent()) {
            int z = NumberText.parseOrMinus(zone.get().text());
            if (z < 0 || z > 65535) {
                throw new InvalidValueException("'" + zone.get().text() + "' is not a conntrack zone", "a zone number 0-65535");
            }
            zoneSpec = Optional.of(new Ct.ZoneSpec(zone.get().name(), z));
        }
        return new Ct(TargetArgs.has(a, "--notrack"), TargetArgs.last(a, "--helper").map(Arg::text),
                TargetArgs.last(a, "--ctevents").map(Arg::text), TargetArgs.last(a, "--expevents").map(Arg::text), zoneSpec,
                TargetArgs.last(a, "--timeout").map(Arg::text));
    }

    private Target nfqueue(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--queue-num", "--queue-balance"),
                Set.of("--queue-bypass", "--queue-cpu-fanout"));
        if (read.isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        int num = 0;
        Optional<Integer> balanceTo = Optional.empty();
        Optional<Arg> balance = TargetArgs.last(a, "--queue-balance");
        if (balance.isPresent()) {
            PortRange r = PortRange.parse(balance.get().text());
            num = r.from();
            balanceTo = Optional.of(r.to());
        } else if (TargetArgs.has(a, "--queue-num")) {
            num = NumberText.parseOrMinus(TargetArgs.last(a, "--queue-num").get().text());
            if (num < 0 || num > 65535) {
                throw new InvalidValueException("bad queue number", "a queue number 0-65535");
            }
        }
        return new Nfqueue(num, balanceTo, TargetArgs.has(a, "--queue-bypass"), TargetArgs.has(a, "--queue-cpu-fanout"));
    }

    private Target checksum(Token name, List<Token> args) throws LineError {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of(), Set.of("--checksum-fill"));
        return read.isEmpty() ? unsupported(name, args) : new Checksum(TargetArgs.has(read.get(), "--checksum-fill"));
    }

    private Target tcpmss(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--set-mss"), Set.of("--clamp-mss-to-pmtu"));
        if (read.isEmpty() || read.get().size() != 1) {
            return unsupported(name, args);
        }
        Optional<Arg> mss = TargetArgs.last(read.get(), "--set-mss");
        if (mss.isPresent()) {
            int v = NumberText.parseOrMinus(mss.get().text());
            if (v < 0 || v > 65535) {
                throw new InvalidValueException("'" + mss.get().text() + "' is not an MSS", "a number 0-65535");
            }
            return new Tcpmss(Optional.of(v), false);
        }
        return new Tcpmss(Optional.empty(), true);
    }

    /** {@code --on-port} (required by iptables), {@code --on-ip} (default the family's zero address), {@code --tproxy-mark}. */
    private Target tproxy(Token name, List<Token> args) throws LineError, InvalidValueException {
        Optional<List<Arg>> read = TargetArgs.read(args, Set.of("--on-port", "--on-ip", "--tproxy-mark"), Set.of());
        if (read.isEmpty() || TargetArgs.last(read.get(), "--on-port").isEmpty()) {
            return unsupported(name, args);
        }
        List<Arg> a = read.get();
        int port = NumberText.parseOrMinus(TargetArgs.last(a, "--on-port").get().text());
        if (port < 0 || port > 65535) {
            throw new InvalidValueException("'" + TargetArgs.last(a, "--on-port").get().text() + "' is not a port",
                    "a port number 0-65535");
        }
        Optional<Arg> ip = TargetArgs.last(a, "--on-ip");
        IpAddress onIp = ip.isPresent() ? IpAddress.parse(ip.get().text(), family)
                : family == IpFamily.V4 ? IpAddress.v4(0) : IpAddress.v6(0, 0);
        Optional<Arg> mark = TargetArgs.last(a, "--tproxy-mark");
        long value = 0;
        long mask = 0;
        if (mark.isPresent()) {
            String text = mark.get().text();
            int slash = text.indexOf('/');
            value = OptionKind.u32(slash < 0 ? text : text.substring(0, slash), text);
            mask = slash < 0 ? 0xffffffffL : OptionKind.u32(text.substring(slash + 1), text);
        }
        return new Tproxy(port, onIp, value, mask);
    }

    /** Whether a rule with this target needs {@code -p} for its ports (checked for DNAT/SNAT). */
    static boolean hasNatPorts(Target t) {
        if (t instanceof Dnat d) {
            return d.range().ports().isPresent();
        }
        return t instanceof Snat s && s.range().ports().isPresent();
    }
}
