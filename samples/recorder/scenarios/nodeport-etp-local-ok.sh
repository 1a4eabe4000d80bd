#!/usr/bin/env bash
# nodeport-etp-local-ok: NodePort with externalTrafficPolicy=Local and a LOCAL endpoint; external
# client from the uplink; the client source address is preserved (no masquerade).
source "$(dirname "$0")/../lib.sh"
pkp_init nodeport-etp-local-ok

CIP=10.96.0.15; PORT=80; NP=30083; TPORT=8080; N=${N:-3}
make_node_ns; make_uplink_ns
add_pod web1 10.244.1.3
kp_reset
kp_service default/web-local-ok:http tcp "$CIP" "$PORT" "$NP" local "10.244.1.3:$TPORT@local" 10.244.2.5:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
tcp_server web1 "$TPORT" 40

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect up "$NODE_IP" "$NP" "ext-$i" 3 | tee -a "$WORK/client.txt"; sleep 0.2
done
stop_trace; stop_capture
snapshot_state after

ok=$(grep -c 'reply=web1:' "$WORK/client.txt" || true)
peers=$(sed -n 's/^accepted \([0-9.]*\):.*/\1/p' "$WORK/tcpsrv-web1-$TPORT.out" | sort -u | tr '\n' ' ')
env_put CLIENT_IP "$UPLINK_IP"; env_put SERVICE "$NODE_IP:$NP/tcp"; env_put CLUSTER_IP "$CIP:$PORT"
env_put ENDPOINTS "10.244.1.3:$TPORT (local) 10.244.2.5:$TPORT (remote)"; env_put CONNECTIONS "$N"; env_put CONNECTIONS_ANSWERED "$ok"
env_put SERVER_SAW_PEERS "${peers% }"
{
  echo "# nodeport-etp-local-ok: externalTrafficPolicy=Local NodePort with a local endpoint"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/web-local-ok:http\`: ClusterIP $CIP:$PORT, NodePort $NP, externalTrafficPolicy=Local; endpoints 10.244.1.3:$TPORT"
  echo "(web1, on this node) and 10.244.2.5:$TPORT (another node). KUBE-EXT-… ends with \`-j KUBE-SVL-…\`, which lists only the local endpoint."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections $UPLINK_IP → $NODE_IP:$NP (payload, reply, FIN)."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "Server log of web1:"; echo; echo '```'; cat "$WORK/tcpsrv-web1-$TPORT.out"; echo '```'; echo
  echo "- $ok of $N answered; web1 saw the peer address(es): ${peers:-none} — the external client's own address, i.e. NO masquerade."
  echo "- nat PREROUTING: KUBE-SERVICES → KUBE-NODEPORTS → KUBE-EXT-…: the \"pod traffic\" (-s $POD_CIDR) and the two --src-type LOCAL"
  echo "  rules did not match, the final \`-j KUBE-SVL-…\` did → KUBE-SEP-… DNAT to 10.244.1.3:$TPORT; no 0x4000 mark, so"
  echo "  KUBE-POSTROUTING RETURNed; filter FORWARD accepted via KUBE-FORWARD's conntrack rule for the follow-up packets and the"
  echo "  chain policy (ACCEPT) for the SYN."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
