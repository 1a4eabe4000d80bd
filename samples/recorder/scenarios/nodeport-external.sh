#!/usr/bin/env bash
# nodeport-external: NodePort (externalTrafficPolicy=Cluster) reached from the uplink namespace;
# endpoint pod on the node; KUBE-EXT marks for masquerade, KUBE-POSTROUTING MASQUERADEs.
source "$(dirname "$0")/../lib.sh"
pkp_init nodeport-external

CIP=10.96.0.12; PORT=80; NP=30080; TPORT=8080; N=${N:-4}
make_node_ns; make_uplink_ns
add_pod web1 10.244.1.3
kp_reset
kp_service default/web-np:http tcp "$CIP" "$PORT" "$NP" cluster 10.244.1.3:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
tcp_server web1 "$TPORT" 40

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect up "$NODE_IP" "$NP" "ext-$i" 3 | tee -a "$WORK/client.txt"
  sleep 0.2
done
stop_trace; stop_capture
snapshot_state after

ok=$(grep -c 'reply=web1:' "$WORK/client.txt" || true)
env_put CLIENT_IP "$UPLINK_IP"; env_put SERVICE "$NODE_IP:$NP/tcp"; env_put CLUSTER_IP "$CIP:$PORT"; env_put ENDPOINTS "10.244.1.3:$TPORT"
env_put CONNECTIONS "$N"; env_put CONNECTIONS_ANSWERED "$ok"
{
  echo "# nodeport-external: NodePort $NP from an external client, local endpoint, masquerade"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "The uplink namespace (172.18.0.1, default route back to the node) is the external client. Service"
  echo "\`default/web-np:http\`: ClusterIP $CIP:$PORT, NodePort $NP, externalTrafficPolicy=Cluster, one endpoint 10.244.1.3:$TPORT (web1)."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections $UPLINK_IP → $NODE_IP:$NP (handshake, payload \`ext-N\`, reply, FIN), 200 ms apart."
  echo; echo "## What the kernel did"; echo
  echo "Server side (web1 saw these peers):"; echo; echo '```'; cat "$WORK/tcpsrv-web1-$TPORT.out"; echo '```'; echo
  echo "- $ok of $N connections answered by web1."
  echo "- nat PREROUTING: KUBE-SERVICES (no ClusterIP match) → last rule \`-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\`"
  echo "  → KUBE-NODEPORTS (--dport $NP) → KUBE-EXT-… (\`masquerade traffic ...\` → KUBE-MARK-MASQ sets 0x4000) → KUBE-SVC-… → KUBE-SEP-… DNAT to 10.244.1.3:$TPORT."
  echo "- filter FORWARD: KUBE-FORWARD accepted the SYN by \`-m mark --mark 0x4000/0x4000\`."
  echo "- nat POSTROUTING: KUBE-POSTROUTING cleared the mark (--xor-mark) and MASQUERADE --random-fully rewrote the source; the"
  echo "  peer web1 saw is listed above (source address and the randomized port), conntrack-L.txt shows the reply tuple."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
