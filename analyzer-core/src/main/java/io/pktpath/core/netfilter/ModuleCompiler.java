package io.pktpath.core.netfilter;

import io.pktpath.parser.iptables.match.AddrtypeMatch;
import io.pktpath.parser.iptables.match.CommentMatch;
import io.pktpath.parser.iptables.match.ConnlimitMatch;
import io.pktpath.parser.iptables.match.ConnmarkMatch;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.HashlimitMatch;
import io.pktpath.parser.iptables.match.HlMatch;
import io.pktpath.parser.iptables.match.Icmp6Match;
import io.pktpath.parser.iptables.match.IcmpMatch;
import io.pktpath.parser.iptables.match.IprangeMatch;
import io.pktpath.parser.iptables.match.LengthMatch;
import io.pktpath.parser.iptables.match.LimitMatch;
import io.pktpath.parser.iptables.match.MacMatch;
import io.pktpath.parser.iptables.match.MarkMatch;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.ModuleMatch;
import io.pktpath.parser.iptables.match.MultiportMatch;
import io.pktpath.parser.iptables.match.NfacctMatch;
import io.pktpath.parser.iptables.match.NftCountMatch;
import io.pktpath.parser.iptables.match.NftLimitMatch;
import io.pktpath.parser.iptables.match.NftQuotaMatch;
import io.pktpath.parser.iptables.match.NftSetElementMatch;
import io.pktpath.parser.iptables.match.NumgenMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.OwnerMatch;
import io.pktpath.parser.iptables.match.PhysdevMatch;
import io.pktpath.parser.iptables.match.PkttypeMatch;
import io.pktpath.parser.iptables.match.RecentMatch;
import io.pktpath.parser.iptables.match.RpfilterMatch;
import io.pktpath.parser.iptables.match.SetMatch;
import io.pktpath.parser.iptables.match.SocketMatch;
import io.pktpath.parser.iptables.match.StateMatch;
import io.pktpath.parser.iptables.match.StatisticMatch;
import io.pktpath.parser.iptables.match.StringMatch;
import io.pktpath.parser.iptables.match.TtlMatch;
import io.pktpath.parser.iptables.model.Negatable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Compiles one match module into evaluators (one per option where the kernel tests options independently). */
final class ModuleCompiler {
    private static final Set<String> OPAQUE = Set.of("u32", "bpf", "time", "cpu", "frag", "cgroup",
            "quota", "connbytes", "helper", "policy", "dscp", "tos", "ecn", "devgroup", "realm", "cluster", "osf");

    private ModuleCompiler() {
    }

    static List<MatchEvaluator> compile(ModuleMatch m) {
        if (m instanceof NftLimitMatch l) {
            return List.of(new NftLimitEvaluator(l));
        }
        if (m instanceof NftQuotaMatch q) {
            return List.of(new NftQuotaEvaluator(q));
        }
        if (m instanceof NftCountMatch c) {
            return List.of(new ConnlimitEvaluator(c));
        }
        if (m instanceof NftSetElementMatch s) {
            return List.of(new NftSetElementEvaluator(s));
        }
        String module = m.module();
        if (MatchCompiler.protocolOf(module) >= 0) {
            return L4Compiler.compile(m);
        }
        if (OPAQUE.contains(module)) {
            return List.of(new UndecidableEvaluator("cannot be evaluated offline: " + module, Describe.module(m)));
        }
        if (m instanceof CommentMatch) {
            return List.of(); // always true, without effect or text: most kube-proxy rules carry one
        }
        if (m instanceof NfacctMatch) {
            return List.of(new TrueEvaluator(Optional.of("nfacct counts the packet; a quota on the accounting object is not modelled"),
                    m));
        }
        if (m instanceof ConntrackMatch c) {
            return List.of(new ConntrackEvaluator(c));
        }
        if (m instanceof AddrtypeMatch a) {
            return List.of(new AddrtypeEvaluator(a));
        }
        if (m instanceof RecentMatch r) {
            return List.of(new RecentEvaluator(r));
        }
        if (m instanceof HashlimitMatch h) {
            return List.of(new HashlimitEvaluator(h));
        }
        if (m instanceof ConnlimitMatch c) {
            return List.of(new ConnlimitEvaluator(c));
        }
        if (m instanceof PhysdevMatch p) {
            return List.of(new PhysdevEvaluator(p));
        }
        if (m instanceof SocketMatch s) {
            return List.of(new SocketEvaluator(s));
        }
        if (m instanceof OwnerMatch o) {
            return List.of(new OwnerEvaluator(o));
        }
        if (m instanceof RpfilterMatch r) {
            return List.of(new RpfilterEvaluator(r));
        }
        if (m.options().isEmpty()) {
            return List.of(new TrueEvaluator(Optional.empty(), m));
        }
        return perOption(m);
    }

    private static List<MatchEvaluator> perOption(ModuleMatch m) {
        if (m instanceof StatisticMatch s) {
            return List.of(statistic(s, s));
        }
        if (m instanceof NumgenMatch n) {
            return List.of(statistic(n.statistic(), n));
        }
        if (m instanceof LimitMatch l) {
            OptionValue.Rate rate = l.limit().map(Negatable::value).orElse(new OptionValue.Rate(3, "hour"));
            long unit = Rates.unitNanos(rate.unit()).orElse(3_600_000_000_000L);
            long burst = l.burst().map(b -> b.value().value()).orElse(5L);
            return List.of(new LimitEvaluator(Rates.cost(rate.count(), unit), burst, Describe.module(m)));
        }
        if (m instanceof SetMatch s) {
            boolean counters = s.packetsGreater().isPresent() || s.packetsLess().isPresent() || s.packetsEqual().isPresent()
                    || s.bytesGreater().isPresent() || s.bytesLess().isPresent() || s.bytesEqual().isPresent();
            return s.set().<List<MatchEvaluator>>map(n -> List.of(new SetEvaluator(n.value(), n.negated(),
                    s.returnNomatch(), counters, Describe.option(SetMatch.MODULE, s.option("--match-set").get()))))
                    .orElse(List.of());
        }
        if (m instanceof StringMatch s) {
            return List.of(string(s));
        }
        List<MatchEvaluator> out = new ArrayList<>();
        for (MatchOption o : m.options()) {
            option(m, o).ifPresent(out::add);
        }
        return out;
    }

    /** The draw of {@code s}, named by {@code named}: {@code s} itself, or the nft draw it was translated from. */
    private static MatchEvaluator statistic(StatisticMatch s, ModuleMatch named) {
        String mode = s.mode().map(v -> v.value().text()).orElse("random");
        if (mode.equals("nth")) {
            long every = s.every().map(v -> v.value().value()).orElse(1L);
            long packet = s.packet().map(v -> v.value().value()).orElse(0L);
            boolean negated = s.every().map(Negatable::negated).orElse(false);
            return new NthEvaluator(every, packet, negated, Describe.module(s));
        }
        OptionValue.Probability p = s.probability().map(Negatable::value).orElse(new OptionValue.Probability(0));
        return new RandomEvaluator(p, s.probability().map(Negatable::negated).orElse(false), named);
    }

    private static MatchEvaluator string(StringMatch s) {
        String text = Describe.module(s);
        boolean negated = s.string().map(Negatable::negated).orElse(s.hexString().map(Negatable::negated).orElse(false));
        int length = s.string().map(v -> v.value().text().getBytes(StandardCharsets.UTF_8).length)
                .orElse(s.hexString().map(v -> StringEvaluator.hexStringLength(v.value().text())).orElse(0));
        long from = s.from().map(v -> v.value().value()).orElse(0L);
        long to = s.to().map(v -> v.value().value()).orElse(65535L);
        return new StringEvaluator(length, from, to, negated, text);
    }

    private static Optional<MatchEvaluator> option(ModuleMatch m, MatchOption o) {
        String text = Describe.option(m.module(), o);
        OptionValue v = o.value();
        boolean neg = o.negated();
        if (m instanceof StateMatch s && o.name().equals("--state")) {
            return Optional.of(new StateEvaluator(s, o));
        }
        if ((m instanceof MarkMatch || m instanceof ConnmarkMatch) && v instanceof OptionValue.MarkMask mm) {
            return Optional.of(new MarkEvaluator(m instanceof ConnmarkMatch, mm, neg, text));
        }
        if (m instanceof MultiportMatch && v instanceof OptionValue.PortList list) {
            MultiportEvaluator.Which which = switch (o.name()) {
                case "--sports", "--source-ports" -> MultiportEvaluator.Which.SOURCE;
                case "--dports", "--destination-ports" -> MultiportEvaluator.Which.DESTINATION;
                default -> MultiportEvaluator.Which.EITHER;
            };
            return Optional.of(new MultiportEvaluator(which, list, neg, text));
        }
        if (m instanceof PkttypeMatch && v instanceof OptionValue.Text t) {
            return Optional.of(new PkttypeEvaluator(t.text(), neg, text));
        }
        if (m instanceof LengthMatch && v instanceof OptionValue.NumberRange r) {
            return Optional.of(new ValueEvaluator(e -> e.packet.length(), r::contains, neg, "length", text));
        }
        if ((m instanceof TtlMatch || m instanceof HlMatch) && v instanceof OptionValue.Number n) {
            String label = m instanceof TtlMatch ? "ttl" : "hl";
            long x = n.value();
            java.util.function.Predicate<Long> p = o.name().endsWith("-gt") ? t -> t > x
                    : o.name().endsWith("-lt") ? t -> t < x : t -> t == x;
            return Optional.of(new ValueEvaluator(e -> e.packet.ttl(), p, neg, label, text));
        }
        if (m instanceof IprangeMatch && v instanceof OptionValue.AddressRange r) {
            return Optional.of(new IprangeEvaluator(o.name().equals("--src-range"), r, neg, text));
        }
        if (m instanceof MacMatch && v instanceof OptionValue.Text t) {
            return Optional.of(new MacEvaluator(t.text(), neg, text));
        }
        return Optional.of(new UndecidableEvaluator("cannot be evaluated offline: " + text, text));
    }
}
