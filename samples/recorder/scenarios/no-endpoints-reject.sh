#!/usr/bin/env bash
# no-endpoints-reject: a service without endpoints. kube-proxy writes REJECT rules in filter
# KUBE-SERVICES (ClusterIP, reached from FORWARD and OUTPUT) and KUBE-EXTERNAL-SERVICES (NodePort).
# Probes are spaced 2.6 s apart because the kernel rate-limits ICMP errors.
source "$(dirname "$0")/../lib.sh"
pkp_init no-endpoints-reject

CIP=10.96.0.30; NP=30082
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
kp_reset
kp_service default/gone:http tcp "$CIP" 80 "$NP" cluster
kp_service default/gone:dns udp "$CIP" 53 - cluster
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"

snapshot_state before
start_capture; start_trace
{ echo "pod TCP  10.244.1.2 -> $CIP:80: $(tcp_connect client "$CIP" 80 probe 2)"; } | tee -a "$WORK/client.txt"; sleep 2.6
{ echo "pod UDP  10.244.1.2 -> $CIP:53: $(udp_request client "$CIP" 53 2 probe)"; } | tee -a "$WORK/client.txt"; sleep 2.6
{ echo "ext TCP  $UPLINK_IP -> $NODE_IP:$NP: $(tcp_connect up "$NODE_IP" "$NP" probe 2)"; } | tee -a "$WORK/client.txt"; sleep 2.6
{ echo "node TCP (local) -> $CIP:80: $(tcp_connect node "$CIP" 80 probe 2)"; } | tee -a "$WORK/client.txt"
stop_trace; stop_capture
snapshot_state after

F="$BUNDLE/iptables-save-c-after.txt"
r_tcp=$(rule_count "$F" '"default/gone:http has no endpoints" -m tcp --dport 80'); r_udp=$(rule_count "$F" '"default/gone:dns has no endpoints"')
r_np=$(grep -F 'KUBE-EXTERNAL-SERVICES' "$F" | grep -F "dport $NP" | sed 's/^\[\([0-9]*\):.*/\1/')
icmps=$(grep -c 'ICMP .* port .* unreachable' "$WORK/frames.txt" || true)
podicmp_src=$(grep 'Out  *IP .* > 10.244.1.2: ICMP' "$WORK/frames.txt" | awk '{for(i=1;i<=NF;i++) if($i=="IP"){print $(i+1); break}}' | sort -u | tr '\n' ' ')
node_syn_frames=$(grep -c "IP $NODE_IP\.[0-9]* > $CIP\.80: Flags \[S\]" "$WORK/frames.txt" || true)
env_put SERVICE "$CIP:80/tcp $CIP:53/udp nodeport $NODE_IP:$NP/tcp"; env_put ICMP_UNREACHABLE_FRAMES "$icmps"
env_put REJECT_TCP_PACKETS "$r_tcp"; env_put REJECT_UDP_PACKETS "$r_udp"; env_put REJECT_NODEPORT_PACKETS "$r_np"
{
  echo "# no-endpoints-reject: services without endpoints are REJECTed (icmp-port-unreachable)"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Services \`default/gone:http\` ($CIP:80/tcp, NodePort $NP) and \`default/gone:dns\` ($CIP:53/udp) have no endpoints:"
  echo "kube-proxy writes no nat chains for them, only filter REJECT rules (\`-j REJECT\` = icmp-port-unreachable) in"
  echo "KUBE-SERVICES (\"… has no endpoints\", ClusterIP) and KUBE-EXTERNAL-SERVICES (NodePort, \`--dst-type LOCAL\`)."
  echo; echo "## Traffic"; echo
  echo "Four probes 2.6 s apart (ICMP error rate limit): pod TCP to the ClusterIP, pod UDP to the ClusterIP, external TCP"
  echo "from the uplink to the NodePort, and a TCP connection from the node itself to the ClusterIP."
  echo; echo "## What the kernel did"; echo
  echo '```'; cat "$WORK/client.txt"; echo '```'; echo
  echo "- The capture holds $icmps ICMP port-unreachable frames."
  echo "- Pod TCP and UDP: filter FORWARD → KUBE-SERVICES (ctstate NEW) → REJECT. REJECT counters: tcp rule $r_tcp packets (pod SYN"
  echo "  + node SYN), udp rule $r_udp. The ICMP port unreachable errors sent to the pod have source ${podicmp_src% } (the node's"
  echo "  address chosen for the reply route, NOT $CIP; the quoted header keeps $CIP), out the client's cali interface, and the client's"
  echo "  connect()/recv() failed with ConnectionRefused."
  echo "- External TCP to the NodePort: nat PREROUTING found no DNAT (no KUBE-NODEPORTS rule for $NP), input routing → local, filter INPUT"
  echo "  → KUBE-EXTERNAL-SERVICES → REJECT ($r_np packets); ICMP port unreachable from $NODE_IP to $UPLINK_IP out eth0."
  echo "- Node-local TCP: filter OUTPUT → KUBE-SERVICES → REJECT; the SYN never left ($node_syn_frames frames of it), and the ICMP error"
  echo "  $NODE_IP → $NODE_IP was generated locally and delivered over lo: $(grep -c ' lo .*ICMP' "$WORK/frames.txt" || true) lo frame(s) in the capture."
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
