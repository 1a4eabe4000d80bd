package io.pktpath.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds the jumps kube-proxy installs in the built-in chains ({@code PREROUTING -j KUBE-SERVICES}, {@code POSTROUTING
 * -j KUBE-POSTROUTING}, {@code FORWARD -j KUBE-FORWARD}...) to a dump that holds only kube-proxy's own chains, as
 * kube-proxy's unit-test dumps do. Lines are appended at the end of each table, so every original rule keeps its line.
 */
public final class KubeProxyHooks {
    /** One jump kube-proxy installs: table, built-in chain, target chain, comment, and an extra match (or empty). */
    private record Jump(String table, String hook, String target, String comment, String extra) {
    }

    // The order kube-proxy's iptables proxier installs its jumps in (pkg/proxy/iptables, iptablesJumpChains).
    private static final List<Jump> JUMPS = List.of(
            new Jump("filter", "INPUT", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", "-m conntrack --ctstate NEW "),
            new Jump("filter", "INPUT", "KUBE-NODEPORTS", "kubernetes health check service ports", ""),
            new Jump("filter", "INPUT", "KUBE-EXTERNAL-SERVICES", "kubernetes externally-visible service portals", "-m conntrack --ctstate NEW "),
            new Jump("filter", "FORWARD", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", "-m conntrack --ctstate NEW "),
            new Jump("filter", "FORWARD", "KUBE-FORWARD", "kubernetes forwarding rules", ""),
            new Jump("filter", "FORWARD", "KUBE-SERVICES", "kubernetes service portals", "-m conntrack --ctstate NEW "),
            new Jump("filter", "FORWARD", "KUBE-EXTERNAL-SERVICES", "kubernetes externally-visible service portals", "-m conntrack --ctstate NEW "),
            new Jump("filter", "OUTPUT", "KUBE-PROXY-FIREWALL", "kubernetes load balancer firewall", "-m conntrack --ctstate NEW "),
            new Jump("filter", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals", "-m conntrack --ctstate NEW "),
            new Jump("nat", "PREROUTING", "KUBE-SERVICES", "kubernetes service portals", ""),
            new Jump("nat", "OUTPUT", "KUBE-SERVICES", "kubernetes service portals", ""),
            new Jump("nat", "POSTROUTING", "KUBE-POSTROUTING", "kubernetes postrouting rules", ""));

    private static final Pattern DECLARATION = Pattern.compile("^:(\\S+) ");

    private KubeProxyHooks() {
    }

    /** The result: the dump's text with the jumps added, and one line per built-in chain that was added. */
    public record Augmented(String text, List<String> added) {
    }

    /** Adds kube-proxy's jumps to tables that lack the built-in chain but hold the target chain. */
    public static Augmented augment(String dump) {
        String[] lines = dump.split("\n", -1);
        List<String> out = new ArrayList<>(lines.length + 32);
        List<String> added = new ArrayList<>();
        String table = null;
        Set<String> declared = new LinkedHashSet<>();
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("*")) {
                table = t.substring(1);
                declared.clear();
            } else if (t.startsWith(":") && table != null) {
                Matcher m = DECLARATION.matcher(t);
                if (m.find()) {
                    declared.add(m.group(1));
                }
            } else if (t.equals("COMMIT") && table != null) {
                appendJumps(table, declared, out, added);
                table = null;
            }
            out.add(line);
        }
        return new Augmented(String.join("\n", out), added);
    }

    private static void appendJumps(String table, Set<String> declared, List<String> out, List<String> added) {
        Set<String> newChains = new LinkedHashSet<>();
        List<String> rules = new ArrayList<>();
        for (Jump j : JUMPS) {
            if (!j.table().equals(table) || declared.contains(j.hook()) || !declared.contains(j.target())) {
                continue;
            }
            newChains.add(j.hook());
            rules.add("-A " + j.hook() + " " + j.extra() + "-m comment --comment \"" + j.comment() + "\" -j " + j.target());
        }
        for (String chain : newChains) {
            out.add(":" + chain + " ACCEPT [0:0]");
            added.add(table + " " + chain);
        }
        out.addAll(rules);
    }
}
