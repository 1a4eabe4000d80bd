#!/usr/bin/env bash
# conntrack-events: a kube-proxy ClusterIP (TCP and UDP, 2 endpoints each) with `conntrack -E -o timestamp,id`
# running in the node namespace during the capture: the kernel's own NEW/UPDATE events beside the trace.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="cte"
pkp_init conntrack-events

CIP=10.96.0.40; PORT=80; TPORT=8080; DNS_CIP=10.96.0.41; DNS_PORT=53; DNS_TPORT=5353
CONNS=${CONNS:-4}; QUERIES=${QUERIES:-4}; UPLINK_CONNS=${UPLINK_CONNS:-2}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod ep1 10.244.1.3
add_pod ep2 10.244.1.4

kp_reset
kp_service default/web:http tcp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT 10.244.1.4:$TPORT
kp_service kube-system/dns:dns udp "$DNS_CIP" "$DNS_PORT" - cluster 10.244.1.3:$DNS_TPORT 10.244.1.4:$DNS_TPORT
kp_write_rules "$WORK/rules.v4"
load_rules "$WORK/rules.v4"
for p in ep1 ep2; do tcp_server "$p" "$TPORT" 40; udp_server "$p" "$DNS_TPORT" 40; done

snapshot_state before
# The kernel's conntrack events of the node namespace, bounded in time like every other process.
pkp_bg ctevents timeout 60 ip netns exec "$NODE_NS" conntrack -E -o timestamp,id; PKP_CTE_PID=$PKP_LAST_PID
sleep 0.5
start_capture; start_trace
for i in $(seq 1 "$CONNS"); do
  tcp_connect client "$CIP" "$PORT" "hello-$i" 3 | tee -a "$WORK/client.txt"
  sleep 0.15
done
for i in $(seq 1 "$QUERIES"); do
  udp_request client "$DNS_CIP" "$DNS_PORT" 2 "query-$i" | tee -a "$WORK/client-udp.txt"
  sleep 0.15
done
for i in $(seq 1 "$UPLINK_CONNS"); do
  tcp_connect up "$CIP" "$PORT" "outside-$i" 3 | tee -a "$WORK/uplink.txt"
  sleep 0.15
done
ping_from client 10.244.1.3 2 > "$WORK/ping.txt"
stop_trace; stop_capture
sleep 0.5
stop_pid "$PKP_CTE_PID" TERM
cp "$WORK/ctevents.out" "$BUNDLE/conntrack-events.txt"
snapshot_state after

ok=$(grep -c 'reply=' "$WORK/client.txt" || true); okup=$(grep -c 'reply=' "$WORK/uplink.txt" || true)
okudp=$(grep -c 'replies=ep' "$WORK/client-udp.txt" || true)
nnew=$(grep -c '\[NEW\]' "$BUNDLE/conntrack-events.txt" || true)
nupd=$(grep -c '\[UPDATE\]' "$BUNDLE/conntrack-events.txt" || true)
ndes=$(grep -c '\[DESTROY\]' "$BUNDLE/conntrack-events.txt" || true)
env_put CLIENT_IP 10.244.1.2; env_put SERVICE "$CIP:$PORT/tcp"; env_put DNS_SERVICE "$DNS_CIP:$DNS_PORT/udp"
env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT"; env_put DNS_ENDPOINTS "10.244.1.3:$DNS_TPORT 10.244.1.4:$DNS_TPORT"
env_put CONNECTIONS "$CONNS"; env_put CONNECTIONS_ANSWERED "$ok"; env_put QUERIES "$QUERIES"; env_put QUERIES_ANSWERED "$okudp"
env_put UPLINK_CONNECTIONS "$UPLINK_CONNS"; env_put UPLINK_CONNECTIONS_ANSWERED "$okup"
env_put EVENTS_NEW "$nnew"; env_put EVENTS_UPDATE "$nupd"; env_put EVENTS_DESTROY "$ndes"
{
  echo "# conntrack-events: the kernel's conntrack events beside a ClusterIP's capture"
  echo
  echo "## Topology"
  echo
  topology_text
  echo
  echo "Calico-style pods (/32, default via 169.254.1.1 onlink, proxy_arp on the node's cali… side). Services in"
  echo "kube-proxy's shape: \`default/web:http\` = $CIP:$PORT/tcp and \`kube-system/dns:dns\` = $DNS_CIP:$DNS_PORT/udp, each"
  echo "→ 10.244.1.3 (ep1), 10.244.1.4 (ep2) (statistic 0.5 / fall-through), KUBE-MARK-MASQ for sources outside $POD_CIDR,"
  echo "KUBE-POSTROUTING MASQUERADE --random-fully."
  echo
  echo "## Traffic"
  echo
  echo "\`conntrack -E -o timestamp,id\` runs in the node namespace from before the capture to after it"
  echo "(\`conntrack-events.txt\`). $CONNS TCP connections client → $CIP:$PORT, $QUERIES UDP requests (each from a new socket)"
  echo "client → $DNS_CIP:$DNS_PORT, $UPLINK_CONNS TCP connections uplink 172.18.0.1 → $CIP:$PORT (DNAT and masquerade),"
  echo "2 pings client → ep1 (no NAT). 150 ms apart."
  echo
  echo "## What the kernel did"
  echo
  echo '```'; cat "$WORK/client.txt" "$WORK/client-udp.txt" "$WORK/uplink.txt"; echo '```'
  echo
  echo "- $ok of $CONNS pod connections, $okudp of $QUERIES requests and $okup of $UPLINK_CONNS uplink connections were answered."
  echo "- The kernel announced $nnew NEW, $nupd UPDATE and $ndes DESTROY events (\`conntrack-events.txt\`): one NEW per"
  echo "  connection, whose reply tuple names the endpoint the statistic rule picked and, for the uplink's connections,"
  echo "  the address and port MASQUERADE --random-fully chose (the reply tuple's dst and dport)."
  echo
  echo "### conntrack -E -o timestamp,id (conntrack-events.txt)"
  echo
  echo '```'; cat "$BUNDLE/conntrack-events.txt"; echo '```'
  echo
  readme_facts
} > "$BUNDLE/README.md"
pkp_finish
