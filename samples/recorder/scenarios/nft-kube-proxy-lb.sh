#!/usr/bin/env bash
# nft-kube-proxy-lb: kube-proxy's nftables mode for LoadBalancer services, in the shape pkg/proxy/nftables writes it
# (the base chains of nft-kube-proxy; chain names "<prefix>-<8 base32 of sha256(ns/svc/proto/port)>-ns/svc/proto/port"):
# - default/lb-fw:http, ETP Cluster, LB IP 172.18.100.10 with loadBalancerSourceRanges [172.18.0.10/32, 203.0.113.0/25]: the map
#   firewall-ips `172.18.100.10 . tcp . 80 : goto firewall-…`, entered from filter-prerouting-pre-dnat (prerouting,
#   -110) and filter-output-pre-dnat through firewall-check for `ct state new`; the firewall chain's one rule
#   `ip saddr != { 172.18.0.10/32, 203.0.113.0/25 } drop` (the ranges as an anonymous set; with one range nft would
#   list a plain `!=`). Its NodePort 30040 is not subject to them.
# - default/lb-local:http, externalTrafficPolicy Local, local endpoint web1, LB IP 172.18.100.20 and externalIP
#   172.18.200.20, NodePort 30041: the external chain `ip saddr 10.244.0.0/16 goto service-…` ("short-circuit pod
#   traffic"), `fib saddr type local jump mark-for-masquerade` ("masquerade local traffic"), `fib saddr type local goto
#   service-…` ("short-circuit local traffic"), then `goto local-…` (the local endpoints' numgen, no masquerade).
# - default/lb-nolocal:http, ETP Local, only endpoint 10.244.2.5 on another node, LB IP 172.18.100.30, NodePort 30042:
#   the external chain without its last goto, `172.18.100.30 . tcp . 80 : drop` in no-endpoint-services and
#   `tcp . 30042 : drop` in no-endpoint-nodeports (kube-proxy drops, not rejects, when only local endpoints are missing).
# The uplink routes the LB and external IPs to the node (MetalLB-BGP style, the node owns none of them). iptables holds
# only the TRACE rules; nft-trace.txt is `nft monitor trace`, nft-ruleset.txt `nft -a list ruleset` after the traffic.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nlb"
pkp_init nft-kube-proxy-lb
source "$PKP_LIB_DIR/lib-extra.sh"

ALLOWED=172.18.0.10; DENIED=172.18.0.11; OTHER_RANGE=203.0.113.0/25; CLIENT=10.244.1.2; WEB1=10.244.1.3; REMOTE_EP=10.244.2.5
FW_LB=172.18.100.10; LOCAL_LB=172.18.100.20; EXT_IP=172.18.200.20; NOLOCAL_LB=172.18.100.30
make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$ALLOWED/24" dev eth0
ip -n "$UPLINK_NS" addr add "$DENIED/24" dev eth0
add_pod client "$CLIENT"
add_pod web1 "$WEB1"

# kube-proxy's chain names for service port NS/SVC/tcp/http and its endpoints (servicePortChainNameBase).
base() { echo "$(b_nkp_hash "$1/tcp/http")-$1/tcp/http"; }
ep() { echo "endpoint-$(b_nkp_hash "$1/tcp/http__$2/8080")-$1/tcp/http__$2/8080"; }
FW=$(base default/lb-fw); LOC=$(base default/lb-local); NOL=$(base default/lb-nolocal)
FW_EP=$(ep default/lb-fw "$WEB1"); LOC_EP=$(ep default/lb-local "$WEB1"); NOL_EP=$(ep default/lb-nolocal "$REMOTE_EP")

# an external chain of an ETP Local service (kube-proxy's order and comments); $2: its last rule, if any
etp_local() {
  printf '\tchain external-%s { ip saddr %s goto service-%s comment "short-circuit pod traffic"; ' "$1" "$POD_CIDR" "$1"
  printf 'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"; '
  printf 'fib saddr type local goto service-%s comment "short-circuit local traffic"; %s}\n' "$1" "${2:+$2; }"
}
{
  b_nkp_table 4 "10.96.0.40, 10.96.0.41, 10.96.0.42" 10.96.0.0/16 \
    "$NOLOCAL_LB . tcp . 80 comment \"default/lb-nolocal:http\" : drop" \
    "10.96.0.40 . tcp . 80 : goto service-$FW, $FW_LB . tcp . 80 : goto external-$FW, 10.96.0.41 . tcp . 80 : goto service-$LOC, $EXT_IP . tcp . 80 : goto external-$LOC, $LOCAL_LB . tcp . 80 : goto external-$LOC, 10.96.0.42 . tcp . 80 : goto service-$NOL, $NOLOCAL_LB . tcp . 80 : goto external-$NOL" \
    "tcp . 30040 : goto external-$FW, tcp . 30041 : goto external-$LOC, tcp . 30042 : goto external-$NOL" \
    "$FW_LB . tcp . 80 : goto firewall-$FW" \
    'tcp . 30042 comment "default/lb-nolocal:http" : drop'
  cat <<N
	chain service-$FW { ip daddr 10.96.0.40 tcp dport 80 ip saddr != $POD_CIDR jump mark-for-masquerade; numgen random mod 1 vmap { 0 : goto $FW_EP }; }
	chain external-$FW { jump mark-for-masquerade; goto service-$FW; }
	chain firewall-$FW { ip saddr != { $ALLOWED/32, $OTHER_RANGE } drop; }
	chain $FW_EP { ip saddr $WEB1 jump mark-for-masquerade; meta l4proto tcp dnat to $WEB1:8080; }
	chain service-$LOC { ip daddr 10.96.0.41 tcp dport 80 ip saddr != $POD_CIDR jump mark-for-masquerade; numgen random mod 1 vmap { 0 : goto $LOC_EP }; }
	chain local-$LOC { numgen random mod 1 vmap { 0 : goto $LOC_EP }; }
$(etp_local "$LOC" "goto local-$LOC")
	chain $LOC_EP { ip saddr $WEB1 jump mark-for-masquerade; meta l4proto tcp dnat to $WEB1:8080; }
	chain service-$NOL { ip daddr 10.96.0.42 tcp dport 80 ip saddr != $POD_CIDR jump mark-for-masquerade; numgen random mod 1 vmap { 0 : goto $NOL_EP }; }
$(etp_local "$NOL")
	chain $NOL_EP { ip saddr $REMOTE_EP jump mark-for-masquerade; meta l4proto tcp dnat to $REMOTE_EP:8080; }
}
N
} > "$WORK/kube-proxy.nft"
b_nft_load "$WORK/kube-proxy.nft"
load_empty_filter
b_serve web1 tcp 8080 60

snapshot_state before
start_capture; start_trace nft
b_probe up tcp "$FW_LB" 80 "$ALLOWED" 48001; sleep 0.3          # 1: inside the source ranges
b_probe up tcp "$FW_LB" 80 "$ALLOWED" 48002; sleep 0.3
b_probe up tcp "$FW_LB" 80 "$DENIED" 48003 1.5; sleep 0.3       # 2: outside: firewall chain drop (SYN + 1 retransmission)
b_probe client tcp "$FW_LB" 80 - 48004 1.5; sleep 0.3           # 3: a pod is outside the ranges too
b_probe up tcp "$NODE_IP" 30040 "$DENIED" 48005; sleep 0.3      # 4: lb-fw's NodePort: not subject to the ranges
b_probe up tcp "$LOCAL_LB" 80 - 48011; sleep 0.3                # 5: ETP Local from the uplink: source kept
b_probe up tcp "$LOCAL_LB" 80 - 48012; sleep 0.3
b_probe up tcp "$EXT_IP" 80 - 48013; sleep 0.3                  # 6: the externalIP (ETP Local too)
b_probe up tcp "$NODE_IP" 30041 - 48014; sleep 0.3              # 7: NodePort with ETP Local
b_probe client tcp "$LOCAL_LB" 80 - 48021; sleep 0.3            # 8: pod -> LB IP: short-circuit pod traffic
b_probe node tcp "$LOCAL_LB" 80 - 48031; sleep 0.3              # 9: the node -> LB IP: fib saddr type local
b_probe node tcp "$NODE_IP" 30041 - 48032; sleep 0.3            # 10: the node -> its NodePort
b_probe up tcp "$NOLOCAL_LB" 80 - 48041 1.5; sleep 0.3          # 11: ETP Local without local endpoint: dropped
b_probe up tcp "$NODE_IP" 30042 - 48042 1.5; sleep 0.3          # 12: its NodePort: dropped
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

# ---- the kernel did what the scenario means
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "allowed 1" "tcp $FW_LB:80 from $ALLOWED:48001 result=connected reply='web1 port 8080 saw $NODE_IP:"
ck "allowed 2" "tcp $FW_LB:80 from $ALLOWED:48002 result=connected reply='web1 port 8080 saw $NODE_IP:"
[ "$(grep -c "tcp $FW_LB:80 result=timeout" "$P")" = 2 ] || b_fail "the denied source and the pod were not both dropped"
ck "NodePort of lb-fw" "tcp $NODE_IP:30040 from $DENIED:48005 result=connected reply='web1 port 8080 saw $NODE_IP:"
for p in 48011 48012; do ck "ETP Local $p" "tcp $LOCAL_LB:80 from $UPLINK_IP:$p result=connected reply='web1 port 8080 saw $UPLINK_IP:$p'"; done
ck "externalIP" "tcp $EXT_IP:80 from $UPLINK_IP:48013 result=connected reply='web1 port 8080 saw $UPLINK_IP:48013'"
ck "NodePort ETP Local" "tcp $NODE_IP:30041 from $UPLINK_IP:48014 result=connected reply='web1 port 8080 saw $UPLINK_IP:48014'"
ck "pod to LB IP" "tcp $LOCAL_LB:80 from $CLIENT:48021 result=connected reply='web1 port 8080 saw $CLIENT:48021'"
ck "node to LB IP" "tcp $LOCAL_LB:80 from $NODE_IP:48031 result=connected reply='web1 port 8080 saw "
ck "node to NodePort" "tcp $NODE_IP:30041 from $NODE_IP:48032 result=connected reply='web1 port 8080 saw "
ck "no local endpoint" "tcp $NOLOCAL_LB:80 result=timeout"
ck "no local endpoint NodePort" "tcp $NODE_IP:30042 result=timeout"
fwdrops=$(tr_n "ip kube-proxy firewall-$FW rule ip saddr != \{ $ALLOWED, $OTHER_RANGE \} drop \(verdict drop\)")
[ "$fwdrops" -ge 4 ] || b_fail "firewall chain drops: $fwdrops"
fwd_drops=$(tr_n "ip kube-proxy service-endpoints-check rule .*vmap @no-endpoint-services \(verdict drop\)")
in_drops=$(tr_n "ip kube-proxy nodeport-endpoints-check rule .*vmap @no-endpoint-nodeports \(verdict drop\)")
[ "$fwd_drops" -ge 2 ] && [ "$in_drops" -ge 2 ] || b_fail "no-local-endpoint drops: forward $fwd_drops, input $in_drops"
localfib=$(tr_n "ip kube-proxy external-$LOC rule fib saddr type local jump mark-for-masquerade .*\(verdict jump mark-for-masquerade\)")
[ "$localfib" -ge 2 ] || b_fail "fib saddr type local matched $localfib times"
grep -q "src=$DENIED dst=$FW_LB" "$BUNDLE/conntrack-L.txt" && b_fail "a conntrack entry for the denied source to the LB IP"
env_put FW_CHAIN "firewall-$FW"; env_put LOCAL_EXTERNAL_CHAIN "external-$LOC"; env_put NOLOCAL_EXTERNAL_CHAIN "external-$NOL"
env_put ALLOWED_SOURCE "$ALLOWED"; env_put DENIED_SOURCE "$DENIED"; env_put CLIENT_IP "$CLIENT"; env_put WEB1_IP "$WEB1"
env_put LB_IP_FW "$FW_LB"; env_put LB_IP_LOCAL "$LOCAL_LB"; env_put EXTERNAL_IP "$EXT_IP"; env_put LB_IP_NOLOCAL "$NOLOCAL_LB"
env_put FIREWALL_DROPS "$fwdrops"; env_put NO_LOCAL_FORWARD_DROPS "$fwd_drops"; env_put NO_LOCAL_INPUT_DROPS "$in_drops"
seen() { grep -F "$1" "$P" | sed -n "s/.*saw \([0-9.]*\):.*/\1/p"; }
redirects=$(tr_n '^trace id [0-9a-f]+ ip raw OUTPUT packet: .*icmp type redirect')
env_put ICMP_REDIRECTS "$redirects"

{
  echo "# nft-kube-proxy-lb: kube-proxy's nftables mode for LoadBalancer services (source ranges, ETP Local, externalIPs)"
  echo
  b_readme_topology
  echo "The uplink (\`$UPLINK_NS\`: $UPLINK_IP, $ALLOWED, $DENIED on eth0, default route via the node) routes the LB and"
  echo "external IPs to the node, MetalLB-BGP style; the node owns none of them. Pods: client $CLIENT, web1 $WEB1 (server on"
  echo ":8080 answering \`web1 port 8080 saw SRC:SPORT\`)."
  echo
  echo "Rules: kube-proxy's \`table ip kube-proxy\` (nft-input.txt, \`nft -f\`), in the shape of pkg/proxy/nftables (the base"
  echo "chains as in nft-kube-proxy: filter-prerouting-pre-dnat and filter-output-pre-dnat at -110, filter-forward,"
  echo "filter-input and filter-output at 0, nat-* at -100/100); iptables (rules-input.txt) holds only the TRACE rules."
  echo
  echo "- \`default/lb-fw:http\` (ClusterIP 10.96.0.40, NodePort 30040, ETP Cluster, endpoint web1), LB IP $FW_LB with"
  echo "  loadBalancerSourceRanges [$ALLOWED/32, $OTHER_RANGE]: \`firewall-ips\` element \`$FW_LB . tcp . 80 : goto"
  echo "  firewall-$FW\`; the chain's one rule"
  echo "  \`ip saddr != { $ALLOWED/32, $OTHER_RANGE } drop\` (the ranges as an anonymous set; nft lists it as"
  echo "  \`{ $ALLOWED, $OTHER_RANGE }\`); service-ips sends the LB IP to \`external-$FW\`"
  echo "  (\`jump mark-for-masquerade; goto service-…\`)."
  echo "- \`default/lb-local:http\` (ClusterIP 10.96.0.41, NodePort 30041, **ETP Local**, endpoint web1 on this node), LB IP"
  echo "  $LOCAL_LB and externalIP $EXT_IP: \`external-$LOC\`:"
  echo "  \`ip saddr $POD_CIDR goto service-…\` (short-circuit pod traffic), \`fib saddr type local jump"
  echo "  mark-for-masquerade\`, \`fib saddr type local goto service-…\` (short-circuit local traffic),"
  echo "  \`goto local-$LOC\` (numgen over the local endpoints, no masquerade)."
  echo "- \`default/lb-nolocal:http\` (ClusterIP 10.96.0.42, NodePort 30042, ETP Local, only endpoint $REMOTE_EP:8080 on another"
  echo "  node), LB IP $NOLOCAL_LB: the external chain without the last goto, and what kube-proxy writes when a local-only"
  echo "  service has no local endpoint: \`$NOLOCAL_LB . tcp . 80 : drop\` in no-endpoint-services and \`tcp . 30042 : drop\`"
  echo "  in no-endpoint-nodeports (drop, not \`goto reject-chain\`: the service has endpoints elsewhere)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink $ALLOWED:48001, :48002 → $FW_LB:80 (inside the source ranges)."
  echo "2. uplink $DENIED:48003 → $FW_LB:80, 1.5 s timeout (outside). 3. pod client:48004 → $FW_LB:80, 1.5 s timeout."
  echo "4. uplink $DENIED:48005 → NodePort $NODE_IP:30040 of the same service."
  echo "5. uplink $UPLINK_IP:48011, :48012 → $LOCAL_LB:80 (ETP Local). 6. :48013 → externalIP $EXT_IP:80. 7. :48014 → NodePort"
  echo "   $NODE_IP:30041 (ETP Local)."
  echo "8. pod client:48021 → $LOCAL_LB:80. 9. the node:48031 → $LOCAL_LB:80. 10. the node:48032 → $NODE_IP:30041."
  echo "11. uplink :48041 → $NOLOCAL_LB:80, 12. :48042 → NodePort $NODE_IP:30042 (no local endpoint), 1.5 s timeouts."
  echo
  echo "## What the kernel did"
  echo
  echo "- 1: filter-prerouting-pre-dnat → firewall-check → \`vmap @firewall-ips\` → firewall chain, whose \`!=\` set did not"
  echo "  match; then nat-prerouting → services → external chain (mark) → service → endpoint → DNAT to web1; web1 saw"
  echo "  $(seen "$ALLOWED:48001" | head -1) (masqueraded, ETP Cluster)."
  echo "- 2 and 3: the firewall chain's \`ip saddr != { … } drop\` dropped the SYNs at prerouting priority -110, before"
  echo "  DNAT and routing ($fwdrops drop lines in nft-trace.txt: the SYNs and their retransmissions); no conntrack entry"
  echo "  survived, the clients timed out."
  echo "- 4: NodePort 30040 of the same service from $DENIED: firewall-ips is keyed by the LB IP only, so the source"
  echo "  ranges did not apply; connected, web1 saw $(seen "$DENIED:48005")."
  echo "- 5–7: ETP Local from outside: the external chain's three rules did not match (not a pod, \`fib saddr type local\`"
  echo "  false), \`goto local-…\` → DNAT to web1 without masquerade mark: web1 saw $(seen ":48011" | head -1), the client's own"
  echo "  address (LB IP, externalIP and NodePort alike)."
  echo "- 8: a pod to the ETP Local LB IP: \`ip saddr $POD_CIDR goto service-…\` (short-circuit pod traffic); web1 saw"
  echo "  $(seen ":48021")."
  echo "- 9, 10: the node itself (nat-output → services): \`fib saddr type local\` matched (the source $NODE_IP is local),"
  echo "  marked for masquerade and short-circuited to the service chain ($localfib such jump lines in nft-trace.txt);"
  echo "  web1 saw $(seen ":48031") and $(seen ":48032")."
  echo "- 11: $NOLOCAL_LB: the external chain fell through without DNAT; the SYN was routed back out eth0 and"
  echo "  filter-forward → service-endpoints-check → \`vmap @no-endpoint-services\` dropped it ($fwd_drops lines). As the"
  echo "  SYN was to leave on the interface it came in on, the kernel first sent the uplink an ICMP redirect ($redirects"
  echo "  \`icmp type redirect\` packets in raw OUTPUT in nft-trace.txt); each stops after kube-proxy's"
  echo "  filter-output-pre-dnat (-110), before filter-output (0): none is in the capture. The nat core at -100 drops a"
  echo "  redirect related to a connection whose NAT is not done (nf_nat_icmp_reply_translation: \"Redirects on non-null"
  echo "  nats must be dropped\"; the SYN's entry is unconfirmed, its source NAT not done). pktpath replays the same"
  echo "  redirects and nf_nat's drop (\`pktpath verify\` ties each to that walk; raw OUTPUT's counters agree)."
  echo "- 12: its NodePort: not DNATed either; local delivery, filter-input → nodeport-endpoints-check → \`vmap"
  echo "  @no-endpoint-nodeports\` dropped it ($in_drops lines)."
  echo "- trace.txt (xtables-monitor) stops at the first kube-proxy rule it cannot parse (TRACE_COMPLETE=no, as in"
  echo "  nft-kube-proxy); nft-trace.txt holds every packet."
  b_readme_tail 'DROP|REJECT|kube-proxy'
} > "$BUNDLE/README.md"
pkp_finish
