package io.pktpath.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pktpath.parser.bundle.Bundle;
import io.pktpath.parser.iproute.NetInterface;
import io.pktpath.parser.linklayer.LinkLayerChain;
import io.pktpath.parser.linklayer.LinkLayerRules;
import io.pktpath.parser.iptables.model.Chain;
import io.pktpath.parser.iptables.model.Ruleset;
import io.pktpath.parser.iptables.model.Table;
import io.pktpath.parser.nft.IptablesNftTables;
import io.pktpath.parser.nft.NftChain;
import io.pktpath.parser.nft.NftRuleset;
import io.pktpath.parser.nft.NftTable;
import java.util.Optional;

/**
 * The counts of {@code rules check --format json}: tables, chains and rules per family, the nft ruleset's tables with
 * their base chains (native or iptables-nft's own), and the other inputs.
 */
final class Contents {
    private Contents() {
    }

    static ObjectNode json(Bundle b) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("iptables", listed(ruleset(b.rulesetV4()), b.listings(io.pktpath.parser.net.IpFamily.V4)));
        o.set("ip6tables", listed(ruleset(b.rulesetV6()), b.listings(io.pktpath.parser.net.IpFamily.V6)));
        if (!b.legacy().isEmpty()) {
            o.set("iptablesLegacy", ruleset(b.legacy().rulesetV4()));
            o.set("ip6tablesLegacy", ruleset(b.legacy().rulesetV6()));
            o.put("legacyFirst", b.legacy().legacyFirst());
        }
        o.set("nftables", nftables(b.nftRuleset(), b.nftReplay()));
        if (b.ipvs().detected() || b.ipvs().table().isPresent()) {
            o.set("ipvs", ipvs(b.ipvs()));
        }
        for (LinkLayerRules r : b.linkLayer()) {
            o.set(r.tool().command(), linkLayer(r, b.nftReplay()));
        }
        ArrayNode ifs = o.putArray("interfaces");
        for (NetInterface i : b.interfaces()) {
            ObjectNode n = ifs.addObject();
            n.put("index", i.index());
            n.put("name", i.name());
            ArrayNode a = n.putArray("addresses");
            i.addresses().forEach(x -> a.add(x.cidr().address() + "/" + x.cidr().prefixLength()));
        }
        o.put("routesV4", b.routesV4().size());
        o.put("routesV6", b.routesV6().size());
        o.put("ipRulesV4", b.policyRulesV4().size());
        o.put("ipRulesV6", b.policyRulesV6().size());
        o.put("neighbors", b.neighbors().size());
        o.put("sysctls", b.sysctls().values().size());
        o.put("ipsets", b.ipsets().sets().size());
        o.put("conntrackBefore", b.conntrackBefore().size());
        o.put("conntrack", b.conntrack().size());
        ArrayNode caps = o.putArray("captures");
        b.captures().forEach(p -> caps.add(String.valueOf(p.getFileName())));
        return o;
    }

    /**
     * An ebtables or arptables ruleset: not replayed from these files; each chain with its policy and rules, and for an
     * ebtables-nft chain the nft listing holds, whether it is replayed from there ({@code replayedFromNftListing}).
     */
    private static ObjectNode linkLayer(LinkLayerRules r, io.pktpath.parser.nft.NftNativeReplay replay) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("replayed", false);
        o.put("rules", r.ruleCount());
        ArrayNode chains = o.putArray("chains");
        for (LinkLayerChain c : r.chains()) {
            ObjectNode n = chains.addObject();
            n.put("table", c.table());
            n.put("chain", c.name());
            n.put("builtin", c.builtin());
            n.put("policy", c.policy());
            n.put("file", c.file());
            n.put("line", c.line());
            n.put("replayedFromNftListing", replay.replaysFromListing(r, c));
            ArrayNode rules = n.putArray("rules");
            c.rules().forEach(x -> rules.addObject().put("line", x.line()).put("text", x.text()).put("target", x.target()));
        }
        return o;
    }

    /** Whether kube-proxy runs in IPVS mode, the evidence, and the ipvsadm file's virtual services with real servers. */
    private static ObjectNode ipvs(io.pktpath.parser.ipvs.IpvsMode ipvs) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("detected", ipvs.detected());
        o.put("replayed", false);
        ArrayNode evidence = o.putArray("evidence");
        ipvs.evidence().forEach(evidence::add);
        ArrayNode dummy = o.putArray("kubeIpvs0Addresses");
        ipvs.dummyAddresses().forEach(a -> dummy.add(a.toString()));
        ipvs.table().ifPresent(t -> o.put("file", t.file()));
        ArrayNode services = o.putArray("virtualServices");
        ipvs.table().ifPresent(t -> t.services().forEach(s -> {
            ObjectNode n = services.addObject();
            n.put("protocol", s.protocol().name());
            s.address().ifPresentOrElse(a -> n.put("address", a.toString()), () -> n.putNull("address"));
            if (s.address().isPresent()) {
                n.put("port", s.port());
            } else {
                n.put("fwmark", s.fwmark());
            }
            n.put("scheduler", s.scheduler());
            s.persistenceSeconds().ifPresentOrElse(p -> n.put("persistentSeconds", p), () -> n.putNull("persistentSeconds"));
            n.put("line", s.line());
            ArrayNode real = n.putArray("realServers");
            s.realServers().forEach(r -> real.addObject().put("address", r.address().toString()).put("port", r.port())
                    .put("forward", r.forward().word()).put("weight", r.weight()));
        }));
        return o;
    }

    private static ObjectNode nftables(Optional<NftRuleset> ruleset, io.pktpath.parser.nft.NftNativeReplay replay) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("present", ruleset.isPresent());
        ruleset.ifPresent(r -> o.put("file", r.file()));
        ArrayNode tables = o.putArray("tables");
        for (NftTable t : ruleset.map(NftRuleset::tables).orElse(java.util.List.of())) {
            ObjectNode tn = tables.addObject();
            tn.put("family", t.family().keyword());
            tn.put("name", t.name());
            tn.put("line", t.line());
            tn.put("chains", t.chains().size());
            tn.put("rules", t.chains().stream().mapToInt(c -> c.rules().size()).sum());
            ArrayNode base = tn.putArray("baseChains");
            for (NftChain c : t.chains()) {
                c.base().ifPresent(b -> {
                    ObjectNode cn = base.addObject();
                    cn.put("name", c.name());
                    cn.put("type", b.type());
                    cn.put("hook", b.hook());
                    cn.put("priority", b.priorityText());
                    b.priority().ifPresentOrElse(p -> cn.put("priorityValue", p), () -> cn.putNull("priorityValue"));
                    b.device().ifPresent(d -> cn.put("device", d));
                    cn.put("policy", b.policy());
                    cn.put("rules", c.rules().size());
                    boolean nativeChain = !IptablesNftTables.isIptablesOwn(t, c);
                    cn.put("native", nativeChain);
                    boolean fromListing = !nativeChain && replay.considered().stream()
                            .anyMatch(h -> h.qualifiedName().equals(t.qualifiedName() + " " + c.name()));
                    if (fromListing) {
                        // no iptables-save for its family: replayed from the listing
                        cn.put("fromListing", true);
                    }
                    if (nativeChain || fromListing) {
                        Optional<String> why = replay.refusal(t.qualifiedName() + " " + c.name());
                        cn.put("replayed", why.isEmpty());
                        why.ifPresent(w -> cn.put("notReplayed", w));
                    }
                });
            }
            ArrayNode sets = tn.putArray("sets");
            t.sets().forEach(x -> sets.addObject().put("kind", x.kind()).put("name", x.name()).put("elements", x.elements()));
        }
        return o;
    }

    /** A family's ruleset with the {@code -nvL} listings it was read from, when it was ({@code "listings": [...]}). */
    private static ObjectNode listed(ObjectNode ruleset, java.util.List<String> listings) {
        if (!listings.isEmpty()) {
            ArrayNode files = ruleset.putArray("listings");
            listings.forEach(files::add);
        }
        return ruleset;
    }

    private static ObjectNode ruleset(Optional<Ruleset> ruleset) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("present", ruleset.isPresent());
        ArrayNode tables = o.putArray("tables");
        for (Table t : ruleset.map(Ruleset::tables).orElse(java.util.List.of())) {
            ObjectNode tn = tables.addObject();
            tn.put("name", t.name());
            ArrayNode chains = tn.putArray("chains");
            for (Chain c : t.chains()) {
                ObjectNode cn = chains.addObject();
                cn.put("name", c.name());
                c.policy().ifPresentOrElse(p -> cn.put("policy", p.name()), () -> cn.putNull("policy"));
                cn.put("rules", c.rules().size());
            }
        }
        return o;
    }
}
