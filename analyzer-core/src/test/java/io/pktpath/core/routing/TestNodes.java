package io.pktpath.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pktpath.core.engine.Packet;
import io.pktpath.parser.diag.Parsed;
import io.pktpath.parser.ipset.IpSets;
import io.pktpath.parser.ipset.IpsetSaveParser;
import io.pktpath.parser.iproute.IpAddrParser;
import io.pktpath.parser.iproute.IpMaddrParser;
import io.pktpath.parser.iproute.IpNeighParser;
import io.pktpath.parser.iproute.IpRouteParser;
import io.pktpath.parser.iproute.IpRuleParser;
import io.pktpath.parser.iproute.Neighbor;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.iproute.PolicyRule;
import io.pktpath.parser.iproute.Route;
import io.pktpath.parser.net.IpAddress;
import io.pktpath.parser.net.IpFamily;
import io.pktpath.parser.sysctl.SysctlParser;
import io.pktpath.parser.sysctl.Sysctls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds {@link NodeNetwork}s for tests from {@code ip}/{@code sysctl}/{@code ipset} text, parsed by the real parsers. */
final class TestNodes {
    private String addr = "";
    private String routes = "";
    private String routes6 = "";
    private Optional<String> rules = Optional.empty();
    private Optional<String> rules6 = Optional.empty();
    private String neigh = "";
    private String sysctl = "";
    private String extraSysctl = "";
    private String ipset = "";
    private String maddr = "";

    static TestNodes node() {
        return new TestNodes();
    }

    /** The router fixture r1 (files r1-*.txt). */
    static TestNodes r1() {
        return node().addr(resource("r1-ip-addr.txt")).routes(resource("r1-ip-route.txt"))
                .routes6(resource("r1-ip-6-route.txt")).rules(resource("r1-ip-rule.txt"))
                .neigh(resource("r1-ip-neigh.txt")).sysctl(resource("r1-sysctl.txt"));
    }

    /** A recorded bundle copied from samples/bundles/NAME (ip-addr, ip-route, ip-rule, ip-6-*, ip-neigh, sysctl). */
    static TestNodes bundle(String name) {
        String dir = "bundle-" + name + "/";
        return node().addr(resource(dir + "ip-addr.txt")).routes(resource(dir + "ip-route.txt"))
                .routes6(resource(dir + "ip-6-route.txt")).rules(resource(dir + "ip-rule.txt"))
                .rules6(resource(dir + "ip-6-rule.txt")).neigh(resource(dir + "ip-neigh.txt"))
                .sysctl(resource(dir + "sysctl.txt"));
    }

    TestNodes addr(String text) {
        addr = text;
        return this;
    }

    TestNodes routes(String text) {
        routes = text;
        return this;
    }

    TestNodes routes6(String text) {
        routes6 = text;
        return this;
    }

    TestNodes rules(String text) {
        rules = Optional.of(text);
        return this;
    }

    TestNodes rules6(String text) {
        rules6 = Optional.of(text);
        return this;
    }

    TestNodes neigh(String text) {
        neigh = text;
        return this;
    }

    TestNodes sysctl(String text) {
        sysctl = text;
        return this;
    }

    /** Lines appended to the sysctl text (later values win). */
    TestNodes set(String... lines) {
        extraSysctl += String.join("\n", lines) + "\n";
        return this;
    }

    /** {@code ip maddr show} text (none by default, also for {@link #bundle}). */
    TestNodes maddr(String text) {
        maddr = text;
        return this;
    }

    TestNodes ipset(String text) {
        ipset = text;
        return this;
    }

    NetworkInputs inputs() {
        List<NetInterface> interfaces = ok(IpAddrParser.parse("ip-addr.txt", addr));
        List<Route> all = new ArrayList<>(ok(IpRouteParser.parse("ip-route.txt", routes, IpFamily.V4)));
        all.addAll(ok(IpRouteParser.parse("ip-6-route.txt", routes6, IpFamily.V6)));
        Optional<List<PolicyRule>> r4 = rules.map(t -> ok(IpRuleParser.parse("ip-rule.txt", t, IpFamily.V4)));
        Optional<List<PolicyRule>> r6 = rules6.map(t -> ok(IpRuleParser.parse("ip-6-rule.txt", t, IpFamily.V6)));
        List<Neighbor> neighbors = ok(IpNeighParser.parse("ip-neigh.txt", neigh));
        Sysctls sysctls = ok(SysctlParser.parse("sysctl.txt", sysctl + "\n" + extraSysctl));
        IpSets sets = ipset.isEmpty() ? IpSets.empty() : ok(IpsetSaveParser.parse("ipset.txt", ipset));
        return new NetworkInputs(interfaces, all, r4, r6, neighbors, sysctls, sets, Optional.empty(),
                ok(IpMaddrParser.parse("ip-maddr.txt", maddr)));
    }

    NodeNetwork build() {
        return NodeNetwork.of(inputs());
    }

    static <T> T ok(Parsed<T> parsed) {
        assertEquals(List.of(), parsed.errors(), "fixture must parse without errors");
        return parsed.value();
    }

    static String resource(String name) {
        try (InputStream in = TestNodes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (io.pktpath.parser.diag.InvalidValueException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A received TCP SYN (UDP for proto 17) from {@code src} to {@code dst} arriving on {@code in}. */
    static Packet received(String src, String dst, String in) {
        return received(src, dst, in, Packet.TCP, 40000, 80);
    }

    static Packet received(String src, String dst, String in, int proto, int sport, int dport) {
        IpAddress s = ip(src);
        return Packet.synthetic(s.family(), proto, s, sport, ip(dst), dport, in, false);
    }

    /** A locally generated TCP SYN; {@code src} may be 0.0.0.0 / :: for an unbound socket. */
    static Packet local(String src, String dst) {
        IpAddress d = ip(dst);
        return Packet.synthetic(d.family(), Packet.TCP, ip(src), 40000, d, 80, "", true);
    }
}
