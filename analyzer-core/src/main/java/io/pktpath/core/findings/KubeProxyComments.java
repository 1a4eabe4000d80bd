package io.pktpath.core.findings;

/** Reads the service and chain names out of the comments kube-proxy (iptables mode) puts on its drop and reject rules. */
final class KubeProxyComments {
    /** The comment of a KUBE-PROXY-FIREWALL rule: {@code "ns/svc:port traffic not accepted by KUBE-FW-…"}. */
    static final String NOT_ACCEPTED_BY_FW = " traffic not accepted by KUBE-FW-";

    private static final String COMMENT = "--comment \"";

    private KubeProxyComments() {
    }

    /**
     * The service of a rule commented {@code "ns/name:port has no endpoints"}, {@code "... has no local endpoints"} or
     * {@code "... traffic not accepted by KUBE-FW-…"}; the rule text itself when it has no such comment.
     */
    static String service(String ruleText) {
        int c = ruleText.indexOf(COMMENT);
        if (c < 0) {
            return ruleText;
        }
        int start = c + COMMENT.length();
        int end = ruleText.indexOf(" has no", start);
        int fw = ruleText.indexOf(NOT_ACCEPTED_BY_FW, start);
        if (fw >= 0 && (end < 0 || fw < end)) {
            end = fw;
        }
        return end < 0 ? ruleText : ruleText.substring(start, end);
    }

    /** The KUBE-FW-… chain named by a KUBE-PROXY-FIREWALL comment, or "" when the rule has none. */
    static String firewallChain(String ruleText) {
        int fw = ruleText.indexOf(NOT_ACCEPTED_BY_FW);
        if (fw < 0) {
            return "";
        }
        int start = fw + NOT_ACCEPTED_BY_FW.length() - "KUBE-FW-".length();
        int end = ruleText.indexOf('"', start);
        return end < 0 ? "" : ruleText.substring(start, end);
    }
}
