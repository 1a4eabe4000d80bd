package io.pktpath.parser.iptables;

import io.pktpath.parser.diag.Diagnostic;
import io.pktpath.parser.diag.SourceSpan;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.model.Policy;
import io.pktpath.parser.iptables.model.Rule;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/** Applies one restore line to the current table: appends or inserts rules, and handles the other restore commands. */
final class CommandApplier {
    private final DumpParser dump;
    private final AddressReader addresses;
    private final LineReader reader;

    CommandApplier(DumpParser dump, AddressReader addresses, Names names) {
        this.dump = dump;
        this.addresses = addresses;
        this.reader = new LineReader(names, new LineTokens(names));
    }

    /** Reads and applies the rule line {@code line} (a whole-line span) whose first token is at {@code column}. */
    void ruleLine(SourceSpan line, int column, String text) {
        TableBuilder table = dump.current();
        ruleLine(line, column, text, reader.read(dump.file(), line.line(), text, table.name(), table, addresses,
                dump.family()));
    }

    /**
     * Reports and applies a line read ahead (or just now): the same diagnostics in the same order either way. A plain
     * {@code -A} line without diagnostics (most lines) is appended at once, its rule taking {@code line} as its span.
     */
    void ruleLine(SourceSpan line, int column, String text, LineOutcome outcome) {
        RuleLine read = outcome.line;
        if (read != null && outcome.error == null && outcome.warnings.isEmpty() && !outcome.foreign()
                && read.command() == Command.APPEND) {
            TableBuilder table = dump.current();
            TableBuilder.ChainBuilder chain = table.declared(read.chain());
            if (chain != null) {
                chain.rules.add(new Rule(table.name(), chain.name, chain.rules.size() + 1, line, read.text(),
                        read.matches(), read.target(), read.targetSpelling(), read.counters(), read.onlyFamily()));
                return;
            }
        }
        ruleLine(line.atColumn(column), text, outcome);
    }

    private void ruleLine(SourceSpan at, String text, LineOutcome outcome) {
        TableBuilder table = dump.current();
        if (outcome.error == null && outcome.line == null) {
            dump.error(IptCode.IPT005, at.atColumn(outcome.quoteColumn), text, "unbalanced double quote",
                    "a closing \" for the quote here");
            return;
        }
        if (outcome.error != null) {
            LineError e = outcome.error;
            dump.error(e.code(), at.atColumn(e.column()), text, e.getMessage(), e.expected());
            return;
        }
        IpFamily family = outcome.family;
        RuleLine line = outcome.line;
        for (Diagnostic w : outcome.warnings) {
            dump.warn(IptCode.valueOf(w.code()), w.span(), text, w.message(), w.expected());
        }
        if (outcome.foreign()) {
            dump.note(IptCode.IPT105, at, text, "this -" + outcome.only.get().number() + " rule is skipped by "
                    + (family == IpFamily.V4 ? "iptables" : "ip6tables") + "-restore and excluded from evaluation");
            dump.skip(rule(line, table.name(), at));
            return;
        }
        apply(line, table, at, text);
    }

    private static Rule rule(RuleLine line, String table, SourceSpan at) {
        return rule(line, line.chain(), table, at, 0);
    }

    /** A rule at a position; {@code chain} is the chain's shared name (equal to the line's). */
    private static Rule rule(RuleLine line, String chain, String table, SourceSpan at, int position) {
        return new Rule(table, chain, position, SourceSpan.line(at.file(), at.line()), line.text(), line.matches(),
                line.target(), line.targetSpelling(), line.counters(), line.onlyFamily());
    }

    private void apply(RuleLine line, TableBuilder table, SourceSpan at, String text) {
        Command c = line.command();
        if (c != Command.APPEND) {
            boolean applied = c == Command.INSERT || c == Command.NEW_CHAIN || c == Command.POLICY || c == Command.FLUSH;
            dump.warn(IptCode.IPT104, at, text, c.shortForm() + " is an iptables-restore command, not iptables-save output; "
                    + (applied ? "applied" : "not applied"), "-A lines only, as iptables-save writes them");
        }
        TableBuilder.ChainBuilder chain = c.takesRule() ? table.declared(line.chain()) : null;
        if (c.takesRule() && chain == null) {
            // the scan found a declaration line for the chain, but that line failed to declare it
            dump.error(IptCode.IPT012, at.atColumn(line.chainColumn()), text, "chain '" + line.chain()
                    + "' is not declared in table '" + table.name() + "'", ":" + line.chain() + " - [0:0] before its rules");
            return;
        }
        switch (c) {
            case APPEND -> {
                chain.rules.add(rule(line, chain.name, table.name(), at, chain.rules.size() + 1));
            }
            case INSERT -> {
                int index = Math.min(Math.max(line.index(), 1), chain.rules.size() + 1);
                chain.insert(index - 1, rule(line, table.name(), at));
            }
            case NEW_CHAIN -> newChain(line, table, at, text);
            case POLICY -> policy(line, table, at, text);
            case FLUSH -> flush(line, table);
            default -> {
            }
        }
    }

    private void newChain(RuleLine line, TableBuilder table, SourceSpan at, String text) {
        if (line.commandArgs().isEmpty()) {
            dump.error(IptCode.IPT015, at, text, "-N needs a chain name", "-N CHAIN");
            return;
        }
        String name = line.commandArgs().get(0).text();
        if (table.chain(name).isPresent()) {
            dump.error(IptCode.IPT011, at, text, "chain '" + name + "' is declared twice", "each chain declared once per table");
            return;
        }
        table.declare(new TableBuilder.ChainBuilder(name, Optional.empty(), Counters.ZERO, at));
    }

    private void policy(RuleLine line, TableBuilder table, SourceSpan at, String text) {
        List<Token> args = line.commandArgs();
        Optional<TableBuilder.ChainBuilder> chain = args.isEmpty() ? Optional.empty() : table.chain(args.get(0).text());
        if (args.size() < 2 || chain.isEmpty() || chain.get().policy.isEmpty()
                || !(args.get(1).is("ACCEPT") || args.get(1).is("DROP"))) {
            dump.error(IptCode.IPT015, at, text, "malformed -P line", "-P BUILTIN-CHAIN ACCEPT|DROP");
            return;
        }
        chain.get().policy = Optional.of(Policy.valueOf(args.get(1).text()));
    }

    private void flush(RuleLine line, TableBuilder table) {
        if (line.commandArgs().isEmpty()) {
            for (String name : List.copyOf(chainNames(table))) {
                table.chain(name).ifPresent(c -> c.rules.clear());
            }
        } else {
            table.chain(line.commandArgs().get(0).text()).ifPresent(c -> c.rules.clear());
        }
    }

    private static List<String> chainNames(TableBuilder table) {
        return table.build().chains().stream().map(io.pktpath.parser.iptables.model.Chain::name).toList();
    }
}
