package io.pktpath.parser.iptables;

import io.pktpath.parser.iptables.match.Match;
import io.pktpath.parser.iptables.model.Counters;
import io.pktpath.parser.iptables.target.Target;
import io.pktpath.parser.net.IpFamily;
import java.util.List;
import java.util.Optional;

/** One parsed restore line before it is placed in its chain. */
record RuleLine(Command command, Optional<Counters> counters, Optional<IpFamily> onlyFamily, String chain, int chainColumn,
                int index, List<Match> matches, Target target, Optional<String> targetSpelling, String text,
                List<Token> commandArgs) {
}
