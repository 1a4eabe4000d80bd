package io.pktpath.parser.iptables.listing;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code iptables [-t TABLE] -nvL} ({@code -vnxL}, {@code --line-numbers}, and ip6tables'): each
 * chain header gives a chain and its policy, each rule line is turned back into the iptables-save rule it came from
 * (columns to {@code -s/-d/-i/-o/-p}, each module's printed form to its options by {@link MatchForms}, the target's to
 * its by {@link TargetForms}), with its {@code pkts bytes} as counters when exact. A line that cannot be turned back is
 * an error naming the file, line and what was expected, and leaves only that rule out (the caller refuses the chains
 * that reach it).
 */
public final class ListingReader {
    /** The diagnostic code of a listed rule that cannot be read back. */
    public static final String CODE = "IPT_LISTING";
    /** A chain header of a {@code -v} listing: {@code Chain INPUT (policy ACCEPT 0 packets, 0 bytes)}, {@code Chain X (2 references)}. */
    public static final Pattern CHAIN = Pattern.compile("^Chain (\\S+) \\((?:policy (\\S+)(?: (\\S+) packets, (\\S+) bytes)?"
            + "|(\\d+) references?)\\)\\s*$");
    /** The column header of a {@code -v} listing, with or without {@code --line-numbers}. */
    public static final Pattern COLUMNS = Pattern.compile("^\\s*(num\\s+)?pkts\\s+bytes\\s+target\\s+prot\\s+opt\\s+in\\s+out"
            + "\\s+source\\s+destination\\s*$");
    private static final Pattern TABLE_IN_NAME = Pattern.compile("-t[_ ]+(raw|mangle|nat|filter|security)(?![a-z])");
    /** A packet or byte figure: exact, or rounded with a unit suffix (past 18 digits none is read). */
    private static final Pattern FIGURE = Pattern.compile("(\\d+)([KMGTPE]?)");
    private static final Pattern V4 = Pattern.compile("!?\\d{1,3}(\\.\\d{1,3}){3}(/(\\d{1,2}|\\d{1,3}(\\.\\d{1,3}){3}))?");
    private static final Pattern V6 = Pattern.compile("!?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(/\\d{1,3})?");
    private static final Set<String> OPTS = Set.of("--", "-f", "!f");
    private static final Pattern WORD = Pattern.compile("\\S+");
    /** iptables-save's protocol names (its built-in table and /etc/protocols' usual entries). */
    private static final Map<Integer, String> PROTOCOLS = Map.ofEntries(Map.entry(1, "icmp"), Map.entry(2, "igmp"),
            Map.entry(4, "ipencap"), Map.entry(6, "tcp"), Map.entry(17, "udp"), Map.entry(41, "ipv6"),
            Map.entry(47, "gre"), Map.entry(50, "esp"), Map.entry(51, "ah"), Map.entry(58, "ipv6-icmp"),
            Map.entry(132, "sctp"), Map.entry(136, "udplite"));

    private final String file;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int rounded;

    private ListingReader(String file) {
        this.file = file;
    }

    /**
     * Reads one listing; the table comes from the file name ({@code iptables_-t_nat_-nvL}; none: filter, as iptables
     * lists without {@code -t}) else its built-in chains, the family from {@code family} else the name
     * ({@code ip6tables}) else its addresses.
     */
    public static Parsed<ListedTable> read(String file, String text, Optional<IpFamily> family) {
        ListingReader r = new ListingReader(file);
        List<ListedChain> chains = r.chains(text);
        IpFamily f = family.orElseGet(() -> familyOf(file, text));
        ListedTable t = new ListedTable(file, tableOf(file, chains), f, chains, r.rounded);
        return new Parsed<>(t, r.diagnostics);
    }

    /** The table a listing shows: named in its file name, else told by its built-in chains. */
    static String tableOf(String file, List<ListedChain> chains) {
        Matcher m = TABLE_IN_NAME.matcher(file.toLowerCase(Locale.ROOT));
        if (m.find()) {
            return m.group(1);
        }
        if (file.toLowerCase(Locale.ROOT).matches(".*(ip6?tables)[_ ]+-[a-z]*l.*")) {
            return "filter";
        }
        Set<String> builtins = new java.util.TreeSet<>();
        chains.stream().filter(ListedChain::builtin).forEach(c -> builtins.add(c.name()));
        if (builtins.containsAll(Set.of("PREROUTING", "FORWARD", "POSTROUTING"))) {
            return "mangle";
        }
        if (builtins.contains("POSTROUTING")) {
            return "nat";
        }
        if (builtins.contains("PREROUTING") && !builtins.contains("INPUT")) {
            return "raw";
        }
        return "filter";
    }

    private static IpFamily familyOf(String file, String text) {
        String n = file.toLowerCase(Locale.ROOT);
        if (n.contains("ip6") || n.contains("ipv6")) {
            return IpFamily.V6;
        }
        if (n.contains("iptables")) {
            return IpFamily.V4;
        }
        for (String line : text.split("\n")) {
            String[] t = line.strip().split("\\s+");
            if (t.length < 7 || !t[0].matches("\\d+[KMGTPE]?") || COLUMNS.matcher(line).matches()) {
                continue;
            }
            for (int i = 4; i + 1 < t.length; i++) {
                if (isAddress(t[i]) && isAddress(t[i + 1])) {
                    return t[i].contains(":") ? IpFamily.V6 : IpFamily.V4;
                }
            }
        }
        return IpFamily.V4;
    }

    private List<ListedChain> chains(String text) {
        List<ListedChain> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        String chain = null;
        int chainLine = 0;
        Optional<String> policy = Optional.empty();
        Optional<Counters> policyCounters = Optional.empty();
        List<ListedRule> rules = new ArrayList<>();
        boolean numbered = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            int no = i + 1;
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher h = CHAIN.matcher(line);
            if (h.matches()) {
                if (chain != null) {
                    out.add(new ListedChain(chain, chainLine, policy, policyCounters, rules));
                }
                chain = h.group(1);
                chainLine = no;
                policy = Optional.ofNullable(h.group(2));
                policyCounters = h.group(2) != null && h.group(3) != null
                        ? counters(h.group(3), h.group(4)) : Optional.empty();
                rules = new ArrayList<>();
                continue;
            }
            if (COLUMNS.matcher(line).matches()) {
                numbered = line.strip().startsWith("num");
                continue;
            }
            if (chain == null) {
                error(no, 1, line, "a rule line before any chain header", "Chain NAME (policy P N packets, N bytes)"
                        + " or Chain NAME (N references)");
                continue;
            }
            rules.add(rule(chain, no, line, numbered));
        }
        if (chain != null) {
            out.add(new ListedChain(chain, chainLine, policy, policyCounters, rules));
        }
        return out;
    }

    private ListedRule rule(String chain, int no, String line, boolean numbered) {
        List<int[]> words = new ArrayList<>();
        Matcher w = WORD.matcher(line);
        while (w.find()) {
            words.add(new int[] {w.start(), w.end()});
        }
        java.util.function.IntFunction<String> word = k -> line.substring(words.get(k)[0], words.get(k)[1]);
        int base = numbered ? 1 : 0;
        String columns = "pkts bytes target prot opt in out source destination";
        int src = -1;
        for (int i = base + 5; i + 1 < words.size() && src < 0; i++) {
            if (isAddress(word.apply(i)) && isAddress(word.apply(i + 1))) {
                src = i;
            }
        }
        if (src < 0) {
            return bad(no, line.length() + 1, line, "the rule line is cut short: no source and destination columns"
                    + " (addresses) after the counters, target, prot, opt, in and out", columns);
        }
        // between the counters and the source: [target] prot [opt] in out (ip6tables before 1.8.9 prints no opt)
        int between = src - base - 2;
        String target;
        String opt;
        int prot;
        if (between == 5 && OPTS.contains(word.apply(base + 4))) {
            target = word.apply(base + 2);
            prot = base + 3;
            opt = word.apply(base + 4);
        } else if (between == 4) {
            boolean noTarget = OPTS.contains(word.apply(base + 3));
            target = noTarget ? "" : word.apply(base + 2);
            prot = noTarget ? base + 2 : base + 3;
            opt = noTarget ? word.apply(base + 3) : "--";
        } else if (between == 3) {
            target = "";
            prot = base + 2;
            opt = "--";
        } else {
            return bad(no, words.get(base + 2)[0] + 1, line, "not a rule line: " + between + " columns between the"
                    + " counters and the source where target, prot, opt, in and out were expected", columns);
        }
        String source = word.apply(src);
        String destination = word.apply(src + 1);
        Optional<Counters> counters = counters(word.apply(base), word.apply(base + 1));
        StringBuilder sb = new StringBuilder("-A ").append(chain);
        address(sb, "-s", source);
        address(sb, "-d", destination);
        iface(sb, "-i", word.apply(src - 2));
        iface(sb, "-o", word.apply(src - 1));
        String p = word.apply(prot);
        boolean notP = p.startsWith("!");
        String proto = notP ? p.substring(1) : p;
        if (!proto.equals("0") && !proto.equals("all")) {
            sb.append(notP ? " ! -p " : " -p ").append(protocolName(proto));
        }
        if (!opt.equals("--")) {
            sb.append(opt.startsWith("!") ? " ! -f" : " -f");
        }
        int tailStart = words.get(src + 1)[1];
        String tail = line.substring(tailStart).strip();
        int tailOffset = tail.isEmpty() ? tailStart : line.indexOf(tail, tailStart);
        TailCursor c = new TailCursor(tail);
        try {
            boolean goTo = c.accept("[goto]");
            while (!c.atEnd()) {
                int at = c.position();
                boolean negated = c.accept("!");
                Optional<String> m = MatchForms.read(c, negated);
                if (m.isEmpty()) {
                    c.reset(at);
                    break;
                }
                sb.append(' ').append(m.get());
            }
            String j = TargetForms.read(c, target, goTo);
            if (!j.isEmpty()) {
                sb.append(' ').append(j);
            }
        } catch (ListingFormException e) {
            return bad(no, tailOffset + e.offset() + 1, line, "cannot turn the listed rule of chain " + chain
                    + " back into iptables-save's: " + e.getMessage(), e.expected());
        }
        Optional<String> jumps = target.isEmpty() ? Optional.empty() : Optional.of(target);
        return new ListedRule(no, Optional.of(sb.toString()), counters, jumps);
    }

    private ListedRule bad(int no, int column, String line, String message, String expected) {
        error(no, column, line, message, expected);
        return new ListedRule(no, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private void error(int no, int column, String line, String message, String expected) {
        diagnostics.add(Diagnostic.error(CODE, message, expected, new SourceSpan(file, no, Math.max(1, column)), line));
    }

    private static boolean isAddress(String v) {
        return V4.matcher(v).matches() || V6.matcher(v).matches();
    }

    private static void address(StringBuilder sb, String option, String v) {
        boolean not = v.startsWith("!");
        String a = not ? v.substring(1) : v;
        if (a.equals("0.0.0.0/0") || a.equals("::/0")) {
            return;
        }
        if (!a.contains("/")) {
            a += a.contains(":") ? "/128" : "/32";
        }
        sb.append(not ? " ! " : " ").append(option).append(' ').append(a);
    }

    private static void iface(StringBuilder sb, String option, String v) {
        if (v.equals("*")) {
            return;
        }
        boolean not = v.startsWith("!");
        sb.append(not ? " ! " : " ").append(option).append(' ').append(not ? v.substring(1) : v);
    }

    private static String protocolName(String p) {
        if (p.chars().allMatch(Character::isDigit)) {
            return PROTOCOLS.getOrDefault(Integer.parseInt(p), p);
        }
        return p;
    }

    /** Exact figures as counters; a rounded figure ({@code 12K}) is counted and gives none. */
    private Optional<Counters> counters(String packets, String bytes) {
        Matcher p = FIGURE.matcher(packets);
        Matcher b = FIGURE.matcher(bytes);
        if (!p.matches() || !b.matches() || p.group(1).length() > 18 || b.group(1).length() > 18) {
            return Optional.empty();
        }
        boolean roundedHere = !p.group(2).isEmpty() || !b.group(2).isEmpty();
        if (roundedHere) {
            rounded++;
            return Optional.empty();
        }
        return Optional.of(new Counters(Long.parseLong(packets), Long.parseLong(bytes)));
    }
}
