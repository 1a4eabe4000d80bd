#!/usr/bin/env bash
# clusterip-affinity: ClusterIP TCP service with sessionAffinity=ClientIP (kube-proxy's -m recent
# rules) and 3 endpoints; one client pod opens several connections (all should stick), a second
# client pod opens a few more.
source "$(dirname "$0")/../lib.sh"
pkp_init clusterip-affinity

CIP=10.96.0.14; PORT=80; TPORT=8080; N=${N:-5}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod client2 10.244.1.6
add_pod web1 10.244.1.3
add_pod web2 10.244.1.4
add_pod web3 10.244.1.5
kp_reset
KP_AFFINITY_SECONDS=10800 kp_service default/sticky:http tcp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
for p in web1 web2 web3; do tcp_server "$p" "$TPORT" 40; done

snapshot_state before
start_capture; start_trace
for c in client client2; do
  for i in $(seq 1 "$N"); do
    echo "$c $(tcp_connect "$c" "$CIP" "$PORT" "$c-$i" 3)" | tee -a "$WORK/client.txt"; sleep 0.15
  done
done
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" sh -c 'for f in /proc/net/xt_recent/*; do echo "$f:"; cat "$f"; done' 2>/dev/null \
  | sed 's|^/proc/net/xt_recent/||; s/^\(src=[^ ]* ttl: [0-9]*\).*/\1/' > "$BUNDLE/xt_recent.txt" || true

c1=$(grep '^client ' "$WORK/client.txt" | grep -o 'reply=web[0-9]' | sed 's/reply=//' | sort -u | tr '\n' ' ')
c2=$(grep '^client2 ' "$WORK/client.txt" | grep -o 'reply=web[0-9]' | sed 's/reply=//' | sort -u | tr '\n' ' ')
env_put SERVICE "$CIP:$PORT/tcp"; env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT"
env_put CLIENT_IPS "10.244.1.2 10.244.1.6"; env_put CLIENT_ENDPOINTS "${c1% }"; env_put CLIENT2_ENDPOINTS "${c2% }"
env_put AFFINITY_SECONDS 10800
{
  echo "# clusterip-affinity: ClusterIP with sessionAffinity=ClientIP (-m recent)"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/sticky:http\` $CIP:$PORT/tcp → web1 10.244.1.3, web2 10.244.1.4, web3 10.244.1.5 (:$TPORT). KUBE-SVC-… first has"
  echo "one \`-m recent --name KUBE-SEP-… --rcheck --seconds 10800 --reap\` rule per endpoint, then the statistic rules; each KUBE-SEP-…"
  echo "DNAT rule has \`-m recent --name KUBE-SEP-… --set\` (records the client's source address)."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections from client 10.244.1.2, then $N from client2 10.244.1.6, 150 ms apart."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "- client was answered by: ${c1:-none}; client2 by: ${c2:-none}."
  echo "- The first SYN of each client went through the statistic rules (no recent entry yet), the KUBE-SEP DNAT rule's"
  echo "  \`--set\` recorded the client address in that endpoint's recent list; every later SYN of the same client matched the"
  echo "  \`--rcheck\` rule of that endpoint first (see the counters: the rcheck rules count the follow-up SYNs)."
  echo "- Recent lists in the node namespace after the traffic (xt_recent.txt, timestamps removed):"
  echo; echo '```'; cat "$BUNDLE/xt_recent.txt"; echo '```'
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
