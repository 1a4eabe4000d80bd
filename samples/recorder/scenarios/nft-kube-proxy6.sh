#!/usr/bin/env bash
# nft-kube-proxy6: kube-proxy's nftables mode for IPv6 (`table ip6 kube-proxy`, the shape pkg/proxy/nftables writes for
# the IPv6 family): service default/web6:http [fd00:10:96::10]:80/tcp with 2 endpoints chosen by `numgen random mod 2`,
# default/gone6:http [fd00:10:96::30]:80/tcp without endpoints (reject: ICMPv6 port unreachable), a pod's connections
# (not masqueraded) and the uplink's (marked and `masquerade fully-random`). ip6tables holds only the TRACE rules.
# nft-trace.txt (`nft monitor trace`) is the trace of IPv6 (xtables-monitor loses IPv6 events); nft-ruleset.txt is
# `nft -a list ruleset` after the traffic.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nkp-6"
pkp_init nft-kube-proxy6 ipv6
source "$PKP_LIB_DIR/lib-extra.sh"

CLI6=fd00:10:244:1::2; WEB1=fd00:10:244:1::3; WEB2=fd00:10:244:1::4; POD6=fd00:10:244::/48
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2 "$CLI6"
add_pod web1 10.244.1.3 "$WEB1"
add_pod web2 10.244.1.4 "$WEB2"

h() { python3 -c 'import hashlib,base64,sys; print(base64.b32encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode()[:8])' "$1"; }
SVC="service-$(h default/web6:http/tcp)-default/web6/tcp/http"
EP1="endpoint-$(h "default/web6:http/tcp[$WEB1]:8080")-default/web6/tcp/http__[$WEB1]/8080"
EP2="endpoint-$(h "default/web6:http/tcp[$WEB2]:8080")-default/web6/tcp/http__[$WEB2]/8080"
# nft chain names hold no colons: kube-proxy writes an IPv6 endpoint's address with dots (endpoint-...__fd00.10.244.1..3/8080)
EP1="endpoint-$(h "default/web6:http/tcp[$WEB1]:8080")-default/web6/tcp/http__${WEB1//:/.}/8080"
EP2="endpoint-$(h "default/web6:http/tcp[$WEB2]:8080")-default/web6/tcp/http__${WEB2//:/.}/8080"

cat > "$WORK/kube-proxy6.nft" <<N
table ip6 kube-proxy {
	comment "rules for kube-proxy"
	set cluster-ips { type ipv6_addr; comment "Active ClusterIPs"; elements = { fd00:10:96::10, fd00:10:96::30 }; }
	set nodeport-ips { type ipv6_addr; comment "IPs that accept NodePort traffic"; elements = { $NODE_IP6 }; }
	map firewall-ips { type ipv6_addr . inet_proto . inet_service : verdict; comment "destinations that are subject to LoadBalancerSourceRanges"; }
	map no-endpoint-nodeports { type inet_proto . inet_service : verdict; comment "vmap to drop or reject packets to service nodeports with no endpoints"; }
	map no-endpoint-services { type ipv6_addr . inet_proto . inet_service : verdict; comment "vmap to drop or reject packets to services with no endpoints"; elements = { fd00:10:96::30 . tcp . 80 comment "default/gone6:http" : goto reject-chain }; }
	map service-ips { type ipv6_addr . inet_proto . inet_service : verdict; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"; elements = { fd00:10:96::10 . tcp . 80 : goto $SVC }; }
	map service-nodeports { type inet_proto . inet_service : verdict; comment "NodePort traffic"; }
	chain cluster-ips-check { ip6 daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"; ip6 daddr { fd00:10:96::/112 } drop comment "Drop traffic to unallocated ClusterIPs"; }
	chain filter-prerouting-pre-dnat { type filter hook prerouting priority -110; policy accept; ct state new jump firewall-check; }
	chain filter-output-pre-dnat { type filter hook output priority -110; policy accept; ct state new jump firewall-check; }
	chain filter-forward { type filter hook forward priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
	chain filter-input { type filter hook input priority 0; policy accept; ct state new jump nodeport-endpoints-check; ct state new jump service-endpoints-check; }
	chain filter-output { type filter hook output priority 0; policy accept; ct state new jump service-endpoints-check; ct state new jump cluster-ips-check; }
	chain firewall-check { ip6 daddr . meta l4proto . th dport vmap @firewall-ips; }
	chain mark-for-masquerade { mark set mark or 0x4000; }
	chain masquerading { mark and 0x4000 == 0 return; mark set mark xor 0x4000; masquerade fully-random; }
	chain nat-output { type nat hook output priority -100; policy accept; jump services; }
	chain nat-postrouting { type nat hook postrouting priority 100; policy accept; jump masquerading; }
	chain nat-prerouting { type nat hook prerouting priority -100; policy accept; jump services; }
	chain nodeport-endpoints-check { ip6 daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports; }
	chain reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports"; reject; }
	chain services { ip6 daddr . meta l4proto . th dport vmap @service-ips; ip6 daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports; }
	chain service-endpoints-check { ip6 daddr . meta l4proto . th dport vmap @no-endpoint-services; }
	chain $SVC { ip6 daddr fd00:10:96::10 tcp dport 80 ip6 saddr != $POD6 jump mark-for-masquerade; numgen random mod 2 vmap { 0 : goto $EP1, 1 : goto $EP2 }; }
	chain $EP1 { ip6 saddr $WEB1 jump mark-for-masquerade; meta l4proto tcp dnat to [$WEB1]:8080; }
	chain $EP2 { ip6 saddr $WEB2 jump mark-for-masquerade; meta l4proto tcp dnat to [$WEB2]:8080; }
}
N
cp "$WORK/kube-proxy6.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/kube-proxy6.nft" || b_fail "nft -f kube-proxy6.nft failed"
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v6"
cp "$WORK/rules.v6" "$BUNDLE/rules-input.txt"
load_rules6 "$WORK/rules.v6"
for p in web1 web2; do tcp_server "$p" 8080 40 6; done

snapshot_state before
start_capture; start_trace
for i in 1 2 3; do                                                # a pod to the ClusterIP: numgen picks web1 or web2
  tcp_connect client fd00:10:96::10 80 "web6-$i" 3 | sed 's/^/[client] web6 /' | tee -a "$WORK/probes.txt"; sleep 0.3
done
tcp_connect client fd00:10:96::30 80 gone 2 | sed 's/^/[client] gone6 /' | tee -a "$WORK/probes.txt"; sleep 2.6
for i in 1 2; do                                                  # the uplink to the ClusterIP: masqueraded
  tcp_connect up fd00:10:96::10 80 "up6-$i" 3 | sed 's/^/[up] web6 /' | tee -a "$WORK/probes.txt"; sleep 0.3
done
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

P="$WORK/probes.txt"
[ "$(grep -c '\[client\] web6 sport=.* reply=web[12]:web6-' "$P")" = 3 ] || b_fail "not every ClusterIP connection was answered"
grep -qE "gone6 error=ConnectionRefusedError" "$P" || b_fail "no-endpoints service not refused"
[ "$(grep -c '\[up\] web6 sport=.* reply=web[12]:up6-' "$P")" = 2 ] || b_fail "uplink to ClusterIP"
grep -qE "src=$UPLINK_IP6 .*dport=80 .*dst=$NODE_IP6 " "$BUNDLE/conntrack-L.txt" || b_fail "uplink->ClusterIP not masqueraded"
grep -q 'table ip6 kube-proxy' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks kube-proxy's table"
for c in web1 web2; do env_put "ANSWERED_BY_$(echo $c | tr a-z A-Z)" "$(grep -c "reply=$c:web6-" "$P")"; done
env_put CLIENT_IP6 "$CLI6"
nft_lines=$(grep -c '^trace id' "$BUNDLE/nft-trace.txt" || true)

{
  echo "# nft-kube-proxy6: kube-proxy's nftables mode for IPv6 (ClusterIP, no endpoints, masquerade)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (IPv6 forwarding), uplink eth0 $NODE_IP6/64 ↔ $UPLINK_IP6; Calico-style pods client $CLI6, web1"
  echo "$WEB1 and web2 $WEB2 (TCP 8080 servers answering \`<pod>:<payload>\`), each \`default via $POD_GW6\`."
  echo
  echo "Rules: kube-proxy's nftables table \`table ip6 kube-proxy\` (nft-input.txt, loaded with \`nft -f\`), in the shape of"
  echo "pkg/proxy/nftables for IPv6: default/web6:http [fd00:10:96::10]:80/tcp → [$WEB1]:8080, [$WEB2]:8080 (\`numgen random"
  echo "mod 2\`), default/gone6:http [fd00:10:96::30]:80/tcp without endpoints (\`goto reject-chain\`); pod CIDR $POD6."
  echo "ip6tables holds only the TRACE rules (rules-input.txt: empty filter table)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "client: 3 TCP connections to [fd00:10:96::10]:80, one to [fd00:10:96::30]:80. Uplink: 2 TCP connections to"
  echo "[fd00:10:96::10]:80."
  echo
  echo "## What the kernel did"
  echo
  echo "- The pod's connections: nat-prerouting → services → the service chain's \`numgen random mod 2 vmap\` → an endpoint"
  echo "  chain's \`dnat to\`; web1 answered $(grep -c 'reply=web1:web6-' "$P"), web2 $(grep -c 'reply=web2:web6-' "$P"). Not masqueraded."
  echo "- No endpoints: rejected in filter-forward (service-endpoints-check → reject-chain: \`reject\`, ICMPv6 port"
  echo "  unreachable), client ECONNREFUSED."
  echo "- The uplink's connections: marked by \`ip6 saddr != $POD6 jump mark-for-masquerade\` and masqueraded to $NODE_IP6"
  echo "  by nat-postrouting's \`masquerade fully-random\`."
  echo "- nft-trace.txt holds $nft_lines \`trace id\` lines (every IPv6 packet); xtables-monitor does not print IPv6 trace"
  echo "  events of these rules, so \`pktpath verify\` reads IPv6 from nft-trace.txt."
  b_readme_tail 'REJECT|DROP|kube-proxy:(nat|masq)'
} > "$BUNDLE/README.md"
pkp_finish
