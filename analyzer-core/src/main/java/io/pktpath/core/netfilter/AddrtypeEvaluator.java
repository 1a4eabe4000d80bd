package io.pktpath.core.netfilter;

import io.pktpath.core.engine.AddrType;
import io.pktpath.parser.iptables.match.AddrtypeMatch;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.model.Negatable;
import io.pktpath.parser.net.IpAddress;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code -m addrtype [!] --src-type/--dst-type T[,T]}: the node's classification (NodeFacts), optionally per device. */
final class AddrtypeEvaluator implements MatchEvaluator {
    private final Optional<Set<AddrType>> srcTypes;
    private final boolean srcNegated;
    private final Optional<Set<AddrType>> dstTypes;
    private final boolean dstNegated;
    private final boolean limitIn;
    private final boolean limitOut;
    private final String srcText;
    private final String dstText;

    AddrtypeEvaluator(AddrtypeMatch m) {
        this.srcTypes = m.sourceTypes().map(AddrtypeEvaluator::types);
        this.srcNegated = m.sourceTypes().map(Negatable::negated).orElse(false);
        this.dstTypes = m.destinationTypes().map(AddrtypeEvaluator::types);
        this.dstNegated = m.destinationTypes().map(Negatable::negated).orElse(false);
        this.limitIn = m.limitIfaceIn();
        this.limitOut = m.limitIfaceOut();
        this.srcText = m.option("--src-type").map(o -> Describe.option(AddrtypeMatch.MODULE, o)).orElse("");
        this.dstText = m.option("--dst-type").map(o -> Describe.option(AddrtypeMatch.MODULE, o)).orElse("");
    }

    private static Set<AddrType> types(Negatable<OptionValue.Words> words) {
        Set<AddrType> set = EnumSet.noneOf(AddrType.class);
        for (String w : words.value().words()) {
            for (AddrType t : AddrType.values()) {
                if (t.name().equals(w.toUpperCase(Locale.ROOT))) {
                    set.add(t);
                }
            }
        }
        return set;
    }

    private Optional<String> device(Evaluation e) {
        String dev = limitIn ? e.inName() : limitOut ? e.outName() : "";
        return dev.isEmpty() ? Optional.empty() : Optional.of(dev);
    }

    private boolean holds(Evaluation e, IpAddress a, Set<AddrType> wanted, boolean negated) {
        Set<AddrType> have = e.addrTypes(a, device(e));
        boolean hit = false;
        for (AddrType t : have) {
            if (wanted.contains(t)) {
                hit = true;
                break;
            }
        }
        return hit != negated;
    }

    @Override
    public boolean test(Evaluation e) {
        if (srcTypes.isPresent() && !holds(e, e.packet.src(), srcTypes.get(), srcNegated)) {
            return false;
        }
        return dstTypes.isEmpty() || holds(e, e.packet.dst(), dstTypes.get(), dstNegated);
    }

    @Override
    public Mismatch explain(Evaluation e) {
        boolean srcFailed = srcTypes.isPresent() && !holds(e, e.packet.src(), srcTypes.get(), srcNegated);
        IpAddress a = srcFailed ? e.packet.src() : e.packet.dst();
        Set<AddrType> have = e.addrTypes(a, device(e));
        String types = have.isEmpty() ? "no type" : String.join(",", have.stream().sorted().map(Enum::name).toList());
        return new Mismatch(srcFailed ? srcText : dstText, (srcFailed ? "src " : "dst ") + a + " is " + types);
    }

    @Override
    public boolean pure() {
        return true;
    }
}
