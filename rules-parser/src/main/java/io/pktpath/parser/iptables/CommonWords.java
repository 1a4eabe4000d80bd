package io.pktpath.parser.iptables;

import java.util.List;

/**
 * The words most dump lines repeat (options, modules, targets), held once: the tokenizer takes a word from here
 * instead of cutting a new string from the line, which also brings its hash code already computed.
 */
final class CommonWords {
    private static final List<String> WORDS = List.of("-A", "-I", "-N", "-m", "--match", "-j", "--jump", "-g", "--goto",
            "-s", "--source", "-d", "--destination", "-p", "--protocol", "-i", "--in-interface", "-o", "--out-interface",
            "-f", "!", "-4", "-6", "tcp", "udp", "icmp", "sctp", "comment", "--comment", "conntrack", "--ctstate", "state",
            "--state", "NEW", "ESTABLISHED", "RELATED", "RELATED,ESTABLISHED", "INVALID", "multiport", "--dports", "--sports",
            "--dport", "--sport", "statistic", "--mode", "random", "--probability", "addrtype", "--dst-type", "--src-type",
            "LOCAL", "mark", "--mark", "set", "--match-set", "src", "dst", "limit", "--limit", "--limit-burst", "physdev",
            "--physdev-is-in", "--physdev-is-bridged", "--tcp-flags", "--syn", "--reject-with", "icmp-port-unreachable",
            "ACCEPT", "DROP", "RETURN", "REJECT", "LOG", "MARK", "CONNMARK", "DNAT", "SNAT", "MASQUERADE", "REDIRECT",
            "NOTRACK", "CT", "--to-destination", "--to-source", "--to-ports", "--random-fully", "--set-xmark", "--xor-mark",
            "--or-mark", "--and-mark", "--log-prefix", "INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING",
            "KUBE-MARK-MASQ", "KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-FIREWALL",
            "KUBE-EXTERNAL-SERVICES", "KUBE-PROXY-FIREWALL", "KUBE-MARK-DROP", "0x4000/0x4000", "0x8000/0x8000",
            "-c", "0.0.0.0/0", "[0:0]");
    private static final int MASK = 511;
    private static final String[] TABLE = new String[MASK + 1];

    static {
        for (String w : WORDS) {
            int k = w.hashCode() & MASK;
            while (TABLE[k] != null) {
                k = (k + 1) & MASK;
            }
            TABLE[k] = w;
        }
    }

    private CommonWords() {
    }

    /** {@code line.substring(start, end)}, shared if it is a common word; {@code hash} is its {@link String#hashCode()}. */
    static String find(String line, int start, int end, int hash) {
        String common = lookup(line, start, end, hash);
        return common != null ? common : line.substring(start, end);
    }

    /** The common word {@code line.substring(start, end)} is, or null if it is none. */
    static String lookup(String line, int start, int end, int hash) {
        int len = end - start;
        for (int k = hash & MASK; TABLE[k] != null; k = (k + 1) & MASK) {
            String w = TABLE[k];
            if (w.length() == len && w.hashCode() == hash && line.startsWith(w, start)) {
                return w;
            }
        }
        return null;
    }
}
