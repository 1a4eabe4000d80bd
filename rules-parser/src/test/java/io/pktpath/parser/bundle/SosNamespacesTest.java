package io.pktpath.parser.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An sosreport runs ip, iptables-save and ss in every network namespace (a Kubernetes node's pods' too) and files their
 * output under {@code sos_commands/networking/namespaces/NAME/} (older sos: {@code ip_netns_exec_NAME_...} beside the
 * node's): those files are not the node's, so they are ignored with the reason, and a namespace's own directory given
 * alone is read as that namespace.
 */
class SosNamespacesTest {
    @TempDir
    Path root;

    private static String fixture(String path) throws IOException {
        try (InputStream in = SosNamespacesTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> names(Bundle b) {
        return b.interfaces().stream().map(i -> i.name()).toList();
    }

    @Test
    void aNamespacesFilesAreNotTheNodes() throws IOException {
        String node = fixture("sos-networking/sos_commands/networking/ip_-d_address");
        String pod = fixture("/io/pktpath/parser/iproute/ip-d-addr.txt");
        TreeWriter.write(root, "sos_commands/networking/ip_-d_address", node);
        String ns = "sos_commands/networking/namespaces/cni-1f2e/";
        TreeWriter.write(root, ns + "ip_netns_exec_cni-1f2e_ip_-d_address_show", pod);
        TreeWriter.write(root, ns + "ip_netns_exec_cni-1f2e_iptables-save", TreeWriter.IPTABLES_SAVE);
        TreeWriter.write(root, "sos_commands/networking/ip_netns_exec_cni-9a_iptables-save", TreeWriter.IPTABLES_SAVE);

        Bundle b = BundleLoader.loadDirectory(root);
        assertEquals(List.of("lo", "pkp30p", "pkp30br"), names(b));
        assertTrue(b.rulesetV4().isEmpty(), "the pods' iptables-save is not the node's rules");
        assertTrue(b.inventory().lines().contains("ignored " + ns + "ip_netns_exec_cni-1f2e_iptables-save: network"
                + " namespace cni-1f2e's output, not the node's (read as that namespace with --netns cni-1f2e)"),
                b.inventory().lines().toString());
        assertTrue(b.inventory().lines().contains("ignored sos_commands/networking/ip_netns_exec_cni-9a_iptables-save:"
                + " network namespace cni-9a's output, not the node's (read as that namespace with --netns cni-9a)"), b.inventory().lines().toString());

        Bundle pods = BundleLoader.loadDirectory(root.resolve(ns));
        assertTrue(pods.rulesetV4().isPresent(), "given alone, the namespace's directory is read");
        assertEquals(names(BundleLoader.loadFiles(List.of(new BundleInput(root.resolve(ns
                + "ip_netns_exec_cni-1f2e_ip_-d_address_show"), "addr", java.util.Optional.empty())))), names(pods));
    }
}
