#!/usr/bin/env bash
# clusterip-udp: ClusterIP UDP service with 2 endpoint pods; the client sends one request per
# new socket (new source port -> new conntrack entry -> new random endpoint choice).
source "$(dirname "$0")/../lib.sh"
pkp_init clusterip-udp

CIP=10.96.0.11; PORT=53; TPORT=5353; N=${N:-8}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod dns1 10.244.1.3
add_pod dns2 10.244.1.4
kp_reset
kp_service kube-system/dns:dns udp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT 10.244.1.4:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
udp_server dns1 "$TPORT" 40; udp_server dns2 "$TPORT" 40

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  udp_request client "$CIP" "$PORT" 2 "query-$i" | tee -a "$WORK/client.txt"
  sleep 0.15
done
stop_trace; stop_capture
snapshot_state after

ok=$(grep -c 'replies=dns' "$WORK/client.txt" || true)
d1=$(grep -c 'replies=dns1:' "$WORK/client.txt" || true); d2=$(grep -c 'replies=dns2:' "$WORK/client.txt" || true)
env_put CLIENT_IP 10.244.1.2; env_put SERVICE "$CIP:$PORT/udp"; env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT"
env_put REQUESTS "$N"; env_put REQUESTS_ANSWERED "$ok"; env_put ANSWERED_BY_DNS1 "$d1"; env_put ANSWERED_BY_DNS2 "$d2"
{
  echo "# clusterip-udp: ClusterIP UDP service with two local endpoints"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Calico-style pods (/32, default via 169.254.1.1 onlink, proxy_arp on the node's cali… side). Service"
  echo "\`kube-system/dns:dns\` = $CIP:$PORT/udp → 10.244.1.3:$TPORT (dns1), 10.244.1.4:$TPORT (dns2) (statistic 0.5 / fall-through)."
  echo; echo "## Traffic"; echo
  echo "$N UDP requests \`query-N\` from client 10.244.1.2, each from a NEW socket (new source port), 150 ms apart;"
  echo "each endpoint answers \`<pod>:query-N\` to the sender."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "- $ok of $N requests were answered: dns1 answered $d1, dns2 answered $d2."
  echo "- Each first datagram of a new source port created a conntrack entry and was DNATed in nat PREROUTING"
  echo "  (KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… DNAT) to the endpoint that answered it; no masquerade (source in $POD_CIDR)."
  echo "  Each reply left the client's cali interface with source $CIP:$PORT (conntrack reverse NAT)."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
