#!/usr/bin/env bash
# uplink-capture: the same traffic captured on every interface (capture.pcap, `tcpdump -i any`) and on the uplink
# alone as an operator takes it (eth0.pcap, `tcpdump -i eth0`: Ethernet frames, no interface, no direction): an
# external client reaching a NodePort (DNAT, masquerade --random-fully), a pod reaching the outside (a CNI's
# MASQUERADE), a ping from the pod, and a pod reaching the ClusterIP (never on eth0). For the replay of a capture of
# one interface: tests hold its frames to the replay of the whole capture, which the kernel's trace holds.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="uplcap"
pkp_init uplink-capture
source "$PKP_LIB_DIR/lib-extra.sh"

CIP=10.96.0.12; PORT=80; NP=30080; TPORT=8080; N=${N:-3}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web1 10.244.1.3
kp_reset
kp_service default/web-np:http tcp "$CIP" "$PORT" "$NP" cluster 10.244.1.3:$TPORT
kp_write_rules "$WORK/rules.v4"
# a CNI's masquerade of pod egress, after kube-proxy's (kube-proxy writes none for it)
sed -i '/^-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING$/a -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth0 -j MASQUERADE' "$WORK/rules.v4"
grep -q -- '-o eth0 -j MASQUERADE' "$WORK/rules.v4" || die "the CNI masquerade rule was not added"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
tcp_server web1 "$TPORT" 40
b_serve up tcp 9000 40

snapshot_state before
start_capture; start_extra_capture node eth0.pcap eth0; XCAP=$PKP_LAST_PID; start_trace
for i in $(seq 1 "$N"); do
  tcp_connect up "$NODE_IP" "$NP" "ext-$i" 3 | tee -a "$WORK/client.txt"
  sleep 0.2
done
b_probe client tcp "$UPLINK_IP" 9000 - 42001; sleep 0.3
b_probe client tcp "$UPLINK_IP" 9000 - 42002; sleep 0.3
b_probe client rawicmp 10.244.1.2 "$UPLINK_IP" 8 4343 1; sleep 0.5
tcp_connect client "$CIP" "$PORT" "in-cluster" 3 | tee -a "$WORK/client.txt"
sleep 0.2
stop_trace; stop_extra_capture "$XCAP"; stop_capture
snapshot_state after
b_keep_probes

ok=$(grep -c 'reply=web1:' "$WORK/client.txt" || true)
[ "$ok" -eq $((N + 1)) ] || die "expected $((N + 1)) answered connections to web1, got $ok"
for p in 42001 42002; do
  grep -q "tcp $UPLINK_IP:9000 from 10.244.1.2:$p result=connected reply='up port 9000 saw $NODE_IP:$p'" "$WORK/probes.txt" \
    || die "tcp $p was not masqueraded to $NODE_IP:$p"
done
eth0_frames=$(nsx "$NODE_NS" tcpdump -r "$BUNDLE/eth0.pcap" -n 2>/dev/null | wc -l)
linktype=$(nsx "$NODE_NS" tcpdump -r "$BUNDLE/eth0.pcap" -n -c 1 2>&1 >/dev/null | grep -o 'link-type [A-Z0-9_]*' || true)
[ "$eth0_frames" -gt 20 ] || die "eth0.pcap holds only $eth0_frames frames"
env_put CLIENT_IP "$UPLINK_IP"; env_put SERVICE "$NODE_IP:$NP/tcp"; env_put CLUSTER_IP "$CIP:$PORT"
env_put ENDPOINTS "10.244.1.3:$TPORT"; env_put CONNECTIONS "$((N + 1))"; env_put CONNECTIONS_ANSWERED "$ok"
env_put POD_EGRESS_SPORTS "42001 42002"; env_put ETH0_FRAMES "$eth0_frames"

{
  echo "# uplink-capture: one node's traffic captured on every interface and on eth0 alone"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`default/web-np:http\`: ClusterIP $CIP:$PORT, NodePort $NP, externalTrafficPolicy=Cluster, one endpoint"
  echo "10.244.1.3:$TPORT (web1). A CNI-style rule masquerades pod egress: \`-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16"
  echo "-o eth0 -j MASQUERADE\`."
  echo; echo "## Captures"; echo
  echo "- \`capture.pcap\`: \`tcpdump -i any\` in the node namespace (Linux cooked v2: interface and direction per frame)."
  echo "- \`eth0.pcap\`: \`tcpdump -i eth0\` in the node namespace at the same time ($linktype, $eth0_frames frames): what an"
  echo "  operator captures on the uplink; no interface or direction is recorded, and the pods' veths are not in it."
  echo; echo "## Traffic"; echo
  echo "1. $N TCP connections $UPLINK_IP → $NODE_IP:$NP (NodePort; DNAT to web1, MASQUERADE --random-fully), 200 ms apart."
  echo "2. Pod client 10.244.1.2 → $UPLINK_IP:9000 from ports 42001 and 42002 (the CNI's MASQUERADE to $NODE_IP)."
  echo "3. An ICMP echo request from the pod to $UPLINK_IP (masqueraded; the reply is de-masqueraded to the pod)."
  echo "4. Pod client → ClusterIP $CIP:$PORT (DNAT to web1; never crosses eth0)."
  echo; echo "## What the kernel did"; echo
  echo "Client results:"; echo; echo '```'; cat "$WORK/client.txt"; cat "$WORK/probes.txt"; echo '```'; echo
  echo "- $ok of $((N + 1)) connections answered by web1; web1 saw these peers:"; echo; echo '```'
  cat "$WORK/tcpsrv-web1-$TPORT.out"; echo '```'
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
