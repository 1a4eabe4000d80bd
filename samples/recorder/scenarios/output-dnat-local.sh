#!/usr/bin/env bash
# output-dnat-local: the node itself connects to a ClusterIP; nat OUTPUT → KUBE-SERVICES DNATs to a
# pod, and the iptables-nft route chain reroutes the packet to the pod's cali interface.
source "$(dirname "$0")/../lib.sh"
pkp_init output-dnat-local

CIP=10.96.0.40; PORT=80; TPORT=8080; N=${N:-3}
make_node_ns; make_uplink_ns
add_pod web1 10.244.1.3
kp_reset
kp_service default/local:http tcp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
tcp_server web1 "$TPORT" 40

snapshot_state before
start_capture; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect node "$CIP" "$PORT" "node-$i" 3 | tee -a "$WORK/client.txt"; sleep 0.2
done
stop_trace; stop_capture
snapshot_state after

ok=$(grep -c 'reply=web1:' "$WORK/client.txt" || true)
eth0_frames=$(grep -E ' eth0 .*(10\.96\.0\.40|10\.244\.1\.3)' "$WORK/frames.txt" | grep -c ' IP ' || true)
cali_frames=$(grep " $(host_if web1) " "$WORK/frames.txt" | grep -c ' IP ' || true)
route_before="$(nsx "$NODE_NS" ip route get "$CIP" 2>/dev/null | head -1)"
env_put CLIENT_IP "$NODE_IP (node, locally generated)"; env_put SERVICE "$CIP:$PORT/tcp"; env_put ENDPOINTS "10.244.1.3:$TPORT"
env_put CONNECTIONS "$N"; env_put CONNECTIONS_ANSWERED "$ok"
{
  echo "# output-dnat-local: node-originated traffic to a ClusterIP (nat OUTPUT DNAT + reroute)"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/local:http\` $CIP:$PORT/tcp → 10.244.1.3:$TPORT (web1). Before NAT the node routes $CIP by its default route:"
  echo "\`$route_before\`."
  echo; echo "## Traffic"; echo
  echo "$N TCP connections from a socket in the node namespace to $CIP:$PORT (payload \`node-N\`)."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "Server log of web1 (peer as seen by the pod):"; echo; echo '```'; cat "$WORK/tcpsrv-web1-$TPORT.out"; echo '```'; echo
  echo "- $ok of $N connections answered."
  echo "- Output routing chose eth0 and source $NODE_IP (default route). nat OUTPUT → KUBE-SERVICES → KUBE-SVC-…: the"
  echo "  \`! -s $POD_CIDR -j KUBE-MARK-MASQ\` rule matched (node source) and set 0x4000, then KUBE-SEP-… DNATed to 10.244.1.3:$TPORT."
  echo "- Because the destination changed, the packet was rerouted (iptables-nft's route-type OUTPUT handling) to web1's cali"
  echo "  interface: $eth0_frames IP frames of these connections appear on eth0, $cali_frames on web1's cali interface."
  echo "- nat POSTROUTING: KUBE-POSTROUTING MASQUERADE --random-fully; source address stays $NODE_IP but the source port is"
  echo "  randomized (see the NAT lines: SNAT to $NODE_IP:<other port>), and web1 logged that port."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
