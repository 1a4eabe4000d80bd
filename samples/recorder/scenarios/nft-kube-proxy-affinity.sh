#!/usr/bin/env bash
# nft-kube-proxy-affinity: kube-proxy's nftables mode with sessionAffinity: ClientIP, in the shape pkg/proxy/nftables
# writes it: per endpoint a dynamic set affinity-<endpoint chain's suffix> (`type ipv4_addr; flags dynamic,timeout;
# timeout <affinity seconds>`), in the service chain one `ip saddr @affinity-… goto endpoint-…` per endpoint before the
# `numgen random mod 2 vmap`, and in each endpoint chain `update @affinity-… { ip saddr }` before the `dnat`. The
# affinity timeout is 10 s (kube-proxy's default is 10800 s) so that the recording also shows an element expire.
# Service default/web:http 10.96.0.10:80/tcp → web1 10.244.1.3:8080, web2 10.244.1.4:8080. client (10.244.1.2) makes
# 6 connections, client2 (10.244.1.5) 3, the sets are listed (nft-sets-pinned.txt), and after client's element expired
# (nft-sets-expired.txt) client connects once more. nft-trace.txt is `nft monitor trace` (xtables-monitor exits at
# kube-proxy's concatenations, as in nft-kube-proxy), nft-ruleset.txt `nft -a list ruleset` after the traffic.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nka"
pkp_init nft-kube-proxy-affinity
source "$PKP_LIB_DIR/lib-extra.sh"

b_nkp_node
add_pod client2 10.244.1.5

WEB="service-$(b_nkp_hash default/web:http/tcp)-default/web/tcp/http"
E1="$(b_nkp_hash default/web:http/tcp10.244.1.3:8080)-default/web/tcp/http__10.244.1.3/8080"
E2="$(b_nkp_hash default/web:http/tcp10.244.1.4:8080)-default/web/tcp/http__10.244.1.4/8080"
AFFINITY=10

{
  b_nkp_table 4 "10.96.0.10" 10.96.0.0/16 "" "10.96.0.10 . tcp . 80 : goto $WEB"
  cat <<N
	set affinity-$E1 { type ipv4_addr; flags dynamic,timeout; timeout ${AFFINITY}s; }
	set affinity-$E2 { type ipv4_addr; flags dynamic,timeout; timeout ${AFFINITY}s; }
	chain $WEB { ip daddr 10.96.0.10 tcp dport 80 ip saddr != $POD_CIDR jump mark-for-masquerade; ip saddr @affinity-$E1 goto endpoint-$E1; ip saddr @affinity-$E2 goto endpoint-$E2; numgen random mod 2 vmap { 0 : goto endpoint-$E1, 1 : goto endpoint-$E2 }; }
	chain endpoint-$E1 { ip saddr 10.244.1.3 jump mark-for-masquerade; update @affinity-$E1 { ip saddr }; meta l4proto tcp dnat to 10.244.1.3:8080; }
	chain endpoint-$E2 { ip saddr 10.244.1.4 jump mark-for-masquerade; update @affinity-$E2 { ip saddr }; meta l4proto tcp dnat to 10.244.1.4:8080; }
}
N
} > "$WORK/kube-proxy.nft"
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

b_serve web1 tcp 8080 50; b_serve web2 tcp 8080 50

sets() { nsx "$NODE_NS" nft list set ip kube-proxy "affinity-$E1"; nsx "$NODE_NS" nft list set ip kube-proxy "affinity-$E2"; }
snapshot_state before
start_capture; start_trace nft
t0=$(date +%s.%N)
at() { local w; w=$(python3 -c "import time; print(max(0.0, $t0 + $1 - time.time()))"); sleep "$w"; }
for i in 1 2 3 4 5 6; do at "$(( (i - 1) * 4 ))e-1"; b_probe client tcp 10.96.0.10 80 - $((45100 + i)) 3; done   # +0..+2.0
for i in 1 2 3; do at "$(( 22 + (i - 1) * 4 ))e-1"; b_probe client2 tcp 10.96.0.10 80 - $((45200 + i)) 3; done  # +2.2..+3.0
at 3.4; sets > "$BUNDLE/nft-sets-pinned.txt"
at 13.6; sets > "$BUNDLE/nft-sets-expired.txt"       # client's element (last updated at +2.0) expired at +12.0
at 14.0; b_probe client tcp 10.96.0.10 80 - 45107 3  # a new choice (numgen), a new element
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

P="$WORK/probes.txt"
[ "$(grep -c 'result=connected' "$P")" = 10 ] || b_fail "not every connection was answered: $(cat "$P")"
first=$(grep -m1 'from 10.244.1.2:45101' "$P" | sed -n "s/.*reply='\(web[12]\) .*/\1/p")
[ -n "$first" ] || b_fail "no endpoint for client's first connection"
pinned=$(grep -cE "from 10.244.1.2:4510[1-6] result=connected reply='$first " "$P")
[ "$pinned" = 6 ] || b_fail "client's 6 connections went to $first only $pinned times"
first2=$(grep -m1 'from 10.244.1.5:45201' "$P" | sed -n "s/.*reply='\(web[12]\) .*/\1/p")
pinned2=$(grep -cE "from 10.244.1.5:4520[1-3] result=connected reply='$first2 " "$P")
[ "$pinned2" = 3 ] || b_fail "client2's 3 connections went to $first2 only $pinned2 times"
grep -q 'elements = { 10.244.1.2 ' "$BUNDLE/nft-sets-pinned.txt" || b_fail "client not in an affinity set"
grep -q '10.244.1.2' "$BUNDLE/nft-sets-expired.txt" && b_fail "client's element did not expire"
last=$(grep 'from 10.244.1.2:45107' "$P" | sed -n "s/.*reply='\(web[12]\) .*/\1/p")
hits=$(grep -cE "ip kube-proxy $WEB rule ip saddr @affinity-.* goto endpoint-" "$BUNDLE/nft-trace.txt" || true)
rnd=$(grep -cE "ip kube-proxy $WEB rule numgen random mod 2 vmap .*\(verdict goto endpoint-" "$BUNDLE/nft-trace.txt" || true)
env_put CLIENT_IP 10.244.1.2
env_put CLIENT2_IP 10.244.1.5
env_put AFFINITY_SECONDS "$AFFINITY"
env_put CLIENT_ENDPOINT "$first"
env_put CLIENT2_ENDPOINT "$first2"
env_put CLIENT_AFTER_EXPIRY_ENDPOINT "$last"

{
  echo "# nft-kube-proxy-affinity: kube-proxy's nftables mode, sessionAffinity: ClientIP (dynamic sets, update, expiry)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP; Calico-style pods client 10.244.1.2,"
  echo "client2 10.244.1.5, web1 10.244.1.3 and web2 10.244.1.4 (TCP 8080 servers answering \`<pod> port 8080 saw …\`)."
  echo
  echo "Rules: kube-proxy's \`table ip kube-proxy\` (nft-input.txt, \`nft -f\`) in the shape of pkg/proxy/nftables for"
  echo "default/web:http 10.96.0.10:80/tcp → 10.244.1.3:8080, 10.244.1.4:8080 with \`sessionAffinity: ClientIP\` and"
  echo "\`timeoutSeconds: $AFFINITY\`: per endpoint a set \`affinity-…\` (\`type ipv4_addr; flags dynamic,timeout; timeout ${AFFINITY}s\`),"
  echo "the service chain"
  echo
  echo '```'; grep -F "chain $WEB " "$WORK/kube-proxy.nft" | sed 's/; /;\n    /g; s/^\t//'; echo '```'
  echo
  echo "and the endpoint chains \`ip saddr <endpoint> jump mark-for-masquerade; update @affinity-… { ip saddr }; meta l4proto"
  echo "tcp dnat to <endpoint>:8080\`. iptables (rules-input.txt) holds only nat POSTROUTING \`-s $POD_CIDR ! -d $POD_CIDR -j MASQUERADE\`"
  echo "and the TRACE rules."
  echo
  echo "## Traffic (probes.txt; seconds after the first)"
  echo
  echo "client: 6 TCP connections to 10.96.0.10:80 from ports 45101-45106 at +0, +0.4, … +2.0; client2: 3 from 45201-45203"
  echo "at +2.2, +2.6, +3.0; the sets listed at +3.4 (nft-sets-pinned.txt) and at +13.6 (nft-sets-expired.txt); client:"
  echo "one more from 45107 at +14.0."
  echo
  echo "## What the kernel did"
  echo
  echo "- client's first connection (45101) found no element in either set: \`numgen random mod 2 vmap\` chose $first, whose"
  echo "  endpoint chain's \`update\` added 10.244.1.2 to its set (timeout ${AFFINITY}s) before the DNAT. Its 5 later connections"
  echo "  matched \`ip saddr @affinity-…\` in the service chain and went to $first too ($pinned of 6); each \`update\` refreshed the"
  echo "  element's timeout."
  echo "- client2 (contrast): its first connection was a new numgen choice ($first2), its 3 connections all went there."
  echo "- nft-trace.txt: $hits service-chain rule line(s) \`ip saddr @affinity-… goto endpoint-…\` (the pinned first packets),"
  echo "  $rnd \`numgen random mod 2 vmap\` line(s) (the first connection of each client and the one after expiry)."
  echo "- The sets at +3.4 (nft-sets-pinned.txt): $(grep -h 'elements' "$BUNDLE/nft-sets-pinned.txt" | sed 's/^[[:space:]]*//' | paste -sd';' -)."
  echo "- At +13.6 (nft-sets-expired.txt) both elements had expired (client's last update at +2.0, client2's at +3.0): $(grep -c elements "$BUNDLE/nft-sets-expired.txt" || true) set(s) with elements."
  echo "- client's connection at +14.0 (45107) was a new numgen choice: $last, which added a new element."
  echo "- Only a connection's first packet walks the nat chains: the later packets of each connection follow its conntrack entry."
  b_readme_tail 'REJECT|DROP|kube-proxy:(nat|masq)'
} > "$BUNDLE/README.md"
pkp_finish
