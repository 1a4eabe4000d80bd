#!/usr/bin/env bash
# etp-local-drop: NodePort with externalTrafficPolicy=Local on a node WITHOUT a local endpoint;
# the only endpoint lives on another node. External client from the uplink namespace.
source "$(dirname "$0")/../lib.sh"
pkp_init etp-local-drop

CIP=10.96.0.13; PORT=80; NP=30081; REMOTE_EP=10.244.2.5; TPORT=8080; N=${N:-2}
make_node_ns; make_uplink_ns
kp_reset
kp_service default/web-local:http tcp "$CIP" "$PORT" "$NP" local "$REMOTE_EP:$TPORT"
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect up "$NODE_IP" "$NP" "ext-$i" 2 | tee -a "$WORK/client.txt"
  sleep 0.2
done
stop_trace; stop_capture
snapshot_state after

drops=$(rule_count "$BUNDLE/iptables-save-c-after.txt" "has no local endpoints")
syns=$(grep -c "> $NODE_IP.$NP: Flags \[S\]" "$WORK/frames.txt" || true)
env_put CLIENT_IP "$UPLINK_IP"; env_put SERVICE "$NODE_IP:$NP/tcp"; env_put CLUSTER_IP "$CIP:$PORT"; env_put ENDPOINTS "$REMOTE_EP:$TPORT (remote node)"
env_put CONNECTIONS "$N"; env_put SYN_FRAMES "$syns"; env_put DROP_RULE_PACKETS "$drops"
{
  echo "# etp-local-drop: externalTrafficPolicy=Local NodePort, no local endpoint, external client"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/web-local:http\`: ClusterIP $CIP:$PORT, NodePort $NP, externalTrafficPolicy=Local; its only endpoint"
  echo "$REMOTE_EP:$TPORT is on another node, so kube-proxy writes KUBE-EXT-… WITHOUT the final \`-j KUBE-SVL-…\` and a filter rule"
  echo "\`KUBE-EXTERNAL-SERVICES … \"default/web-local:http has no local endpoints\" -m addrtype --dst-type LOCAL … --dport $NP -j DROP\`."
  echo; echo "## Traffic"; echo
  echo "$N TCP connection attempts $UPLINK_IP → $NODE_IP:$NP (2 s timeout each)."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "- The capture holds $syns SYN frames to $NODE_IP:$NP (originals and retransmissions) and no answer of any kind (no SYN-ACK, RST or ICMP)."
  echo "- nat PREROUTING: KUBE-SERVICES → \`--dst-type LOCAL -j KUBE-NODEPORTS\` → KUBE-NODEPORTS → KUBE-EXT-…; none of the KUBE-EXT rules"
  echo "  matched (source not in $POD_CIDR, source not LOCAL) and the chain fell through: NO DNAT, the SYN stayed addressed to $NODE_IP:$NP."
  echo "- Input routing delivered it locally; filter INPUT → KUBE-EXTERNAL-SERVICES (ctstate NEW) → the \"has no local endpoints\" rule"
  echo "  DROPped it: that rule counted $drops packets (= every SYN, retransmissions included)."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
