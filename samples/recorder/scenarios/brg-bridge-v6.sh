#!/usr/bin/env bash
# brg-bridge-v6: bridge-family filter chains for IPv6 bridged frames and for a bridged packet br_netfilter DNATs.
# Bridge br-pkp 10.244.8.1/24 + fd00:8::1/64 with three ports (pods a .2/::2, b .3/::3, c .4/::4, fixed MACs);
# net.bridge.bridge-nf-call-iptables=1 and bridge-nf-call-ip6tables=1. iptables nat PREROUTING DNATs the service
# address 10.96.8.10:80 to b 10.244.8.3:8080 (as cni-hostport or a ClusterIP would): a's connection to the service
# is routed back out of the bridge by br_netfilter (its bridged DNAT). `table bridge pkp_br6`, all at -200:
# prerouting (trace flag, counters of NS and NA, of the original and the translated destination, a drop of c's UDP
# 5301 by `ip6 saddr`), forward (a drop of a -> b TCP 8081 by `ip6 saddr`/`ip6 daddr`/`tcp dport`, a `meta l4proto
# udp` counter, the original and the translated destination, `ether type ip6`), input (a drop of TCP 23 to the
# bridge's IPv6 address, an echo-request counter), postrouting (a drop of a's echo requests to c by `oifname`,
# `icmpv6 type`, `ip6 saddr`; the original and translated destination; echo replies). ip6tables filter FORWARD and
# iptables filter FORWARD count the bridged packets. nft-trace.txt is `nft monitor trace` (bridge, ip and ip6).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="brg-v6"
pkp_init brg-bridge-v6 ipv6
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns
make_bridge br-pkp 10.244.8.1/24
ip -n "$NODE_NS" addr add fd00:8::1/64 dev br-pkp nodad
add_bridge_pod a 10.244.8.2/24 10.244.8.1 br-pkp
add_bridge_pod b 10.244.8.3/24 10.244.8.1 br-pkp
add_bridge_pod c 10.244.8.4/24 10.244.8.1 br-pkp
A_IP=10.244.8.2; B_IP=10.244.8.3; C_IP=10.244.8.4; BR_IP=10.244.8.1; SVC_IP=10.96.8.10
A6=fd00:8::2; B6=fd00:8::3; C6=fd00:8::4; BR6=fd00:8::1
MAC_A=02:00:0a:f4:08:02; MAC_B=02:00:0a:f4:08:03; MAC_C=02:00:0a:f4:08:04
AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_C_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
for p in a:$MAC_A:$A6 b:$MAC_B:$B6 c:$MAC_C:$C6; do
  n=${p%%:*}; rest=${p#*:}; mac=${rest:0:17}; ip6=${rest:18}
  ip -n "$(pod_ns "$n")" link set eth0 address "$mac"
  ip -n "$(pod_ns "$n")" addr add "$ip6/64" dev eth0 nodad
  ip -n "$(pod_ns "$n")" -6 route add default via $BR6 dev eth0
done
# neighbour entries stay REACHABLE (base reachable time 120 s) and one created STALE from a solicitation and then used
# waits 120 s before its unicast probe (delay_first_probe_time, 5 s by default): the neighbour discovery below is each
# address's first resolution, and no unreachability probe (NS/NA at times of their own, also after the trace) follows
for n in a b c; do nsx "$(pod_ns "$n")" sysctl -qw net.ipv6.neigh.eth0.base_reachable_time_ms=120000 \
  net.ipv6.neigh.eth0.delay_first_probe_time=120 >/dev/null; done
nsx "$NODE_NS" sysctl -qw net.ipv6.neigh.br-pkp.base_reachable_time_ms=120000 \
  net.ipv6.neigh.br-pkp.delay_first_probe_time=120 >/dev/null
# the ports carry no IPv6 of their own (no MLD or link-local traffic from the node out of them)
for hif in $AIF $BIF $CIF; do nsx "$NODE_NS" sysctl -qw "net.ipv6.conf.$hif.disable_ipv6=1" >/dev/null; done
env_put MAC_A $MAC_A; env_put MAC_B $MAC_B; env_put MAC_C $MAC_C
env_put POD_A_IP6 $A6; env_put POD_B_IP6 $B6; env_put POD_C_IP6 $C6; env_put BRIDGE_IP6 $BR6; env_put SERVICE_IP $SVC_IP
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 >/dev/null

cat > "$WORK/rules.v4" <<R
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d $SVC_IP/32 -p tcp -m tcp --dport 80 -m comment --comment "service to b" -j DNAT --to-destination $B_IP:8080
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d $B_IP/32 -p tcp -m tcp --dport 8080 -m comment --comment "bridged to b 8080" -j ACCEPT
-A FORWARD -i br-pkp -o br-pkp -m comment --comment "bridged" -j ACCEPT
COMMIT
R
cat > "$WORK/rules.v6" <<R
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i br-pkp -o br-pkp -p ipv6-icmp -m comment --comment "bridged icmpv6" -j ACCEPT
-A FORWARD -i br-pkp -o br-pkp -m comment --comment "bridged v6" -j ACCEPT
COMMIT
R
cat "$WORK/rules.v4" "$WORK/rules.v6" > "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
load_rules6 "$WORK/rules.v6"

cat > "$WORK/native.nft" <<N
table bridge pkp_br6 {
	chain br_pre {
		type filter hook prerouting priority -200; policy accept;
		meta nftrace set 1
		icmpv6 type nd-neighbor-solicit counter
		icmpv6 type nd-neighbor-advert counter
		ip daddr $SVC_IP tcp dport 80 counter comment "pre original"
		ip daddr $B_IP tcp dport 8080 counter comment "pre translated"
		ip6 saddr $C6 udp dport 5301 counter drop
	}
	chain br_fwd {
		type filter hook forward priority -200; policy accept;
		ip6 saddr $A6 ip6 daddr $B6 tcp dport 8081 counter drop
		meta l4proto udp ip6 daddr $C6 counter
		ip daddr $SVC_IP tcp dport 80 counter comment "fwd original"
		ip daddr $B_IP tcp dport 8080 counter comment "fwd translated"
		ip6 daddr $B6 tcp dport 8080 counter
		ether type ip6 counter
	}
	chain br_in {
		type filter hook input priority -200; policy accept;
		ip6 daddr $BR6 tcp dport 23 counter drop
		icmpv6 type echo-request counter
	}
	chain br_post {
		type filter hook postrouting priority -200; policy accept;
		oifname "$CIF" icmpv6 type echo-request ip6 saddr $A6 counter drop
		ip daddr $SVC_IP counter comment "post original"
		ip daddr $B_IP tcp dport 8080 counter comment "post translated"
		icmpv6 type echo-reply counter
		ether type ip6 counter
	}
}
N
tcp_server b 8080 60 6
tcp_server b 8081 60 6
udp_server c 5300 60 6
udp_server b 5301 60 6
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
# the pods' MLD reports after their addresses came up are over before the table is loaded, so its counters hold the
# traffic below only (verify compares them as counted from zero)
sleep 3
b_nft_load "$WORK/native.nft"

snapshot_state before
start_capture; start_trace nft
P="$WORK/probes.txt"; : > "$P"
pr() { local tag="$1"; shift; printf '%s %s\n' "$tag" "$("$@" 2>&1 | tr '\n' ' ')" >> "$P"; sleep 0.3; }
pr "[a] tcp [$B6]:8080"   tcp_connect a $B6 8080 hello-v6 2          # bridged v6: passes
pr "[a] tcp [$B6]:8081"   tcp_connect a $B6 8081 hello-8081 1.5      # bridged v6: dropped at br_fwd
pr "[a] udp [$C6]:5300"   udp_request a $C6 5300 2 one               # bridged v6: l4proto counter
pr "[c] udp [$B6]:5301"   udp_request c $B6 5301 1 two               # dropped at br_pre (ip6 saddr c)
pr "[b] ping6 $C6"        ping_from b $C6 1                          # passes; reply counted at br_post
pr "[a] ping6 $C6"        ping_from a $C6 1                          # dropped at br_post
pr "[a] tcp [$BR6]:23"    tcp_connect a $BR6 23 x 1.5                # to the bridge: dropped at br_in
pr "[b] ping6 $BR6"       ping_from b $BR6 1                         # to the bridge: br_in counts it
pr "[a] tcp $SVC_IP:80"   tcp_connect a $SVC_IP 80 hello-svc 2       # DNAT'd to b:8080 and bridged
pr "[a] ping $B_IP"       ping_from a $B_IP 1                        # bridged v4
stop_trace; stop_capture
snapshot_state after
b_keep_probes

ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "a -> b6 8080 connected" "^\[a\] tcp \[$B6\]:8080 sport=[0-9]+ reply=b:hello-v6"
ck "a -> b6 8081 not connected" "^\[a\] tcp \[$B6\]:8081 error="
ck "a -> c6 5300 answered" "^\[a\] udp \[$C6\]:5300 sport=[0-9]+ replies=c:one"
ck "c -> b6 5301 not answered" "^\[c\] udp \[$B6\]:5301 sport=[0-9]+ replies=none"
ck "b ping6 c" "^\[b\] ping6 $C6 .* 1 received"
ck "a ping6 c dropped" "^\[a\] ping6 $C6 .* 0 received"
ck "a -> bridge 23 not connected" "^\[a\] tcp \[$BR6\]:23 error="
ck "b ping6 bridge" "^\[b\] ping6 $BR6 .* 1 received"
ck "a -> service connected" "^\[a\] tcp $SVC_IP:80 sport=[0-9]+ reply=b:hello-svc"
ck "a ping b" "^\[a\] ping $B_IP .* 1 received"

# nc CHAIN TEXT: the counter of the first rule of CHAIN (in nft-ruleset.txt) whose line holds TEXT
nc() { awk -v c="$1" -v r="$2" '$1 == "chain" { ch = $2 } ch == c && index($0, r) && /counter packets/ {
  sub(/.*counter packets /, ""); print $1; exit }' "$BUNDLE/nft-ruleset.txt"; }
ns_n=$(nc br_pre nd-neighbor-solicit); na_n=$(nc br_pre nd-neighbor-advert)
pre_o=$(nc br_pre '"pre original"'); pre_t=$(nc br_pre '"pre translated"'); pre_drop=$(nc br_pre "udp dport 5301")
fwd_drop=$(nc br_fwd "tcp dport 8081"); fwd_udp=$(nc br_fwd "meta l4proto udp"); fwd_o=$(nc br_fwd '"fwd original"')
fwd_t=$(nc br_fwd '"fwd translated"'); fwd_b6=$(nc br_fwd "ip6 daddr $B6 tcp dport 8080"); fwd_ip6=$(nc br_fwd "ether type ip6")
in_drop=$(nc br_in "tcp dport 23"); in_echo=$(nc br_in "echo-request"); post_drop=$(nc br_post "ip6 saddr $A6")
post_o=$(nc br_post '"post original"'); post_t=$(nc br_post '"post translated"'); post_rep=$(nc br_post "echo-reply")
post_ip6=$(nc br_post "ether type ip6")
[ "${fwd_drop:-0}" -ge 2 ] || b_fail "br_fwd's 8081 drop counted ${fwd_drop:-nothing}"
[ "${pre_drop:-0}" -eq 1 ] || b_fail "br_pre's 5301 drop counted ${pre_drop:-nothing}"
[ "${post_drop:-0}" -eq 1 ] || b_fail "br_post's echo drop counted ${post_drop:-nothing}"
[ "${in_drop:-0}" -ge 2 ] || b_fail "br_in's 23 drop counted ${in_drop:-nothing}"
[ "${pre_o:-0}" -ge 3 ] || b_fail "br_pre's original destination counted ${pre_o:-nothing}"
svc=$(b_expect_count nat 'service to b' -eq 1)
b8080=$(b_expect_count filter 'bridged to b 8080' -ge 3)
for v in ns_n na_n pre_o pre_t pre_drop fwd_drop fwd_udp fwd_o fwd_t fwd_b6 fwd_ip6 in_drop in_echo post_drop post_o post_t post_rep post_ip6; do
  env_put "$(echo "$v" | tr a-z A-Z)" "${!v}"
done
env_put SERVICE_DNAT "$svc"; env_put FORWARD_TO_B_8080 "$b8080"
env_put BRIDGE_NF_CALL_IPTABLES 1; env_put BRIDGE_NF_CALL_IP6TABLES 1
env_put PORT_A "$AIF"; env_put PORT_B "$BIF"; env_put PORT_C "$CIF"
traced=$(grep -c ' packet: ' "$BUNDLE/nft-trace.txt" || true)

{
  echo "# brg-bridge-v6: bridge-family filter chains for IPv6 bridged frames and a bridged DNAT (br_netfilter)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, bridge \`br-pkp\` $BR_IP/24 and $BR6/64 with ports a $A_IP $A6 ($MAC_A, port \`$AIF\`),"
  echo "b $B_IP $B6 ($MAC_B, \`$BIF\`), c $C_IP $C6 ($MAC_C, \`$CIF\`); net.bridge.bridge-nf-call-iptables=1 and"
  echo "bridge-nf-call-ip6tables=1; the ports have IPv6 disabled. b serves TCP 8080, 8081 and UDP 5301, c UDP 5300 (dual-stack sockets)."
  echo
  echo "Rules (rules-input.txt): iptables nat PREROUTING \`-d $SVC_IP -p tcp --dport 80 -j DNAT --to-destination $B_IP:8080\`,"
  echo "filter FORWARD \`-d $B_IP -p tcp --dport 8080\` ACCEPT, bridged ACCEPT; ip6tables filter FORWARD bridged ICMPv6 ACCEPT,"
  echo "bridged ACCEPT. \`table bridge pkp_br6\` (nft-input.txt), all chains at -200: br_pre (nftrace; counters of NS and NA,"
  echo "of \`ip daddr $SVC_IP tcp dport 80\` and \`ip daddr $B_IP tcp dport 8080\`; \`ip6 saddr $C6 udp dport 5301 drop\`),"
  echo "br_fwd (\`ip6 saddr $A6 ip6 daddr $B6 tcp dport 8081 drop\`, \`meta l4proto udp ip6 daddr $C6\`, original and translated"
  echo "destination, \`ip6 daddr $B6 tcp dport 8080\`, \`ether type ip6\`), br_in (\`ip6 daddr $BR6 tcp dport 23 drop\`, echo"
  echo "requests), br_post (\`oifname c icmpv6 type echo-request ip6 saddr $A6 drop\`, \`ip daddr $SVC_IP\`, translated"
  echo "destination, echo replies, \`ether type ip6\`)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. a → [$B6]:8080 TCP. 2. a → [$B6]:8081 TCP (1.5 s). 3. a → [$C6]:5300 UDP. 4. c → [$B6]:5301 UDP (1 s)."
  echo "5. b pings $C6 once. 6. a pings $C6 once. 7. a → [$BR6]:23 TCP (1.5 s). 8. b pings $BR6 once."
  echo "9. a → $SVC_IP:80 TCP (DNAT'd to b:8080). 10. a pings $B_IP once."
  echo
  echo "## What the kernel did (nft-ruleset.txt counters, nft-trace.txt: $traced traced packet lines)"
  echo
  echo "- br_pre: NS $ns_n, NA $na_n; \`ip daddr $SVC_IP tcp dport 80\` $pre_o, \`ip daddr $B_IP tcp dport 8080\` $pre_t;"
  echo "  the drop of c's UDP 5301 $pre_drop."
  echo "- br_fwd: the drop of a's TCP 8081 $fwd_drop; \`meta l4proto udp ip6 daddr c\` $fwd_udp; \`ip daddr $SVC_IP tcp dport 80\`"
  echo "  $fwd_o, \`ip daddr $B_IP tcp dport 8080\` $fwd_t (the bridge forward chain sees the DNAT'd destination: br_netfilter"
  echo "  ran IP PREROUTING's DNAT before it); \`ip6 daddr b tcp dport 8080\` $fwd_b6; \`ether type ip6\` $fwd_ip6."
  echo "- br_in: the drop of TCP 23 $in_drop; echo requests $in_echo. br_post: the drop of a's echo request to c $post_drop;"
  echo "  \`ip daddr $SVC_IP\` $post_o, the translated destination $post_t; echo replies $post_rep; \`ether type ip6\` $post_ip6."
  echo "- iptables nat \`service to b\`: $svc; filter FORWARD \`bridged to b 8080\`: $b8080 (ip6tables-save-c-after.txt for IPv6)."
  echo
  echo "### Client-side outcome of each probe (probes.txt)"
  echo
  echo '```'
  cat "$P"
  echo '```'
  echo
  readme_facts
} > "$BUNDLE/README.md"
pkp_finish
