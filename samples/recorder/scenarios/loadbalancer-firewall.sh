#!/usr/bin/env bash
# loadbalancer-firewall: kube-proxy's LoadBalancer and externalIPs rules (MetalLB-style bare metal: the uplink routes
# the LB and external IPs to the node, which does not own them). A LoadBalancer with loadBalancerSourceRanges (nat
# KUBE-FW-… lets the allowed source into KUBE-EXT-…, everything else falls through un-DNATed to filter
# KUBE-PROXY-FIREWALL's DROP), a LoadBalancer that also has an externalIP, and an externalTrafficPolicy=Local
# LoadBalancer without a local endpoint (filter KUBE-EXTERNAL-SERVICES DROP). Rule shapes from kube-proxy's
# TestOverallIPTablesRules / TestLoadBalancer dumps (/work/shared/peer/kube-proxy).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="lbfw"
pkp_init loadbalancer-firewall
source "$PKP_LIB_DIR/lib-extra.sh"

TPORT=8080; PORT=80
FW_SVC=default/lb-fw:http;       FW_CIP=10.96.0.40;   FW_NP=30040;   FW_LB=172.18.100.10
OPEN_SVC=default/lb-open:http;   OPEN_CIP=10.96.0.41; OPEN_NP=30041; OPEN_LB=172.18.100.20; OPEN_EXT=172.18.200.20
LOCAL_SVC=default/lb-local:http; LOCAL_CIP=10.96.0.42; LOCAL_NP=30042; LOCAL_LB=172.18.100.30; REMOTE_EP=10.244.2.5
ALLOWED=172.18.0.10; DENIED=172.18.0.11; CLIENT=10.244.1.2; WEB1=10.244.1.3

make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$ALLOWED/24" dev eth0
ip -n "$UPLINK_NS" addr add "$DENIED/24" dev eth0
add_pod client "$CLIENT"
add_pod web1 "$WEB1"

# kp_lb_line NAME IP TARGET KIND: the KUBE-SERVICES rule of an external IP or loadbalancer IP (after its cluster IP rule).
kp_lb_line() { echo "-A KUBE-SERVICES $(kp_comment "$1 $4") -m tcp -p tcp -d $2 --dport $PORT -j $3" >> "$WORK/kp.nat.services"; }

kp_reset
# 1. LoadBalancer with loadBalancerSourceRanges [ALLOWED/32] (ETP Cluster).
kp_service "$FW_SVC" tcp "$FW_CIP" "$PORT" "$FW_NP" cluster "$WEB1:$TPORT"
FW_EXT="$(kp_hash KUBE-EXT- "${FW_SVC}tcp")"; FW_CHAIN="$(kp_hash KUBE-FW- "${FW_SVC}tcp")"
echo ":$FW_CHAIN - [0:0]" >> "$WORK/kp.nat.chains"
kp_lb_line "$FW_SVC" "$FW_LB" "$FW_CHAIN" "loadbalancer IP"
echo "-A $FW_CHAIN $(kp_comment "$FW_SVC loadbalancer IP") -s $ALLOWED/32 -j $FW_EXT" >> "$WORK/kp.nat.rules"
echo "-A $FW_CHAIN $(kp_comment "other traffic to $FW_SVC will be dropped by KUBE-PROXY-FIREWALL")" >> "$WORK/kp.nat.rules"
echo "-A KUBE-PROXY-FIREWALL $(kp_comment "$FW_SVC traffic not accepted by $FW_CHAIN") -m tcp -p tcp -d $FW_LB --dport $PORT -j DROP" >> "$WORK/kp.filter.nodeports"
# 2. LoadBalancer with an externalIP as well (ETP Cluster, no source ranges): external IP first, then loadbalancer IP.
kp_service "$OPEN_SVC" tcp "$OPEN_CIP" "$PORT" "$OPEN_NP" cluster "$WEB1:$TPORT"
OPEN_EXTCHAIN="$(kp_hash KUBE-EXT- "${OPEN_SVC}tcp")"
kp_lb_line "$OPEN_SVC" "$OPEN_EXT" "$OPEN_EXTCHAIN" "external IP"
kp_lb_line "$OPEN_SVC" "$OPEN_LB" "$OPEN_EXTCHAIN" "loadbalancer IP"
# 3. LoadBalancer with externalTrafficPolicy=Local whose only endpoint is on another node: its "has no local endpoints"
#    DROP for the LB IP comes before the one for the NodePort, as kube-proxy orders them.
before=$(wc -l < "$WORK/kp.filter.external")
kp_service "$LOCAL_SVC" tcp "$LOCAL_CIP" "$PORT" "$LOCAL_NP" local "$REMOTE_EP:$TPORT"
LOCAL_EXTCHAIN="$(kp_hash KUBE-EXT- "${LOCAL_SVC}tcp")"
kp_lb_line "$LOCAL_SVC" "$LOCAL_LB" "$LOCAL_EXTCHAIN" "loadbalancer IP"
drop="-A KUBE-EXTERNAL-SERVICES $(kp_comment "$LOCAL_SVC has no local endpoints") -m tcp -p tcp -d $LOCAL_LB --dport $PORT -j DROP"
{ head -n "$before" "$WORK/kp.filter.external"; echo "$drop"; tail -n +"$((before + 1))" "$WORK/kp.filter.external"; } > "$WORK/kp.ext.tmp"
mv "$WORK/kp.ext.tmp" "$WORK/kp.filter.external"
kp_write_rules "$WORK/rules.v4"
grep -qF -- "$drop" "$WORK/rules.v4" || die "the LB-IP no-local-endpoints DROP is missing"
load_rules "$WORK/rules.v4"
env_put KP_FW_LB_FW "$FW_CHAIN"
b_serve web1 tcp "$TPORT" 50

snapshot_state before
start_capture; start_trace
b_probe up tcp "$FW_LB" "$PORT" "$ALLOWED" 43001; sleep 0.3       # allowed source range
b_probe up tcp "$FW_LB" "$PORT" "$ALLOWED" 43002; sleep 0.3
b_probe up tcp "$FW_LB" "$PORT" "$DENIED" 43003 1.5; sleep 0.3   # outside the source range: SYN + 1 retransmission
b_probe up tcp "$OPEN_EXT" "$PORT" - 43004; sleep 0.3            # externalIP from outside
b_probe up tcp "$OPEN_EXT" "$PORT" - 43005; sleep 0.3
b_probe up tcp "$LOCAL_LB" "$PORT" - 43006 1.5; sleep 0.3        # ETP Local, no local endpoint
b_probe client tcp "$OPEN_LB" "$PORT" - 43007; sleep 0.3         # pod -> LB IP, short-circuited in the node
b_probe client tcp "$OPEN_LB" "$PORT" - 43008; sleep 0.3
b_probe client tcp "$FW_LB" "$PORT" - 43009 1.5; sleep 0.3       # pod -> source-restricted LB IP: not in the ranges
stop_trace; stop_capture
snapshot_state after
b_keep_probes

# ---- the kernel did what the scenario means
for p in 43001 43002; do
  grep -q "tcp $FW_LB:$PORT from $ALLOWED:$p result=connected reply='web1 port $TPORT saw $NODE_IP:" "$WORK/probes.txt" \
    || b_fail "allowed source $ALLOWED:$p did not reach web1 masqueraded"
done
grep -q "tcp $FW_LB:$PORT result=timeout" "$WORK/probes.txt" || b_fail "denied source was not dropped"
for p in 43004 43005; do
  grep -q "tcp $OPEN_EXT:$PORT from $UPLINK_IP:$p result=connected reply='web1 port $TPORT saw $NODE_IP:" "$WORK/probes.txt" \
    || b_fail "externalIP connection $p did not reach web1 masqueraded"
done
grep -q "tcp $LOCAL_LB:$PORT result=timeout" "$WORK/probes.txt" || b_fail "ETP Local LB without local endpoint was not dropped"
for p in 43007 43008; do
  grep -q "tcp $OPEN_LB:$PORT from $CLIENT:$p result=connected reply='web1 port $TPORT saw" "$WORK/probes.txt" \
    || b_fail "pod -> LB IP $p did not reach web1"
done
[ "$(grep -c "tcp $FW_LB:$PORT result=timeout" "$WORK/probes.txt")" = 2 ] || b_fail "pod -> restricted LB IP was not dropped"

f_allowed=$(b_expect_frames "allowed SYNs" "eth0 +In +IP $ALLOWED\.4300[12] > $FW_LB\.$PORT: Flags \[S\]" 2)
f_allowed_dnat=$(b_expect_frames "allowed SYNs DNATed to web1" "Out +IP $NODE_IP\.[0-9]+ > $WEB1\.$TPORT: Flags \[S\]" 4)
f_denied=$(b_expect_frames "denied SYNs" "eth0 +In +IP $DENIED\.43003 > $FW_LB\.$PORT: Flags \[S\]" 2)
b_expect_none "denied SYN forwarded" "Out +IP $DENIED\.43003 >"
f_ext=$(b_expect_frames "externalIP SYNs" "eth0 +In +IP $UPLINK_IP\.4300[45] > $OPEN_EXT\.$PORT: Flags \[S\]" 2)
f_local=$(b_expect_frames "ETP Local SYNs" "eth0 +In +IP $UPLINK_IP\.43006 > $LOCAL_LB\.$PORT: Flags \[S\]" 2)
b_expect_none "ETP Local SYN forwarded" "Out +IP $UPLINK_IP\.43006 >"
f_pod=$(b_expect_frames "pod SYNs to the LB IP" "In +IP $CLIENT\.4300[78] > $OPEN_LB\.$PORT: Flags \[S\]" 2)
b_expect_none "pod traffic to the LB IP sent out" "eth0 +Out +IP [0-9.]+ > $OPEN_LB\."
f_podfw=$(b_expect_frames "pod SYNs to the restricted LB IP" "In +IP $CLIENT\.43009 > $FW_LB\.$PORT: Flags \[S\]" 2)
b_expect_none "pod SYN to the restricted LB IP forwarded" "Out +IP [0-9.]+\.43009 >"
fwdrop=$(b_expect_count filter "$FW_SVC traffic not accepted by" -ge 4)
fwpass=$(b_expect_count nat "-s $ALLOWED/32" -eq 2)
nolocal=$(b_expect_count filter "-d $LOCAL_LB/32" -ge 2)
extmasq=$(b_count nat "masquerade traffic for $OPEN_SVC external destinations")
[ "$extmasq" = 4 ] || b_fail "KUBE-EXT of $OPEN_SVC counted $extmasq, expected 4 (2 externalIP + 2 pod connections)"
[ "$fwdrop" = "$(( $(echo "$f_denied" | tr , '\n' | wc -l) + $(echo "$f_podfw" | tr , '\n' | wc -l) ))" ] \
  || b_fail "KUBE-PROXY-FIREWALL counted $fwdrop, not the denied + pod SYN frames ($f_denied / $f_podfw)"
grep -q "src=$DENIED " "$BUNDLE/conntrack-L.txt" && b_fail "a conntrack entry for the denied source exists"
grep -q 'KUBE-PROXY-FIREWALL:rule:.*:DROP' "$BUNDLE/trace.txt" || b_fail "trace has no KUBE-PROXY-FIREWALL DROP"
grep -q 'KUBE-EXTERNAL-SERVICES:rule:.*:DROP' "$BUNDLE/trace.txt" || b_fail "trace has no KUBE-EXTERNAL-SERVICES DROP"
env_put LB_IP_SOURCE_RANGES "$FW_LB allowed=$ALLOWED/32"; env_put ALLOWED_SOURCE "$ALLOWED"; env_put DENIED_SOURCE "$DENIED"
env_put EXTERNAL_IP "$OPEN_EXT"; env_put LB_IP_OPEN "$OPEN_LB"; env_put LB_IP_LOCAL "$LOCAL_LB"
env_put EXPECT_PROXY_FIREWALL_DROPS "$fwdrop"; env_put EXPECT_NO_LOCAL_ENDPOINT_DROPS "$nolocal"

{
  echo "# loadbalancer-firewall: LoadBalancer source ranges, externalIPs, ETP Local LB without endpoint, pod → LB IP"
  echo
  b_readme_topology
  echo "The uplink (\`$UPLINK_NS\`: $UPLINK_IP, $ALLOWED, $DENIED on eth0, default route via the node) routes the LB and external"
  echo "IPs to the node, MetalLB-BGP style; the node owns none of them. Pods: client $CLIENT, web1 $WEB1 (server on :$TPORT)."
  echo "Rules in kube-proxy's shape (\`rules-input.txt\`), taken from kube-proxy's TestOverallIPTablesRules / TestLoadBalancer dumps:"
  echo
  echo "- \`$FW_SVC\` (ClusterIP $FW_CIP, NodePort $FW_NP, ETP Cluster, endpoint web1): LB IP $FW_LB with"
  echo "  loadBalancerSourceRanges [$ALLOWED/32]. nat KUBE-SERVICES \`-d $FW_LB/32 --dport $PORT -j $FW_CHAIN\`; $FW_CHAIN:"
  echo "  \`-s $ALLOWED/32 -j $FW_EXT\`, then the target-less comment rule \"other traffic to $FW_SVC will be dropped by"
  echo "  KUBE-PROXY-FIREWALL\"; filter KUBE-PROXY-FIREWALL \`-d $FW_LB/32 --dport $PORT -j DROP\` (entered from INPUT, FORWARD and"
  echo "  OUTPUT with ctstate NEW)."
  echo "- \`$OPEN_SVC\` (ClusterIP $OPEN_CIP, NodePort $OPEN_NP, ETP Cluster, endpoint web1): externalIPs [$OPEN_EXT] and LB IP"
  echo "  $OPEN_LB, both \`-j $OPEN_EXTCHAIN\` (masquerade mark, then KUBE-SVC-…)."
  echo "- \`$LOCAL_SVC\` (ClusterIP $LOCAL_CIP, NodePort $LOCAL_NP, ETP Local, only endpoint $REMOTE_EP:$TPORT on another node): LB IP"
  echo "  $LOCAL_LB \`-j $LOCAL_EXTCHAIN\` (no KUBE-SVL jump) and filter KUBE-EXTERNAL-SERVICES \"has no local endpoints\""
  echo "  \`-d $LOCAL_LB/32 --dport $PORT -j DROP\`."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink $ALLOWED:43001, :43002 → $FW_LB:$PORT (inside the source range)."
  echo "2. uplink $DENIED:43003 → $FW_LB:$PORT, 1.5 s timeout (outside the source range)."
  echo "3. uplink $UPLINK_IP:43004, :43005 → externalIP $OPEN_EXT:$PORT."
  echo "4. uplink $UPLINK_IP:43006 → $LOCAL_LB:$PORT (ETP Local, no local endpoint), 1.5 s timeout."
  echo "5. pod client $CLIENT:43007, :43008 → LB IP $OPEN_LB:$PORT."
  echo "6. pod client $CLIENT:43009 → the source-restricted LB IP $FW_LB:$PORT, 1.5 s timeout."
  echo
  echo "## What the kernel did"
  echo
  echo "- 1: nat PREROUTING KUBE-SERVICES → $FW_CHAIN → \`-s $ALLOWED/32\` ($fwpass packets) → $FW_EXT (KUBE-MARK-MASQ) → KUBE-SVC → DNAT"
  echo "  to $WEB1:$TPORT; forwarded (KUBE-FORWARD's mark rule), MASQUERADE --random-fully: web1 saw $NODE_IP (probes.txt). SYNs $f_allowed."
  echo "- 2: the SYNs from $DENIED (frames $f_denied) matched no rule of $FW_CHAIN and fell off its end past the comment-only rule: no"
  echo "  DNAT, still addressed to $FW_LB, which the node routes back out eth0; filter FORWARD → KUBE-PROXY-FIREWALL's"
  echo "  \"traffic not accepted by $FW_CHAIN\" DROP took them. Nothing was forwarded, no conntrack entry, the client timed out."
  echo "- 3: externalIP $OPEN_EXT: KUBE-SERVICES \"external IP\" → $OPEN_EXTCHAIN → DNAT to web1, masqueraded like 1 (SYNs $f_ext)."
  echo "- 4: $LOCAL_LB: KUBE-SERVICES \"loadbalancer IP\" → $LOCAL_EXTCHAIN, where nothing matched (not a pod source, not LOCAL): no"
  echo "  DNAT; routed back out eth0, filter FORWARD → KUBE-EXTERNAL-SERVICES \"has no local endpoints\" \`-d $LOCAL_LB/32\` DROP"
  echo "  ($nolocal packets, frames $f_local)."
  echo "- 5: the pod's SYNs to $OPEN_LB (frames $f_pod) were DNATed in PREROUTING like outside traffic (KUBE-EXT marks every"
  echo "  source for masquerade under ETP Cluster) and went straight to web1 over its cali: the LB IP never left the node (no frame on"
  echo "  eth0 towards it). KUBE-EXT of $OPEN_SVC counted $extmasq packets (2 externalIP + 2 pod SYNs)."
  echo "- 6: the pod is not in loadBalancerSourceRanges, so its SYNs to $FW_LB (frames $f_podfw) fell through $FW_CHAIN like 2 and"
  echo "  were dropped in FORWARD by KUBE-PROXY-FIREWALL: kube-proxy's source ranges apply to in-cluster clients of the LB IP too."
  echo "  KUBE-PROXY-FIREWALL counted $fwdrop packets (the SYN frames of 2 and 6)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
