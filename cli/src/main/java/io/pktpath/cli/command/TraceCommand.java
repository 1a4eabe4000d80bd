package io.pktpath.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.cli.CliException;
import io.pktpath.cli.Command;
import io.pktpath.cli.CommonOptions;
import io.pktpath.cli.Context;
import io.pktpath.cli.ExitCode;
import io.pktpath.cli.filter.FrameFilter;
import io.pktpath.cli.input.BundleSource;
import io.pktpath.cli.input.LoadedInput;
import io.pktpath.cli.render.Labels;
import io.pktpath.cli.render.Style;
import io.pktpath.cli.render.TraceText;
import io.pktpath.core.analysis.SyntheticNode;
import io.pktpath.core.analysis.SyntheticTracer;
import io.pktpath.core.analysis.TraceOutcome;
import io.pktpath.core.analysis.TraceRequest;
import io.pktpath.core.report.TraceJson;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.diag.InvalidValueException;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.net.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code pktpath trace}: a made-up first packet of a connection through a node, every random branch with its probability. */
public final class TraceCommand implements Command {
    private static final int LIMIT = 256;
    private static final String RULES_LEGACY = "rules-legacy";
    private static final String RULES6_LEGACY = "rules6-legacy";

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public String arguments() {
        return "(--rules FILE [--rules-legacy FILE] [--rules6-legacy FILE] [--local-ip IP ...] | BUNDLE) [--nft-first]"
                + " --src IP --dst IP --proto P --dport N";
    }

    @Override
    public String summary() {
        return "trace a made-up packet through the rules (or a bundle's node): every branch with its probability";
    }

    @Override
    public String examples() {
        return """
                  pktpath trace --rules iptables-save.txt --src 10.244.1.2 --dst 10.96.0.10 --proto tcp --dport 80
                  pktpath trace --rules kube.txt --local-ip 172.18.0.2 --src 1.2.3.4 --dst 172.18.0.2 --proto tcp --dport 30080
                  pktpath trace samples/bundles/docker-publish --in eth0 --src 172.18.0.1 --dst 172.18.0.2 --proto tcp --dport 8080
                  pktpath trace bundle/ --local --src 10.0.0.5 --dst 8.8.8.8 --proto udp --dport 53 --format json
                  pktpath trace --rules nft-save.txt --rules-legacy legacy-save.txt --src 10.244.1.2 --dst 10.96.0.10 --proto tcp --dport 80
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        return Args.with(o, Args.format("text", "json"),
                Option.builder().longOpt("rules").hasArg().argName("FILE").desc("an iptables-save dump alone: a node is made up around it").build(),
                Option.builder().longOpt(RULES_LEGACY).hasArg().argName("FILE").desc("with --rules from iptables-nft: the"
                        + " node's iptables-legacy-save dump (IPv4), replayed beside it, the legacy table first at each"
                        + " hook and equal priority unless --nft-first").build(),
                Option.builder().longOpt(RULES6_LEGACY).hasArg().argName("FILE").desc("with --rules: the node's"
                        + " ip6tables-legacy-save dump (IPv6), replayed beside it as --rules-legacy is").build(),
                Option.builder().longOpt("local-ip").hasArg().argName("IP").desc("an address of the made-up node (repeatable)").build(),
                Option.builder().longOpt("src").hasArg().argName("IP").desc("source address").build(),
                Option.builder().longOpt("dst").hasArg().argName("IP").desc("destination address").build(),
                Option.builder().longOpt("proto").hasArg().argName("P").desc("tcp, udp, icmp, ipv6-icmp, sctp or a number").build(),
                Option.builder().longOpt("dport").hasArg().argName("N").desc("destination port (ICMP: unused)").build(),
                Option.builder().longOpt("sport").hasArg().argName("N").desc("source port (default 40000; ICMP: the echo id)").build(),
                Option.builder().longOpt("in").hasArg().argName("IFACE").desc("interface the packet enters on (default eth0 for --rules)").build(),
                Option.builder().longOpt("local").desc("the packet is sent by the node itself (replayed from OUTPUT)").build(),
                io.pktpath.cli.input.BundleOptions.nftFirst(), io.pktpath.cli.input.BundleOptions.netns());
    }

    @Override
    public int run(CommandLine line, Context ctx) throws CliException {
        List<String> args = Args.positional(line, name(), 0, "BUNDLE");
        String format = Args.format(line, name(), "text", "json");
        if (line.hasOption("in") && line.hasOption("local")) {
            throw CliException.usage("trace: give --in IFACE or --local, not both");
        }
        IpAddress src = address(line, "src");
        IpAddress dst = address(line, "dst");
        if (src.family() != dst.family()) {
            throw CliException.usage("trace: --src " + src + " and --dst " + dst + " are of different IP families");
        }
        int proto = FrameFilter.proto(required(line, "proto"));
        boolean ports = proto == 6 || proto == 17 || proto == 132 || proto == 136 || proto == 33;
        int dport = ports ? Args.integer(line, "dport", -1, 65535) : Args.integer(line, "dport", 0, 65535);
        if (dport < 0) {
            throw CliException.usage("trace: missing --dport N (needed for " + line.getOptionValue("proto") + ")");
        }
        int sport = Args.integer(line, "sport", ports ? 40000 : 1, 65535);
        Node node = node(line, args, ctx);
        try (node) {
            String in = line.hasOption("local") ? "" : line.getOptionValue("in", node.defaultIn());
            if (!in.isEmpty() && node.interfaces().size() > 0 && !node.interfaces().contains(in)) {
                throw CliException.usage("trace: --in " + in + ": the node has no such interface (it has "
                        + String.join(", ", node.interfaces()) + ")");
            }
            SyntheticTracer tracer = new SyntheticTracer(node.bundle());
            List<String> notes = new ArrayList<>(node.notes());
            if (in.isEmpty() && !line.hasOption("local")) {
                SyntheticTracer.Arrival arrival = tracer.arrivalOf(src).orElseThrow(() -> CliException.usage(
                        "trace: say where the packet enters: --in IFACE (the node has " + String.join(", ",
                                node.interfaces()) + ") or --local for a packet the node sends" + (tracer.isLocal(src)
                                ? " (--src " + src + " is an address of this node)" : " (no route of the node leads"
                                + " back to " + src + ", so it cannot tell)")));
                in = arrival.iface();
                notes.add("entered on " + in + ", where the node's route back to " + src + " leads ("
                        + Labels.route(arrival.route()) + "); --in IFACE for another interface");
            }
            List<TraceOutcome> outcomes = tracer.trace(new TraceRequest(src, dst, proto, sport, dport, in), LIMIT);
            if (format.equals("json")) {
                ctx.out().println(json(outcomes, notes).toPrettyString());
            } else {
                TraceText.render(new TraceRequest(src, dst, proto, sport, dport, in), outcomes, notes,
                        new Style(ctx.terminal().colorOut() && !line.hasOption(CommonOptions.NO_COLOR)), ctx.out());
            }
            return ExitCode.OK;
        }
    }

    /** The node traced through: a made-up one around a rules file, or a bundle's. */
    private record Node(Bundle bundle, List<String> notes, String defaultIn, List<String> interfaces,
                        Optional<LoadedInput> input) implements AutoCloseable {

        @Override
        public void close() {
            input.ifPresent(LoadedInput::close);
        }
    }

    private static Node node(CommandLine line, List<String> args, Context ctx) throws CliException {
        if (line.hasOption("rules") == !args.isEmpty()) {
            throw CliException.usage("trace: give either --rules FILE (a node is made up around it) or a BUNDLE");
        }
        if (line.hasOption(io.pktpath.cli.input.BundleOptions.NETNS) && line.hasOption("rules")) {
            throw CliException.usage("trace: --netns reads a BUNDLE (an sosreport) as one of its network namespaces;"
                    + " it does not apply with --rules");
        }
        if (line.hasOption("rules")) {
            Path rules = Path.of(line.getOptionValue("rules"));
            if (!Files.isRegularFile(rules) || !Files.isReadable(rules)) {
                throw CliException.input("--rules " + rules + ": no such readable file (expected an iptables-save dump)");
            }
            List<IpAddress> local = new ArrayList<>();
            for (String ip : Optional.ofNullable(line.getOptionValues("local-ip")).orElse(new String[0])) {
                local.add(parse(ip, "--local-ip"));
            }
            List<io.pktpath.parser.bundle.BundleInput> legacy = BundleSource.legacyDumps(line);
            SyntheticNode.Made made = SyntheticNode.make(rules, legacy, local, true);
            made.bundle().diagnostics().forEach(d -> ctx.err().println(d.format()));
            if (!legacy.isEmpty() && made.bundle().rulesetV4().isEmpty() && made.bundle().rulesetV6().isEmpty()
                    && !made.bundle().legacy().isEmpty()) {
                throw CliException.input("--rules " + rules + ": an iptables-legacy dump too (its '# Generated by' line"
                        + " has no '(nf_tables)'); --rules-legacy names the legacy dump beside an iptables-nft one");
            }
            if (made.bundle().rulesetV4().isEmpty() && made.bundle().rulesetV6().isEmpty()) {
                // the loader tells an emptied file (its inventory says so), as it does for a bundle's files
                boolean empty = made.bundle().inventory().ignored().stream()
                        .anyMatch(i -> i.empty() && i.file().equals(String.valueOf(rules.getFileName())));
                throw CliException.input("--rules " + rules + (empty ? ": empty file" : ": not an iptables-save dump")
                        + " (expected *filter/*nat"
                        + " tables with -A rules, as iptables-save prints them)");
            }
            if (!legacy.isEmpty() && made.bundle().legacy().isEmpty()) {
                throw CliException.input("--rules-legacy/--rules6-legacy: " + legacy.stream().map(i -> i.path()
                        .toString()).collect(java.util.stream.Collectors.joining(", ")) + ": no iptables-legacy rules"
                        + " beside --rules " + rules + " (expected an iptables-legacy-save dump of the same node as"
                        + " --rules, whose dump comes from iptables-nft)");
            }
            Bundle ordered = BundleSource.inOrder(line, made.bundle(), "--rules " + rules, () -> { });
            List<String> notes = new ArrayList<>(made.notes());
            legacyNote(ordered).ifPresent(notes::add);
            return new Node(ordered, notes, SyntheticNode.UPLINK, List.of("lo", SyntheticNode.UPLINK),
                    Optional.empty());
        }
        if (line.hasOption("local-ip")) {
            throw CliException.usage("trace: --local-ip only applies with --rules (a bundle has its own addresses)");
        }
        if (line.hasOption(RULES_LEGACY) || line.hasOption(RULES6_LEGACY)) {
            throw CliException.usage("trace: --rules-legacy and --rules6-legacy only apply with --rules (in a bundle"
                    + " directory the iptables-legacy dump is told apart by its '# Generated by' line)");
        }
        LoadedInput in = BundleSource.open(line, Optional.of(args.get(0)), ctx.err());
        List<String> names = in.bundle().interfaces().stream().map(NetInterface::name).sorted().toList();
        return new Node(in.bundle(), legacyNote(in.bundle()).stream().toList(), "", names, Optional.of(in));
    }

    /** What the trace says of a node whose rules are in both iptables backends: which runs first. */
    private static Optional<String> legacyNote(Bundle bundle) {
        if (bundle.legacy().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("iptables-legacy rules replayed beside iptables-nft's: at each hook and equal priority "
                + (bundle.legacy().legacyFirst() ? "the legacy table first (--nft-first for the other order)"
                : "iptables-nft's chain first (--nft-first)") + "; in the nat table the first mapping ends the walk");
    }

    private static String required(CommandLine line, String option) throws CliException {
        String v = line.getOptionValue(option);
        if (v == null) {
            throw CliException.usage("trace: missing --" + option + " (see 'pktpath trace --help')");
        }
        return v;
    }

    private static IpAddress address(CommandLine line, String option) throws CliException {
        return parse(required(line, option), "--" + option);
    }

    private static IpAddress parse(String text, String option) throws CliException {
        try {
            return IpAddress.parse(text);
        } catch (InvalidValueException e) {
            throw CliException.usage(option + " " + text + ": not an IP address (expected e.g. 10.0.0.1 or fd00::1)");
        }
    }

    static ObjectNode json(List<TraceOutcome> outcomes, List<String> notes) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode a = root.putArray("outcomes");
        for (TraceOutcome o : outcomes) {
            ObjectNode n = a.addObject();
            if (Double.isNaN(o.probability())) {
                n.putNull("probability");
            } else {
                n.put("probability", o.probability());
            }
            n.put("choice", o.choice());
            n.put("disposition", o.disposition().name());
            n.put("reason", o.reason());
            n.set("steps", TraceJson.kernelSteps(o.steps()));
            o.nat().filter(x -> x.changed()).ifPresentOrElse(x -> {
                ObjectNode nat = n.putObject("nat");
                nat.set("before", TraceJson.tuple(x.before()));
                nat.set("after", TraceJson.tuple(x.after()));
            }, () -> n.putNull("nat"));
            n.put("masquerade", o.masquerade());
            o.route().ifPresentOrElse(r -> n.set("route", TraceJson.route(r)), () -> n.putNull("route"));
            ArrayNode on = n.putArray("notes");
            o.notes().forEach(on::add);
        }
        ArrayNode nn = root.putArray("notes");
        notes.forEach(nn::add);
        return root;
    }
}
