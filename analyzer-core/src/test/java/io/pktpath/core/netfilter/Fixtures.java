package io.pktpath.core.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.AddrType;
import io.pktpath.core.engine.ChoiceOracle;
import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.NodeFacts;
import io.pktpath.core.engine.Packet;
import io.pktpath.core.trace.ChainReturnStep;
import io.pktpath.core.trace.Hook;
import io.pktpath.core.trace.PolicyStep;
import io.pktpath.core.trace.RuleMiss;
import io.pktpath.core.trace.RuleStep;
import io.pktpath.core.trace.TraceStep;
import io.pktpath.core.trace.UndecidedStep;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.iptables.IptablesSaveParser;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Shared helpers: parsing dumps, node facts, walking and rendering steps as compact strings. */
final class Fixtures {
    private Fixtures() {
    }

    static Ruleset parse(String text) {
        Parsed<Ruleset> parsed = IptablesSaveParser.parse("test.rules", text);
        assertEquals(List.of(), parsed.errors(), "the test dump parses without errors");
        return parsed.value();
    }

    static CompiledRuleset compile(String text) {
        return CompiledRuleset.compile(parse(text));
    }

    /** A dump of one table with the given chain declarations and rule lines. */
    static String table(String name, String... lines) {
        return "*" + name + "\n" + String.join("\n", lines) + "\nCOMMIT\n";
    }

    /** The peer data folder (…/shared/peer), found from the repository root (the pom.xml with modules). */
    static Path peer() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                    return dir.resolve("../shared/peer").normalize();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root not found");
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Node facts: the given addresses are LOCAL (plus 127/8 and ::1), everything else UNICAST; ipsets as given (one
     * address dimension), with the addresses of {@code nomatch} entries apart.
     */
    record Facts(Set<IpAddress> local, Map<String, Set<IpAddress>> sets, Map<String, Set<IpAddress>> nomatch,
                 boolean rpfilter) implements NodeFacts {
        Facts(Set<IpAddress> local, Map<String, Set<IpAddress>> sets, boolean rpfilter) {
            this(local, sets, Map.of(), rpfilter);
        }

        static Facts of(String... localAddresses) {
            Set<IpAddress> l = new java.util.HashSet<>();
            for (String a : localAddresses) {
                l.add(Pkt.ip(a));
            }
            return new Facts(l, Map.of(), true);
        }

        @Override
        public Set<AddrType> addrTypes(IpAddress address, Optional<String> limitIface) {
            boolean loopback = address.isV4() ? (address.lo() >>> 24) == 127 : address.equals(Pkt.ip("::1"));
            return EnumSet.of(local.contains(address) || loopback ? AddrType.LOCAL : AddrType.UNICAST);
        }

        @Override
        public Optional<Boolean> ipsetContains(String setName, List<String> directions, boolean returnNomatch,
                                               Packet packet) {
            Set<IpAddress> set = sets.get(setName);
            if (set == null) {
                return Optional.empty();
            }
            IpAddress a = directions.get(0).equals("src") ? packet.src() : packet.dst();
            boolean nomatchEntry = nomatch.getOrDefault(setName, Set.of()).contains(a);
            return Optional.of(returnNomatch ? nomatchEntry : set.contains(a) && !nomatchEntry);
        }

        @Override
        public boolean rpfilterPasses(Packet packet, boolean loose, boolean validMark, boolean acceptLocal) {
            return rpfilter;
        }
    }

    /** One walk's collected output. */
    record Walked(TableResult result, List<TraceStep> steps, List<RuleMiss> misses) {
        List<String> lines() {
            return steps.stream().map(Fixtures::render).toList();
        }

        List<String> missLines() {
            return misses.stream().map(m -> m.rule().label() + ": " + m.failedMatch() + " | " + m.packetValue()).toList();
        }
    }

    static Walked walk(CompiledRuleset rs, Hook hook, String table, Packet p, Optional<CtInfo> ct, NodeFacts facts,
                       ChoiceOracle oracle, RuleState state, boolean misses) {
        List<TraceStep> steps = new ArrayList<>();
        List<RuleMiss> missList = new ArrayList<>();
        TableResult r = rs.walk(hook, table, p, ct, new WalkContext(facts, oracle, state, steps, misses, missList));
        return new Walked(r, steps, missList);
    }

    /** Walks a named (user) chain as if the hook's built-in chain had jumped to it. */
    static Walked walkChain(CompiledRuleset rs, Hook hook, String table, String chain, Packet p, Optional<CtInfo> ct,
                            NodeFacts facts, ChoiceOracle oracle) {
        List<TraceStep> steps = new ArrayList<>();
        List<RuleMiss> missList = new ArrayList<>();
        TableResult r = rs.walkChain(hook, table, chain, p, ct,
                new WalkContext(facts, oracle, new RuleState(), steps, true, missList));
        return new Walked(r, steps, missList);
    }

    static Walked walk(CompiledRuleset rs, Hook hook, String table, Packet p) {
        return walk(rs, hook, table, p, Optional.empty(), Facts.of(), ChoiceOracle.FIRST, new RuleState(), true);
    }

    static Walked walk(CompiledRuleset rs, Hook hook, String table, Packet p, Optional<CtInfo> ct) {
        return walk(rs, hook, table, p, ct, Facts.of(), ChoiceOracle.FIRST, new RuleState(), true);
    }

    /** {@code filter INPUT #2 ACCEPT [effects]}, {@code filter INPUT POLICY:DROP}, {@code return KUBE-X}, {@code undecided ...}. */
    static String render(TraceStep s) {
        if (s instanceof RuleStep r) {
            return r.rule().label() + " " + r.verdict() + (r.effects().isEmpty() ? "" : " " + r.effects());
        }
        if (s instanceof PolicyStep p) {
            return p.table() + " " + p.chain() + " " + p.verdict();
        }
        if (s instanceof ChainReturnStep c) {
            return "return " + c.chain();
        }
        if (s instanceof UndecidedStep u) {
            return "undecided " + u.rule().label() + " " + u.reason() + " -> " + u.decidedBy();
        }
        return s.toString();
    }

    static IpFamily v4() {
        return IpFamily.V4;
    }
}
