#!/usr/bin/env bash
# local-closed-ports: SYNs and datagrams delivered locally to ports nothing listens on. The node runs
# a TCP listener on 0.0.0.0:10250 (like kubelet), a UDP one on 0.0.0.0:8125 and a TCP one bound to
# 127.0.0.1:10248 only; the uplink and a pod connect to the open port, to a closed TCP port (the
# kernel answers RST), to a closed UDP port (ICMP port unreachable) and to the loopback-only port.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="closed"
pkp_init local-closed-ports
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod web 10.244.1.2
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 10250 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve node tcp 10250 60
b_serve node udp 8125 60
b_serve node tcp 10248 60 127.0.0.1
# The node's listening sockets while the servers run: pktpath decides "nothing listens" from them.
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"

snapshot_state before
start_capture; start_trace
b_probe up tcp "$NODE_IP" 10250 - 44000; sleep 0.3            # control: the listener answers
b_probe up tcp "$NODE_IP" 8081 - 44001; sleep 0.3             # closed TCP port: RST
b_probe up tcp "$NODE_IP" 10248 - 44002; sleep 0.3            # listener on 127.0.0.1 only: RST
b_probe up udp "$NODE_IP" 8125 - 44003; sleep 0.3             # control: the UDP listener answers
b_probe up udp "$NODE_IP" 8126 - 44004; sleep 2.6             # closed UDP port: ICMP port unreachable
b_probe web tcp "$NODE_IP" 10250 - 45000; sleep 0.3           # pod control
b_probe web tcp "$NODE_IP" 8081 - 45001; sleep 0.3            # pod to the closed TCP port: RST
b_probe web udp "$NODE_IP" 8126 - 45002; sleep 0.5            # pod to the closed UDP port: ICMP
stop_trace; stop_capture
snapshot_state after
b_keep_probes

WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "uplink control" "tcp $NODE_IP:10250 from $UPLINK_IP:44000 result=connected"
ck "uplink closed tcp" "tcp $NODE_IP:8081 result=ECONNREFUSED"
ck "uplink loopback-only" "tcp $NODE_IP:10248 result=ECONNREFUSED"
ck "uplink udp control" "udp $NODE_IP:8125 from $UPLINK_IP:44003 result=reply"
ck "uplink closed udp" "udp $NODE_IP:8126 from $UPLINK_IP:44004 result=ECONNREFUSED"
ck "pod control" "tcp $NODE_IP:10250 from 10.244.1.2:45000 result=connected"
ck "pod closed tcp" "\[web\] tcp $NODE_IP:8081 result=ECONNREFUSED"
ck "pod closed udp" "udp $NODE_IP:8126 from 10.244.1.2:45002 result=ECONNREFUSED"
grep -q "127.0.0.1:10248" "$BUNDLE/ss-tulnp.txt" || b_fail "ss shows no 127.0.0.1:10248 listener"
grep -q ":8081 " "$BUNDLE/ss-tulnp.txt" && b_fail "ss shows a listener on 8081"
b_expect_count filter '--dport 10250 -j ACCEPT' -ge 2 > /dev/null
s8081=$(b_expect_frames "syn 8081 uplink" "eth0 +In +IP $UPLINK_IP\.44001 > $NODE_IP\.8081: Flags \[S\]" 1)
r8081=$(b_expect_frames "rst 8081 uplink" "eth0 +Out +IP $NODE_IP\.8081 > $UPLINK_IP\.44001: Flags \[R\.\]" 1)
s10248=$(b_expect_frames "syn 10248" "eth0 +In +IP $UPLINK_IP\.44002 > $NODE_IP\.10248: Flags \[S\]" 1)
r10248=$(b_expect_frames "rst 10248" "eth0 +Out +IP $NODE_IP\.10248 > $UPLINK_IP\.44002: Flags \[R\.\]" 1)
u8126=$(b_expect_frames "udp 8126 uplink" "eth0 +In +IP $UPLINK_IP\.44004 > $NODE_IP\.8126:" 1)
i8126=$(b_expect_frames "unreachable 8126 uplink" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP $NODE_IP udp port 8126 unreachable" 1)
ps8081=$(b_expect_frames "syn 8081 pod" "$WIF +In +IP 10\.244\.1\.2\.45001 > $NODE_IP\.8081: Flags \[S\]" 1)
pr8081=$(b_expect_frames "rst 8081 pod" "$WIF +Out +IP $NODE_IP\.8081 > 10\.244\.1\.2\.45001: Flags \[R\.\]" 1)
pu8126=$(b_expect_frames "udp 8126 pod" "$WIF +In +IP 10\.244\.1\.2\.45002 > $NODE_IP\.8126:" 1)
pi8126=$(b_expect_frames "unreachable 8126 pod" "$WIF +Out +IP $NODE_IP > 10\.244\.1\.2: ICMP $NODE_IP udp port 8126 unreachable" 1)
env_put CLIENT_IP "$UPLINK_IP"; env_put POD_IP 10.244.1.2

{
  echo "# local-closed-ports: connections refused by the node itself (no socket listens)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP, pod web 10.244.1.2 on \`$WIF\`."
  echo "The node listens on TCP 0.0.0.0:10250 and UDP 0.0.0.0:8125, and on TCP 127.0.0.1:10248 only;"
  echo "nothing listens on TCP 8081 or UDP 8126. \`ss-tulnp.txt\` is \`ss -tulnp\` taken while the servers ran."
  echo "Rules (rules-input.txt): filter INPUT \`-p tcp --dport 10250 -j ACCEPT\`, every policy ACCEPT; no REJECT anywhere,"
  echo "so every refusal below comes from the socket layer, not from netfilter."
  echo
  echo "## Traffic (probes.txt; 2.6 s after each closed-UDP probe because the kernel rate-limits ICMP errors)"
  echo
  echo "Uplink $UPLINK_IP: :44000 → $NODE_IP:10250 TCP, :44001 → :8081 TCP, :44002 → :10248 TCP, :44003 → :8125 UDP, :44004 → :8126 UDP."
  echo "Pod 10.244.1.2: :45000 → $NODE_IP:10250 TCP, :45001 → :8081 TCP, :45002 → :8126 UDP."
  echo
  echo "## What the kernel did"
  echo
  echo "- 10250/TCP and 8125/UDP answered (connected / reply); the 10250 ACCEPT rule counted $(b_count filter '--dport 10250 -j ACCEPT') packets."
  echo "- The SYN to $NODE_IP:8081 (frame $s8081) was delivered locally (filter INPUT policy ACCEPT) and the TCP stack,"
  echo "  finding no socket, answered RST,ACK $NODE_IP:8081 → $UPLINK_IP:44001 (frame $r8081); connect() got ECONNREFUSED."
  echo "- The SYN to $NODE_IP:10248 (frame $s10248) found no socket either: the listener is bound to 127.0.0.1 only."
  echo "  RST,ACK (frame $r10248), ECONNREFUSED."
  echo "- The datagram to $NODE_IP:8126 (frame $u8126) found no UDP socket: ICMP 3/3 port unreachable from $NODE_IP"
  echo "  (frame $i8126); the client's connected socket got ECONNREFUSED."
  echo "- From the pod: SYN to :8081 (frame $ps8081) → RST,ACK (frame $pr8081) on \`$WIF\`; UDP to :8126 (frame $pu8126)"
  echo "  → ICMP port unreachable (frame $pi8126)."
  echo "- The RSTs and ICMP errors are locally generated packets: in trace.txt they pass raw OUTPUT and filter OUTPUT"
  echo "  (no IN=) after the triggering packet's filter INPUT policy ACCEPT."
  echo "- No rule uses conntrack or nat: conntrack-L.txt is empty$( [ -s "$BUNDLE/conntrack-L.txt" ] && echo ' (NOT: see file)')."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
