package io.pktpath.parser.bundle;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which network namespace an sosreport's file belongs to: sos runs its per-namespace commands as
 * {@code ip netns exec NAME COMMAND} and files them under {@code sos_commands/networking/namespaces/NAME/} (sos 4.x) or,
 * in older sos, as {@code ip_netns_exec_NAME_COMMAND} beside the node's own files (conntrack's too, in its directory).
 */
public final class SosNamespaces {
    /** sos 4.x: {@code sos_commands/networking/namespaces/NAME/...}. */
    private static final Pattern DIR = Pattern.compile("(?:^|/)sos_commands/networking/namespaces/([^/]+)/");
    /**
     * An {@code ip netns exec NAME COMMAND} file name: NAME then the command sos's networking and conntrack plugins run
     * in each namespace (ip, iptables-save, ip6tables-save, sysctl, netstat, nstat, ss, ethtool, conntrack); a
     * namespace's files given alone (outside {@code sos_commands/}) are read as themselves.
     */
    private static final Pattern EXEC = Pattern.compile("(?:^|/)sos_commands/[^/]+/ip_netns_exec_(.+?)_(?:ip_|ip6?tables-save"
            + "|sysctl_|netstat_|nstat_|ss_|ethtool_|conntrack_)[^/]*$");
    /** Any other {@code ip_netns_exec_} file of an sosreport (a command this list does not know). */
    private static final Pattern ANY_EXEC = Pattern.compile("(?:^|/)sos_commands/[^/]+/ip_netns_exec_[^/]+$");
    /** The name of a file of the node's networking state in an sosreport. */
    private static final Pattern NETWORKING = Pattern.compile("(?:^|/)sos_commands/networking/");

    private SosNamespaces() {
    }

    /** The namespace whose output the file (a path relative to the bundle, with {@code /}) is; empty for the node's. */
    public static Optional<String> of(String name) {
        Matcher dir = DIR.matcher(name);
        if (dir.find()) {
            return Optional.of(dir.group(1));
        }
        Matcher exec = EXEC.matcher(name);
        if (exec.find()) {
            return Optional.of(exec.group(1));
        }
        return Optional.empty();
    }

    /** Whether the file is some namespace's output whose namespace and command are not told by its name. */
    static boolean unknownNamespaceOutput(String name) {
        return of(name).isEmpty() && ANY_EXEC.matcher(name).find();
    }

    /** Whether the file is one of the node's own networking outputs ({@code sos_commands/networking/}). */
    static boolean nodeNetworking(String name) {
        return of(name).isEmpty() && NETWORKING.matcher(name).find();
    }

    /** The namespaces whose outputs the files hold, sorted by name. */
    public static List<String> names(List<String> files) {
        TreeSet<String> names = new TreeSet<>();
        files.forEach(f -> of(f).ifPresent(names::add));
        return List.copyOf(names);
    }
}
