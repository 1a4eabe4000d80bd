package io.pktpath.core.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Service and KUBE-FW chain names read from the comments of kube-proxy's rules as iptables-save prints them. */
class KubeProxyCommentsTest {
    private static final String FIREWALL_DROP = "-A KUBE-PROXY-FIREWALL -d 172.18.100.10/32 -p tcp -m comment --comment "
            + "\"default/lb-fw:http traffic not accepted by KUBE-FW-MYP2PR5XRK3L7K6E\" -m tcp --dport 80 -j DROP";
    private static final String NO_LOCAL = "-A KUBE-EXTERNAL-SERVICES -d 172.18.100.30/32 -p tcp -m comment --comment "
            + "\"default/lb-local:http has no local endpoints\" -m tcp --dport 80 -j DROP";

    @Test
    void serviceOfEachKubeProxyDropComment() {
        assertEquals("default/lb-fw:http", KubeProxyComments.service(FIREWALL_DROP));
        assertEquals("default/lb-local:http", KubeProxyComments.service(NO_LOCAL));
        assertEquals("-A FORWARD -j DROP", KubeProxyComments.service("-A FORWARD -j DROP"));
    }

    @Test
    void firewallChainOnlyFromAProxyFirewallComment() {
        assertEquals("KUBE-FW-MYP2PR5XRK3L7K6E", KubeProxyComments.firewallChain(FIREWALL_DROP));
        assertEquals("", KubeProxyComments.firewallChain(NO_LOCAL));
    }
}
