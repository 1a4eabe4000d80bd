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
b_nkp_node "$CLI6" "$WEB1" "$WEB2"

SVC="service-$(b_nkp_hash default/web6:http/tcp)-default/web6/tcp/http"
EP1="endpoint-$(b_nkp_hash "default/web6:http/tcp[$WEB1]:8080")-default/web6/tcp/http__[$WEB1]/8080"
EP2="endpoint-$(b_nkp_hash "default/web6:http/tcp[$WEB2]:8080")-default/web6/tcp/http__[$WEB2]/8080"
# nft chain names hold no colons: kube-proxy writes an IPv6 endpoint's address with dots (endpoint-...__fd00.10.244.1..3/8080)
EP1="endpoint-$(b_nkp_hash "default/web6:http/tcp[$WEB1]:8080")-default/web6/tcp/http__${WEB1//:/.}/8080"
EP2="endpoint-$(b_nkp_hash "default/web6:http/tcp[$WEB2]:8080")-default/web6/tcp/http__${WEB2//:/.}/8080"

{
  b_nkp_table 6 "fd00:10:96::10, fd00:10:96::30" fd00:10:96::/112 \
    'fd00:10:96::30 . tcp . 80 comment "default/gone6:http" : goto reject-chain' "fd00:10:96::10 . tcp . 80 : goto $SVC"
  cat <<N
	chain $SVC { ip6 daddr fd00:10:96::10 tcp dport 80 ip6 saddr != $POD6 jump mark-for-masquerade; numgen random mod 2 vmap { 0 : goto $EP1, 1 : goto $EP2 }; }
	chain $EP1 { ip6 saddr $WEB1 jump mark-for-masquerade; meta l4proto tcp dnat to [$WEB1]:8080; }
	chain $EP2 { ip6 saddr $WEB2 jump mark-for-masquerade; meta l4proto tcp dnat to [$WEB2]:8080; }
}
N
} > "$WORK/kube-proxy6.nft"
b_nft_load "$WORK/kube-proxy6.nft"
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
