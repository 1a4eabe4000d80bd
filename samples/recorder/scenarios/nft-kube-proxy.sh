#!/usr/bin/env bash
# nft-kube-proxy: a node whose services are kube-proxy's nftables mode (Kubernetes 1.31+), not iptables: a native
# `table ip kube-proxy` in the exact shape kube-proxy's nftables proxier writes (sets cluster-ips and nodeport-ips, the
# verdict maps service-ips / service-nodeports / no-endpoint-services keyed by `ip daddr . meta l4proto . th dport`,
# the filter-* chains, nat-prerouting / nat-output / nat-postrouting, service-* chains choosing an endpoint with
# `numgen random mod 2 vmap`, endpoint-* chains with `dnat to`, mark-for-masquerade and masquerading with
# `masquerade fully-random`), loaded with `nft -f`. Beside it, iptables (loaded after it, so at the shared srcnat
# priority iptables' nat POSTROUTING runs first) holds a CNI-like `-s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE`
# and the TRACE rules. Services: default/web:http 10.96.0.10:80/tcp (2 endpoints, NodePort 30080), default/dns:dns
# 10.96.0.20:53/udp (2 endpoints), default/gone:http 10.96.0.30:80/tcp (no endpoints: rejected). A second native table,
# ip pkp-early, has a nat chain at dstnat - 10 that maps one client connection first (the nat core stops there).
# nft-ruleset.txt is `nft -a list ruleset` after the traffic; nft-trace.txt is `nft monitor trace`, the kernel's whole
# trace (xtables-monitor exits at the first kube-proxy rule it cannot parse: trace.txt is cut, TRACE_COMPLETE=no).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nkp"
pkp_init nft-kube-proxy
source "$PKP_LIB_DIR/lib-extra.sh"

b_nkp_node

# kube-proxy's chain names (b_nkp_hash: as pkg/proxy/nftables names them).
WEB="service-$(b_nkp_hash default/web:http/tcp)-default/web/tcp/http"
WEBX="external-$(b_nkp_hash default/web:http/tcp)-default/web/tcp/http"
WEB1="endpoint-$(b_nkp_hash default/web:http/tcp10.244.1.3:8080)-default/web/tcp/http__10.244.1.3/8080"
WEB2="endpoint-$(b_nkp_hash default/web:http/tcp10.244.1.4:8080)-default/web/tcp/http__10.244.1.4/8080"
DNS="service-$(b_nkp_hash default/dns:dns/udp)-default/dns/udp/dns"
DNS1="endpoint-$(b_nkp_hash default/dns:dns/udp10.244.1.3:5353)-default/dns/udp/dns__10.244.1.3/5353"
DNS2="endpoint-$(b_nkp_hash default/dns:dns/udp10.244.1.4:5353)-default/dns/udp/dns__10.244.1.4/5353"

{
  b_nkp_table 4 "10.96.0.10, 10.96.0.20, 10.96.0.30" 10.96.0.0/16 \
    '10.96.0.30 . tcp . 80 comment "default/gone:http" : goto reject-chain' \
    "10.96.0.10 . tcp . 80 : goto $WEB, 10.96.0.20 . udp . 53 : goto $DNS" "tcp . 30080 : goto $WEBX"
  cat <<N
	chain $WEB { ip daddr 10.96.0.10 tcp dport 80 ip saddr != $POD_CIDR jump mark-for-masquerade; numgen random mod 2 vmap { 0 : goto $WEB1, 1 : goto $WEB2 }; }
	chain $WEBX { jump mark-for-masquerade; goto $WEB; }
	chain $WEB1 { ip saddr 10.244.1.3 jump mark-for-masquerade; meta l4proto tcp dnat to 10.244.1.3:8080; }
	chain $WEB2 { ip saddr 10.244.1.4 jump mark-for-masquerade; meta l4proto tcp dnat to 10.244.1.4:8080; }
	chain $DNS { ip daddr 10.96.0.20 udp dport 53 ip saddr != $POD_CIDR jump mark-for-masquerade; numgen random mod 2 vmap { 0 : goto $DNS1, 1 : goto $DNS2 }; }
	chain $DNS1 { ip saddr 10.244.1.3 jump mark-for-masquerade; meta l4proto udp dnat to 10.244.1.3:5353; }
	chain $DNS2 { ip saddr 10.244.1.4 jump mark-for-masquerade; meta l4proto udp dnat to 10.244.1.4:5353; }
}
N
} > "$WORK/kube-proxy.nft"
# A second native table whose nat chain runs before kube-proxy's (dstnat - 10) and maps one connection (client port
# 45010) to web1: the nat core stops at the first chain that maps, so neither iptables' nat PREROUTING nor kube-proxy's
# nat-prerouting sees that connection.
cat >> "$WORK/kube-proxy.nft" <<'N'
table ip pkp-early {
	chain pre {
		type nat hook prerouting priority dstnat - 10; policy accept;
		ip saddr 10.244.1.2 tcp sport 45010 counter dnat to 10.244.1.3:8080
	}
}
N
b_nft_load "$WORK/kube-proxy.nft"

cat > "$WORK/rules.v4" <<R
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s $POD_CIDR ! -d $POD_CIDR -j MASQUERADE
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

for p in web1 web2; do tcp_server "$p" 8080 60; udp_server "$p" 5353 60; done
b_serve up tcp 9000 60

snapshot_state before
start_capture; start_trace nft
for i in 1 2 3 4; do                                              # ClusterIP TCP: numgen picks web1 or web2
  tcp_connect client 10.96.0.10 80 "web-$i" 3 | sed 's/^/[client] web /' | tee -a "$WORK/probes.txt"; sleep 0.3
done
for i in 1 2 3; do                                                # ClusterIP UDP, one socket each
  udp_request client 10.96.0.20 53 2 "dns-$i" | sed 's/^/[client] dns /' | tee -a "$WORK/probes.txt"; sleep 0.3
done
b_probe client tcp 10.96.0.30 80 - 45001 2; sleep 2.6            # no endpoints: reject-chain (port unreachable)
b_probe client tcp 10.96.0.10 81 - 45002 2; sleep 2.6            # a ClusterIP's other port: cluster-ips-check rejects
for i in 1 2; do                                                  # from outside to the ClusterIP: masqueraded
  b_probe up tcp 10.96.0.10 80 - $((46000 + i)) 3; sleep 0.3
done
for i in 1 2; do                                                  # NodePort: external chain, masqueraded
  b_probe up tcp "$NODE_IP" 30080 - $((47000 + i)) 3; sleep 0.3
done
b_probe client tcp "$UPLINK_IP" 9000 - 45003 3; sleep 0.3        # pod egress: iptables' MASQUERADE
b_probe client tcp 10.96.0.10 80 - 45010 3; sleep 0.3           # pkp-early's nat chain maps it first
for i in 1 2; do                                                  # the node itself: nat-output, masqueraded
  b_probe node tcp 10.96.0.10 80 - $((45020 + i)) 3; sleep 0.3
done
for i in 1 2; do                                                  # an endpoint to its own service: hairpin if it picks itself
  b_probe web1 tcp 10.96.0.10 80 - $((45030 + i)) 3; sleep 0.3
done
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c 'web sport=.* reply=web[12]:web-' "$P")" = 4 ] || b_fail "not every ClusterIP TCP connection was answered"
[ "$(grep -c 'dns sport=.* replies=web[12]:dns-' "$P")" = 3 ] || b_fail "not every ClusterIP UDP request was answered"
ck "no endpoints" "tcp 10.96.0.30:80 result=ECONNREFUSED"
ck "other port" "tcp 10.96.0.10:81 result=ECONNREFUSED"
[ "$(grep -c "tcp 10.96.0.10:80 from $UPLINK_IP:4600[12] result=connected" "$P")" = 2 ] || b_fail "uplink to ClusterIP"
[ "$(grep -c "tcp $NODE_IP:30080 from $UPLINK_IP:4700[12] result=connected" "$P")" = 2 ] || b_fail "NodePort"
ck "pod egress" "tcp $UPLINK_IP:9000 from 10.244.1.2:45003 result=connected"
ck "early nat chain" "tcp 10.96.0.10:80 from 10.244.1.2:45010 result=connected reply='web1:"
[ "$(grep -c "tcp 10.96.0.10:80 from $NODE_IP:4502[12] result=connected" "$P")" = 2 ] || b_fail "node to ClusterIP"
[ "$(grep -c "tcp 10.96.0.10:80 from 10.244.1.3:4503[12] result=connected" "$P")" = 2 ] || b_fail "web1 to ClusterIP"
hairpins=$(grep -c "tcp 10.96.0.10:80 from 10.244.1.3:4503[12] result=connected reply='web1:" "$P" || true)
env_put WEB1_HAIRPINS "$hairpins"
early=$(sed -n 's/.*tcp sport 45010 counter packets \([0-9]*\) .*/\1/p' "$BUNDLE/nft-ruleset.txt")
[ "${early:-0}" = 1 ] || b_fail "pkp-early's dnat rule counted ${early:-nothing}"
grep -qE 'ip kube-proxy nat-prerouting .*tcp sport 45010 ' "$BUNDLE/nft-trace.txt" \
  && b_fail "kube-proxy's nat-prerouting saw the connection pkp-early mapped"
grep -q 'table ip kube-proxy' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks kube-proxy's table"
grep -q 'kube-proxy' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows kube-proxy's table"
grep -q 'numgen random mod 2 vmap' "$BUNDLE/nft-ruleset.txt" || b_fail "no numgen map in the listing"
# The uplink's connections were masqueraded by kube-proxy's nft chain, the pod's egress by iptables' rule.
grep -qE "src=$UPLINK_IP .*dport=80 .*dst=$NODE_IP " "$BUNDLE/conntrack-L.txt" || b_fail "uplink->ClusterIP not masqueraded"
grep -qE "src=10.244.1.2 dst=$UPLINK_IP .*dport=9000 .*dst=$NODE_IP " "$BUNDLE/conntrack-L.txt" \
  || b_fail "pod egress not masqueraded"
b_expect_count nat '-j MASQUERADE' -eq 1 > /dev/null
for c in web1 web2; do env_put "WEB_ANSWERED_BY_$(echo $c | tr a-z A-Z)" "$(grep -c "reply=$c:web-" "$P")"; done
for c in web1 web2; do env_put "DNS_ANSWERED_BY_$(echo $c | tr a-z A-Z)" "$(grep -c "replies=$c:dns-" "$P")"; done
env_put CLIENT_IP 10.244.1.2
nft_rejects=$(grep -cE 'ip kube-proxy (reject-chain|cluster-ips-check) rule .*reject.*\(verdict drop\)' "$BUNDLE/nft-trace.txt" || true)
redirects=$(grep -cE '^trace id [0-9a-f]+ ip raw OUTPUT packet: .*icmp type redirect' "$BUNDLE/nft-trace.txt" || true)
nft_masq=$(grep -cE 'ip kube-proxy masquerading rule masquerade fully-random .*\(verdict accept\)' "$BUNDLE/nft-trace.txt" || true)

{
  echo "# nft-kube-proxy: kube-proxy's nftables mode (ClusterIP TCP and UDP, no endpoints, masquerade, NodePort)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP; Calico-style pods client 10.244.1.2,"
  echo "web1 10.244.1.3 and web2 10.244.1.4 (TCP 8080 and UDP 5353 servers answering \`<pod>:<payload>\`); a TCP server"
  echo "on the uplink at 9000."
  echo
  echo "Rules: kube-proxy's nftables table \`table ip kube-proxy\` (nft-input.txt, loaded with \`nft -f\` first), in the"
  echo "shape of pkg/proxy/nftables: services default/web:http 10.96.0.10:80/tcp → 10.244.1.3:8080, 10.244.1.4:8080"
  echo "(NodePort 30080), default/dns:dns 10.96.0.20:53/udp → 10.244.1.3:5353, 10.244.1.4:5353, default/gone:http"
  echo "10.96.0.30:80/tcp without endpoints (\`no-endpoint-services\` → \`goto reject-chain\`); service CIDR"
  echo "10.96.0.0/16, pod CIDR $POD_CIDR. Then iptables (rules-input.txt, iptables-restore, nf_tables variant) with only"
  echo "nat POSTROUTING \`-s $POD_CIDR ! -d $POD_CIDR -j MASQUERADE\` (and the TRACE rules in raw): registered after"
  echo "kube-proxy's nat-postrouting at the same priority (srcnat, 100), iptables' nat chain runs first there."
  echo "iptables-save.txt does not show kube-proxy's table; nft-ruleset.txt (\`nft -a list ruleset\`, after the traffic)"
  echo "shows both."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "client: 4 TCP connections to 10.96.0.10:80, 3 UDP requests (one socket each) to 10.96.0.20:53, TCP to"
  echo "10.96.0.30:80 (sport 45001) and to 10.96.0.10:81 (45002), TCP to $UPLINK_IP:9000 (45003). Uplink: TCP to"
  echo "10.96.0.10:80 from 46001 and 46002, to $NODE_IP:30080 from 47001 and 47002. client: TCP to 10.96.0.10:80 from"
  echo "45010 (pkp-early's chain). The node itself: TCP to 10.96.0.10:80 from 45021 and 45022. web1: TCP to"
  echo "10.96.0.10:80 from 45031 and 45032."
  echo
  echo "## What the kernel did"
  echo
  echo "- ClusterIP: each connection's first packet went nat-prerouting → services (\`vmap @service-ips\`) → the service"
  echo "  chain, whose \`numgen random mod 2 vmap\` chose an endpoint chain that DNATed it; web1 answered"
  echo "  $(grep -c 'reply=web1:web-' "$P") TCP connection(s), web2 $(grep -c 'reply=web2:web-' "$P"); UDP: web1"
  echo "  $(grep -c 'replies=web1:dns-' "$P"), web2 $(grep -c 'replies=web2:dns-' "$P"). Not masqueraded (source in the pod CIDR)."
  echo "- No endpoints and the ClusterIP's port 81: rejected in filter-forward (service-endpoints-check → reject-chain,"
  echo "  cluster-ips-check), ICMP port unreachable, client ECONNREFUSED ($nft_rejects reject line(s) in nft-trace.txt)."
  echo "- From the uplink (to the ClusterIP and to the NodePort): \`ip saddr != $POD_CIDR jump mark-for-masquerade\`"
  echo "  (resp. the external chain) set mark 0x4000; in postrouting iptables' nat POSTROUTING (policy ACCEPT) ran"
  echo "  first, then kube-proxy's nat-postrouting → masquerading → \`masquerade fully-random\` to $NODE_IP"
  echo "  ($nft_masq such line(s) in nft-trace.txt)."
  echo "- Pod egress to $UPLINK_IP:9000: iptables' MASQUERADE (counter $(b_count nat '-j MASQUERADE')) gave the mapping,"
  echo "  so kube-proxy's nat-postrouting did not run for it (the nat core stops at the first chain that maps)."
  echo "- Client port 45010: \`table ip pkp-early\` (nat prerouting at dstnat - 10) DNATed it to web1 (counter $early); the"
  echo "  nat core stops at the first chain that maps: neither iptables' nat PREROUTING nor kube-proxy's nat-prerouting"
  echo "  appears in its trace."
  echo "- The node's own connections to the ClusterIP: nat-output → services → DNAT; \`ip saddr != $POD_CIDR\` marked"
  echo "  them and kube-proxy's nat-postrouting masqueraded them (fully-random: a new source port)."
  echo "- web1 to its own service: $hairpins of its 2 connections came back to web1 itself (hairpin: the endpoint chain's"
  echo "  \`ip saddr <endpoint> jump mark-for-masquerade\` marked it, nat-postrouting masqueraded it to $NODE_IP), the"
  echo "  others went to web2 unmasqueraded. A hairpin SYN leaves on the interface it came in on, so the kernel sent web1 an"
  echo "  ICMP redirect for it ($redirects \`icmp type redirect\` packet(s) in raw OUTPUT in nft-trace.txt); each stops after"
  echo "  kube-proxy's filter-output-pre-dnat (-110), before filter-output: none is in the capture."
  echo "- trace.txt (xtables-monitor --trace) stops at the first traced packet that meets a kube-proxy rule:"
  echo "  xtables-monitor 1.8.9 exits on a rule it cannot parse (\`$(head -1 "$WORK/xtmon.err")\`, the concatenated"
  echo "  keys), so scenario.env says TRACE_COMPLETE=no. nft-trace.txt (\`nft monitor trace\`) holds every packet;"
  echo "  \`pktpath verify\` reads the IPv4 packets from it when trace.txt is incomplete."
  b_readme_tail 'REJECT|DROP|kube-proxy:(nat|masq)'
} > "$BUNDLE/README.md"
pkp_finish
