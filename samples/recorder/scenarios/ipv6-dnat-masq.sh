#!/usr/bin/env bash
# ipv6-dnat-masq: IPv6 only traffic. (1) an external client on the uplink reaches an IPv6 NodePort:
# ip6tables DNAT to a pod + kube-proxy masquerade; (2) a pod reaches a server on the uplink through a
# Calico natOutgoing-style MASQUERADE out eth0. Records trace.txt AND nft-trace.txt/nft-ruleset.txt.
source "$(dirname "$0")/../lib.sh"
pkp_init ipv6-dnat-masq ipv6

CIP6=fd00:10:96::c; PORT=80; NP=30090; TPORT=8080; UPORT=9000; N=${N:-3}
WEB6=fd00:10:244:1::3; CLI6=fd00:10:244:1::2
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2 "$CLI6"
add_pod web1 10.244.1.3 "$WEB6"
POD_CIDR=fd00:10:244::/48 KP_FAMILY=6
kp_reset
kp_service default/web6:http tcp "$CIP6" "$PORT" "$NP" cluster "$WEB6:$TPORT"
kp_write_rules "$WORK/rules.v6"
# Calico natOutgoing-style egress masquerade (pod network → outside), appended to nat POSTROUTING.
sed -i 's|^-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING$|&\n-A POSTROUTING -s fd00:10:244::/48 ! -d fd00:10:244::/48 -o eth0 -m comment --comment "pod egress natOutgoing" -j MASQUERADE|' "$WORK/rules.v6"
cp "$WORK/rules.v6" "$BUNDLE/rules-input.txt"
load_rules6 "$WORK/rules.v6"
tcp_server web1 "$TPORT" 40 6
tcp_server up "$UPORT" 40 6
sleep 0.5

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  echo "ext  [$UPLINK_IP6] -> [$NODE_IP6]:$NP: $(tcp_connect up "$NODE_IP6" "$NP" "ext6-$i" 3)" | tee -a "$WORK/client.txt"; sleep 0.2
done
for i in $(seq 1 "$N"); do
  echo "pod  [$CLI6] -> [$UPLINK_IP6]:$UPORT: $(tcp_connect client "$UPLINK_IP6" "$UPORT" "egress6-$i" 3)" | tee -a "$WORK/client.txt"; sleep 0.2
done
stop_trace; stop_capture
snapshot_state after

ok_in=$(grep -c 'reply=web1:' "$WORK/client.txt" || true); ok_out=$(grep -c 'reply=up:' "$WORK/client.txt" || true)
nft_lines=$(grep -c '^trace id' "$BUNDLE/nft-trace.txt" || true)
env_put SERVICE "[$NODE_IP6]:$NP/tcp"; env_put CLUSTER_IP "[$CIP6]:$PORT"; env_put ENDPOINTS "[$WEB6]:$TPORT"
env_put EGRESS_SERVER "[$UPLINK_IP6]:$UPORT"; env_put CONNECTIONS_IN "$N"; env_put CONNECTIONS_IN_ANSWERED "$ok_in"
env_put CONNECTIONS_OUT "$N"; env_put CONNECTIONS_OUT_ANSWERED "$ok_out"; env_put NFT_TRACE_LINES "$nft_lines"
{
  echo "# ipv6-dnat-masq: IPv6 NodePort DNAT with masquerade, and pod egress masquerade to the uplink"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Node eth0 $NODE_IP6/64 ↔ uplink eth0 $UPLINK_IP6/64 (default routes both ways). Pods: /128 on eth0, \`default via $POD_GW6 dev eth0\`"
  echo "(the node-side cali… veth has MAC ee:ee:ee:ee:ee:ee, hence that link-local). Service \`default/web6:http\`: ClusterIP [$CIP6]:$PORT,"
  echo "NodePort $NP (externalTrafficPolicy=Cluster) → [$WEB6]:$TPORT (web1). Extra nat POSTROUTING rule (Calico natOutgoing style):"
  echo "\`-s fd00:10:244::/48 ! -d fd00:10:244::/48 -o eth0 -j MASQUERADE\`."
  echo "trace.txt is xtables-monitor --trace; nft-trace.txt is \`nft monitor trace\` (map its rule handles with nft-ruleset.txt)."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections from the uplink [$UPLINK_IP6] to [$NODE_IP6]:$NP, then $N TCP connections from client [$CLI6] to the"
  echo "uplink server [$UPLINK_IP6]:$UPORT; each with payload, reply and FIN."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "Peers as seen by web1 and by the uplink server:"; echo; echo '```'; cat "$WORK/tcpsrv-web1-$TPORT.out" "$WORK/tcpsrv-up-$UPORT.out"; echo '```'; echo
  echo "- Inbound: $ok_in of $N answered. nat PREROUTING (ip6) KUBE-SERVICES → \`--dst-type LOCAL -j KUBE-NODEPORTS\` → KUBE-EXT-… (MARK 0x4000)"
  echo "  → KUBE-SVC-… → KUBE-SEP-… DNAT to [$WEB6]:$TPORT; KUBE-POSTROUTING MASQUERADE --random-fully (source shown in the NAT lines)."
  echo "- Outbound: $ok_out of $N answered. Forwarded out eth0 and MASQUERADEd by the natOutgoing rule to [$NODE_IP6] (random port not"
  echo "  requested here, so the kernel kept the source port when free); the uplink server logged the node address as peer."
  echo "- nft-trace.txt holds $nft_lines \`trace id\` lines and covers the whole window. trace.txt (xtables-monitor 1.8.9) is"
  echo "  $( [ "$(grep -o 'TRACE_COMPLETE=.*' "$BUNDLE/scenario.env")" = TRACE_COMPLETE=yes ] && echo "complete" || echo "INCOMPLETE: xtables-monitor exited with \"$(head -1 "$WORK/xtmon.err")\" while printing the first IPv6 rule using \`-p tcp -m tcp\` (its last TRACE line is cut after \"$(tail -1 "$BUNDLE/trace.txt" | sed 's/.*  //; s/ *$//')\"); it holds $(grep -c '^PACKET:' "$BUNDLE/trace.txt") PACKET lines up to that point (TRACE_COMPLETE=no)")."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
