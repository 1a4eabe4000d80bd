#!/usr/bin/env bash
# clusterip-tcp: ClusterIP service with 3 endpoint pods on the node; a client pod opens several
# TCP connections (handshake, payload, FIN) so that the statistic branches pick different endpoints.
source "$(dirname "$0")/../lib.sh"
pkp_init clusterip-tcp

CIP=10.96.0.10; PORT=80; TPORT=8080; CONNS=${CONNS:-8}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web1 10.244.1.3
add_pod web2 10.244.1.4
add_pod web3 10.244.1.5

kp_reset
kp_service default/web:http tcp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT
kp_write_rules "$WORK/rules.v4"
load_rules "$WORK/rules.v4"
for p in web1 web2 web3; do tcp_server "$p" "$TPORT" 40; done

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$CONNS"); do
  tcp_connect client "$CIP" "$PORT" "hello-$i" 3 | tee -a "$WORK/client.txt"
  sleep 0.15
done
stop_trace; stop_capture
snapshot_state after

ok=$(grep -c 'reply=' "$WORK/client.txt" || true)
env_put CLIENT_IP 10.244.1.2; env_put SERVICE "$CIP:$PORT/tcp"; env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT 10.244.1.5:$TPORT"
env_put CONNECTIONS "$CONNS"; env_put CONNECTIONS_ANSWERED "$ok"
for p in web1 web2 web3; do env_put "ANSWERED_BY_$(echo $p | tr a-z A-Z)" "$(grep -c "reply=$p:" "$WORK/client.txt" || true)"; done

{
  echo "# clusterip-tcp: ClusterIP TCP service with three local endpoints"
  echo
  echo "## Topology"
  echo
  topology_text
  echo
  echo "Node \`$NODE_NS\` forwards (ip_forward=1); pods have a /32 on eth0 and \`default via 169.254.1.1 dev eth0 onlink\`;"
  echo "the node side \`cali…\` veths have proxy_arp=1 and a /32 route to the pod. Service \`default/web:http\` = $CIP:$PORT/tcp"
  echo "→ endpoints 10.244.1.3:$TPORT (web1), 10.244.1.4:$TPORT (web2), 10.244.1.5:$TPORT (web3), rules in kube-proxy's shape"
  echo "(KUBE-SERVICES → KUBE-SVC-… with statistic 0.3333333333 / 0.5000000000 / fall-through → KUBE-SEP-… DNAT)."
  echo
  echo "## Traffic"
  echo
  echo "$CONNS sequential TCP connections from client 10.244.1.2 to $CIP:$PORT, each: handshake, payload \`hello-N\`,"
  echo "server answers \`<pod>:hello-N\` and closes, client closes (FIN both ways). 150 ms apart."
  echo
  echo "## What the kernel did"
  echo
  echo "Client results (source port, and which endpoint answered):"
  echo
  echo '```'; cat "$WORK/client.txt"; echo '```'
  echo
  echo "- $ok of $CONNS connections were answered; web1 answered $(grep -c 'reply=web1:' "$WORK/client.txt"), web2 $(grep -c 'reply=web2:' "$WORK/client.txt"), web3 $(grep -c 'reply=web3:' "$WORK/client.txt")."
  echo "- Each SYN from 10.244.1.2 to $CIP:$PORT was DNATed in nat PREROUTING (KUBE-SEP-… DNAT) to the endpoint named in its conntrack"
  echo "  entry below and forwarded out that pod's cali interface; the source was NOT masqueraded (client is in $POD_CIDR, so"
  echo "  \`! -s $POD_CIDR -j KUBE-MARK-MASQ\` did not match; KUBE-POSTROUTING RETURNed). Replies were un-DNATed by conntrack"
  echo "  (source $CIP:$PORT again on the client's interface) without traversing nat."
  echo
  readme_facts
} > "$BUNDLE/README.md"
pkp_finish
