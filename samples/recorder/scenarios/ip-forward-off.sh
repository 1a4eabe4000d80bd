#!/usr/bin/env bash
# ip-forward-off: net.ipv4.ip_forward=0 on the node: traffic from the uplink to a pod is dropped
# silently after PREROUTING (no FORWARD, no ICMP) while traffic to the node's own address still works.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-fwoff"
pkp_init ip-forward-off
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod web 10.244.1.2
nsx "$NODE_NS" sysctl -qw net.ipv4.ip_forward=0 >/dev/null
cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 7100 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d 10.244.0.0/16 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web tcp 8080 40
b_serve web udp 5300 40
b_serve node tcp 7100 40

b_netstat_snap before
snapshot_state before
start_capture; start_trace
b_probe up tcp 10.244.1.2 8080 - 48001 2.5; sleep 0.3     # to the pod: must be forwarded
b_probe up udp 10.244.1.2 5300 - 48002 1; sleep 0.3
b_probe up tcp "$NODE_IP" 7100 - 48003; sleep 0.3          # to the node itself
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "tcp 10.244.1.2:8080 result=timeout" "$WORK/probes.txt" || die "tcp to pod not dropped"
grep -q "udp 10.244.1.2:5300 from $UPLINK_IP:48002 result=timeout" "$WORK/probes.txt" || die "udp to pod not dropped"
grep -q "tcp $NODE_IP:7100 from $UPLINK_IP:48003 result=connected" "$WORK/probes.txt" || die "local tcp failed"
grep -q '^net.ipv4.ip_forward = 0' "$BUNDLE/sysctl.txt" || die "ip_forward not 0 in sysctl.txt"
f_syn=$(b_expect_frames "SYNs in" "eth0 +In +IP $UPLINK_IP\.48001 > 10\.244\.1\.2\.8080: Flags \[S\]" 2)
f_udp=$(b_expect_frames "udp in" "eth0 +In +IP $UPLINK_IP\.48002 > 10\.244\.1\.2\.5300" 1)
b_expect_none "anything sent to the pod" "$WIF +Out +IP"
b_expect_none "ICMP errors" "ICMP"
f_loc=$(b_expect_frames "local SYN-ACK" "eth0 +Out +IP $NODE_IP\.7100 > $UPLINK_IP\.48003: Flags \[S\.\]" 1)
fwd=$(b_count filter '-A FORWARD -d 10.244.0.0/16 -j ACCEPT'); [ "$fwd" = 0 ] || die "FORWARD counted $fwd"
nsyn=$(echo "$f_syn" | tr ',' '\n' | wc -l)
natpre=$(b_expect_count nat '-j KUBE-SERVICES' -eq $((nsyn + 2)))
iae=$(b_netstat_delta Ip.InAddrErrors); [ "$iae" = $((nsyn + 1)) ] || die "Ip.InAddrErrors +$iae, expected $((nsyn + 1))"
inacc=$(b_expect_count filter '--dport 7100 -j ACCEPT' -eq 1)
b_trace_summary > "$WORK/ts.txt"
if grep -E ">10\.244\.1\.2 " "$WORK/ts.txt" | grep -vqE ': (raw:PREROUTING:policy:ACCEPT|nat:PREROUTING:rule0x[0-9a-f]+:JUMP nat:KUBE-SERVICES:policy:RETURN|nat:PREROUTING:.*)$'; then
  die "a packet to the pod got past PREROUTING"
fi
env_put CLIENT_IP "$UPLINK_IP"; env_put POD_IP 10.244.1.2; env_put IP_FORWARD 0

{
  echo "# ip-forward-off: net.ipv4.ip_forward=0 — forwarded traffic silently dropped after PREROUTING"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` with net.ipv4.ip_forward=0 (so every conf.*.forwarding=0, sysctl.txt), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP"
  echo "(the uplink routes everything via the node), pod web 10.244.1.2 on \`$WIF\` with TCP :8080 and UDP :5300 servers, node TCP :7100 server."
  echo "Rules: nat PREROUTING → (empty) KUBE-SERVICES; filter INPUT accepts ESTABLISHED and :7100; FORWARD accepts ESTABLISHED and 10.244.0.0/16."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink $UPLINK_IP:48001 → pod 10.244.1.2:8080 TCP (2.5 s timeout). 2. $UPLINK_IP:48002 → 10.244.1.2:5300 UDP (1 s)."
  echo "3. $UPLINK_IP:48003 → node $NODE_IP:7100 TCP."
  echo
  echo "## What the kernel did"
  echo
  echo "- The SYNs (frames $f_syn) and the datagram (frame $f_udp) to 10.244.1.2 went through raw and nat PREROUTING (\`-j KUBE-SERVICES\`"
  echo "  counted $natpre = all $nsyn SYNs + the datagram + the local SYN: a dropped packet's ct is never confirmed, so every SYN"
  echo "  retransmission was NEW again and traversed nat again) and were then dropped by input routing because forwarding is off on eth0:"
  echo "  no FORWARD traversal (\`-A FORWARD -d 10.244.0.0/16 -j ACCEPT\` counted $fwd), nothing sent towards the pod, no ICMP error."
  echo "  Kernel MIB deltas (netstat-counters.txt): Ip.InAddrErrors +$iae (= the $nsyn SYNs + the datagram), Ip.ForwDatagrams +$(b_netstat_delta Ip.ForwDatagrams)."
  echo "- The connection to the node's own address $NODE_IP:7100 worked (SYN-ACK frame $f_loc; INPUT \`--dport 7100 -j ACCEPT\` counted $inacc):"
  echo "  ip_forward only affects packets that are not for the node."
  b_readme_tail '>10\.244\.1\.2 |7100'
} > "$BUNDLE/README.md"
pkp_finish
