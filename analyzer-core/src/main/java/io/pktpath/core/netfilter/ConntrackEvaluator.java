package io.pktpath.core.netfilter;

import io.pktpath.core.engine.CtInfo;
import io.pktpath.core.engine.CtStatus;
import io.pktpath.core.trace.Tuple;
import io.pktpath.parser.iptables.match.ConntrackMatch;
import io.pktpath.parser.iptables.match.MatchOption;
import io.pktpath.parser.iptables.match.OptionValue;
import io.pktpath.parser.iptables.match.Protocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code -m conntrack} as the kernel's {@code conntrack_mt} evaluates it: {@code --ctstate} first (INVALID without a ct,
 * UNTRACKED for untracked packets, plus the SNAT/DNAT virtual states); without a ct the match is then true exactly when
 * {@code --ctstate} was given; otherwise direction, addresses, protocol, ports, status and expiry in that order.
 */
final class ConntrackEvaluator implements MatchEvaluator {
    private static final List<String> ORDER = List.of("--ctdir", "--ctorigsrc", "--ctorigdst", "--ctreplsrc",
            "--ctrepldst", "--ctproto", "--ctorigsrcport", "--ctorigdstport", "--ctreplsrcport", "--ctrepldstport",
            "--ctstatus", "--ctexpire");

    /** One option on the ct: its text, the test before negation, and the ct's value for a miss. */
    private record Check(String text, boolean negated, Predicate<CtInfo> test, Function<CtInfo, String> value) {
        boolean holds(CtInfo ct) {
            return test.test(ct) != negated;
        }
    }

    /** State bits in the order iptables-save prints them. */
    static final List<String> STATE_NAMES = List.of("INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT");

    private final Optional<MatchOption> stateOption;
    private final int stateMask;
    private final boolean stateNegated;
    private final List<Check> checks;

    ConntrackEvaluator(ConntrackMatch m) {
        this.stateOption = m.option("--ctstate");
        this.stateMask = mask(m.states().map(n -> n.value().words()).orElse(List.of()));
        this.stateNegated = stateOption.map(MatchOption::negated).orElse(false);
        List<Check> list = new ArrayList<>();
        for (String name : ORDER) {
            m.option(name).ifPresent(o -> list.add(check(o)));
        }
        this.checks = List.copyOf(list);
    }

    static Tuple reply(CtInfo ct) {
        return ct.reply().orElse(ct.original().inverse());
    }

    private static Check check(MatchOption o) {
        String text = Describe.option(ConntrackMatch.MODULE, o);
        OptionValue v = o.value();
        return switch (o.name()) {
            case "--ctdir" -> {
                boolean reply = ((OptionValue.Text) v).text().equalsIgnoreCase("REPLY");
                yield new Check(text, o.negated(), ct -> ct.replyDirection() == reply,
                        ct -> "ctdir " + (ct.replyDirection() ? "REPLY" : "ORIGINAL"));
            }
            case "--ctorigsrc" -> address(o, text, ct -> ct.original().src(), "ctorigsrc ");
            case "--ctorigdst" -> address(o, text, ct -> ct.original().dst(), "ctorigdst ");
            case "--ctreplsrc" -> address(o, text, ct -> reply(ct).src(), "ctreplsrc ");
            case "--ctrepldst" -> address(o, text, ct -> reply(ct).dst(), "ctrepldst ");
            case "--ctproto" -> {
                int proto = Protocols.number(((OptionValue.Text) v).text()).orElse(-1);
                yield new Check(text, o.negated(), ct -> proto == 0 || ct.original().protocol() == proto,
                        ct -> "ctproto " + Describe.proto(ct.original().protocol()));
            }
            case "--ctorigsrcport" -> port(o, text, ct -> ct.original().sport(), "ctorigsrcport ");
            case "--ctorigdstport" -> port(o, text, ct -> ct.original().dport(), "ctorigdstport ");
            case "--ctreplsrcport" -> port(o, text, ct -> reply(ct).sport(), "ctreplsrcport ");
            case "--ctrepldstport" -> port(o, text, ct -> reply(ct).dport(), "ctrepldstport ");
            case "--ctstatus" -> {
                List<String> words = ((OptionValue.Words) v).words();
                yield new Check(text, o.negated(), ct -> words.stream().anyMatch(w -> hasStatus(ct, w)),
                        ct -> "ctstatus " + (ct.status().isEmpty() ? "NONE" : String.join(",",
                                ct.status().stream().map(Enum::name).sorted().toList())));
            }
            default -> {
                OptionValue.NumberRange r = (OptionValue.NumberRange) v;
                yield new Check(text, o.negated(), ct -> r.contains(ct.expiresSeconds()),
                        ct -> "ctexpire " + ct.expiresSeconds());
            }
        };
    }

    private static boolean hasStatus(CtInfo ct, String word) {
        for (CtStatus s : ct.status()) {
            if (s.name().equals(word.toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static Check address(MatchOption o, String text, Function<CtInfo, io.pktpath.parser.net.IpAddress> field,
                                 String label) {
        OptionValue.Address a = (OptionValue.Address) o.value();
        return new Check(text, o.negated(), ct -> a.cidr().contains(field.apply(ct)), ct -> label + field.apply(ct));
    }

    private static Check port(MatchOption o, String text, Function<CtInfo, Integer> field, String label) {
        OptionValue.Ports p = (OptionValue.Ports) o.value();
        return new Check(text, o.negated(), ct -> p.range().contains(field.apply(ct)), ct -> label + field.apply(ct));
    }

    /** The bit set of state names (unknown names have none). */
    static int mask(List<String> names) {
        int mask = 0;
        for (String n : names) {
            int i = STATE_NAMES.indexOf(n.toUpperCase(Locale.ROOT));
            mask |= i < 0 ? 0 : 1 << i;
        }
        return mask;
    }

    /** The packet's state bits: one of INVALID/NEW/RELATED/ESTABLISHED/UNTRACKED, plus SNAT/DNAT when asked. */
    static int packetStates(Evaluation e, boolean withNat) {
        Optional<CtInfo> ct = e.trackedCt();
        if (ct.isEmpty()) {
            return e.untracked() ? 1 << 4 : 1;
        }
        int bits = switch (ct.get().state()) {
            case NEW -> 1 << 1;
            case RELATED -> 1 << 2;
            case ESTABLISHED -> 1 << 3;
            case UNTRACKED -> 1 << 4;
            case INVALID -> 1;
        };
        if (withNat && ct.get().isSnat()) {
            bits |= 1 << 5;
        }
        if (withNat && ct.get().isDnat()) {
            bits |= 1 << 6;
        }
        return bits;
    }

    /** The names of state bits, comma-separated. */
    static String names(int bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < STATE_NAMES.size(); i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(STATE_NAMES.get(i));
            }
        }
        return String.join(",", out);
    }

    private boolean stateHolds(Evaluation e) {
        return ((packetStates(e, true) & stateMask) != 0) != stateNegated;
    }

    @Override
    public boolean test(Evaluation e) {
        if (stateOption.isPresent() && !stateHolds(e)) {
            return false;
        }
        Optional<CtInfo> ct = e.trackedCt();
        if (ct.isEmpty()) {
            return stateOption.isPresent();
        }
        for (Check c : checks) {
            if (!c.holds(ct.get())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Mismatch explain(Evaluation e) {
        if (stateOption.isPresent() && !stateHolds(e)) {
            return new Mismatch(Describe.option(ConntrackMatch.MODULE, stateOption.get()),
                    "ctstate " + names(packetStates(e, true)));
        }
        Optional<CtInfo> ct = e.trackedCt();
        if (ct.isEmpty()) {
            String text = checks.isEmpty() ? "-m conntrack" : checks.get(0).text();
            return new Mismatch(text, e.untracked() ? "untracked packet" : "no conntrack entry");
        }
        for (Check c : checks) {
            if (!c.holds(ct.get())) {
                return new Mismatch(c.text(), c.value().apply(ct.get()));
            }
        }
        return new Mismatch("-m conntrack", "");
    }

    @Override
    public boolean pure() {
        return true;
    }
}
