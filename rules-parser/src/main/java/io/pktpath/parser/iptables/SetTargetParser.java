package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.target.SetTarget;
import io.pktpath.parser.iptables.target.SetTarget.SetOperand;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.iptables.target.UnsupportedTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the options of {@code -j SET} (libxt_SET revision 3: add, del and map sets, --exist, --timeout). */
final class SetTargetParser {
    /** ipset's IPSET_DIM_MAX: no more direction flags than this. */
    private static final int MAX_FLAGS = 6;

    private SetTargetParser() {
    }

    static Target parse(LineContext ctx, Token name, List<Token> args) throws LineError {
        SetOperand add = null;
        SetOperand del = null;
        SetOperand map = null;
        List<String> mapOptions = new ArrayList<>();
        boolean exist = false;
        Long timeout = null;
        for (int i = 0; i < args.size(); i++) {
            Token t = args.get(i);
            String o = t.quoted() ? "" : t.text();
            switch (o) {
                case "--add-set", "--del-set", "--map-set" -> {
                    SetOperand operand = operand(args, i);
                    i += 2;
                    if (o.equals("--add-set")) {
                        add = operand;
                    } else if (o.equals("--del-set")) {
                        del = operand;
                    } else {
                        map = operand;
                    }
                }
                case "--exist" -> exist = true;
                case "--timeout" -> {
                    if (i + 1 >= args.size()) {
                        throw new LineError(IptCode.IPT015, t.column(), "option --timeout needs a value",
                                "a number of seconds after --timeout");
                    }
                    Token v = args.get(++i);
                    timeout = seconds(v);
                }
                case "--map-mark", "--map-prio", "--map-queue" -> mapOptions.add(o);
                default -> {
                    ctx.warn(IptCode.IPT103, name.column(),
                            "target SET has options this model does not know; kept verbatim", "");
                    return new UnsupportedTarget(name.text(), args.stream().map(Token::raw).toList(), false, true);
                }
            }
        }
        if (add == null && del == null && map == null) {
            throw new LineError(IptCode.IPT015, name.column(), "-j SET needs --add-set, --del-set or --map-set",
                    "--add-set NAME src[,dst...]");
        }
        if (!mapOptions.isEmpty() && map == null) {
            throw new LineError(IptCode.IPT015, name.column(), mapOptions.get(0) + " is only valid with --map-set",
                    "--map-set NAME FLAGS " + mapOptions.get(0));
        }
        return new SetTarget(Optional.ofNullable(add), Optional.ofNullable(del), Optional.ofNullable(map), mapOptions,
                exist, Optional.ofNullable(timeout));
    }

    /** The set name and direction flags after the option token {@code args[i]}. */
    private static SetOperand operand(List<Token> args, int i) throws LineError {
        Token option = args.get(i);
        if (i + 2 >= args.size() || args.get(i + 1).text().startsWith("--") || args.get(i + 2).text().startsWith("--")) {
            int column = i + 1 < args.size() ? args.get(i + 1).column() : option.column();
            throw new LineError(IptCode.IPT015, column, "option " + option.text() + " needs a set name and flags",
                    option.text() + " NAME src[,dst...]");
        }
        Token flags = args.get(i + 2);
        List<String> directions = List.of(flags.text().split(",", -1));
        if (directions.size() > MAX_FLAGS || !directions.stream().allMatch(d -> d.equals("src") || d.equals("dst"))) {
            throw new LineError(IptCode.IPT015, flags.column(), "'" + flags.text() + "' is not a list of set flags",
                    "src and/or dst separated by commas, at most " + MAX_FLAGS);
        }
        return new SetOperand(args.get(i + 1).text(), directions);
    }

    private static long seconds(Token v) throws LineError {
        try {
            long s = Long.parseLong(v.text());
            if (s >= 0 && s <= 2147483L) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LineError(IptCode.IPT015, v.column(), "'" + v.text() + "' is not a SET timeout",
                "a number of seconds from 0 to 2147483");
    }
}
