#!/usr/bin/env bash
# forward-drop-established: FORWARD policy DROP, RELATED,ESTABLISHED accepted, NEW accepted only in
# one direction (pod interfaces cali+ -> uplink eth0). Pod-initiated flows work; SYNs and datagrams
# initiated from the uplink towards the pod die at the FORWARD policy.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-fdest"
pkp_init forward-drop-established
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i cali+ -o eth0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up tcp 9000 40
b_serve up udp 5300 40
b_serve client tcp 8080 40
b_serve client udp 5301 40

snapshot_state before
start_capture; start_trace
b_probe client tcp "$UPLINK_IP" 9000 - 42001; sleep 0.3          # allowed direction
b_probe client tcp "$UPLINK_IP" 9000 - 42002; sleep 0.3
b_probe client udp "$UPLINK_IP" 5300 - 42003; sleep 0.3
b_probe up tcp 10.244.1.2 8080 - 42004 2.5; sleep 0.3           # other direction: SYN + retransmissions
b_probe up udp 10.244.1.2 5301 - 42005 1; sleep 0.3
stop_trace; stop_capture
snapshot_state after
b_keep_probes

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "tcp $UPLINK_IP:9000 from 10.244.1.2:42001 result=connected" "$WORK/probes.txt" || die "allowed tcp failed"
grep -q "tcp $UPLINK_IP:9000 from 10.244.1.2:42002 result=connected" "$WORK/probes.txt" || die "allowed tcp 2 failed"
grep -q "udp $UPLINK_IP:5300 from 10.244.1.2:42003 result=reply" "$WORK/probes.txt" || die "allowed udp failed"
grep -q "tcp 10.244.1.2:8080 result=timeout" "$WORK/probes.txt" || die "reverse tcp not dropped"
grep -q "udp 10.244.1.2:5301 from $UPLINK_IP:42005 result=timeout" "$WORK/probes.txt" || die "reverse udp not dropped"
new=$(b_expect_count filter '-i cali+ -o eth0 -m conntrack --ctstate NEW' -eq 3)
est=$(b_expect_count filter 'RELATED,ESTABLISHED' -ge 10)
pol=$(b_policy filter FORWARD); [ "$pol" -ge 3 ] || die "FORWARD policy count $pol"
f_syn=$(b_expect_frames "reverse SYNs" "eth0 +In +IP $UPLINK_IP\.42004 > 10\.244\.1\.2\.8080: Flags \[S\]" 2)
f_udp=$(b_expect_frames "reverse UDP" "eth0 +In +IP $UPLINK_IP\.42005 > 10\.244\.1\.2\.5301: UDP" 1)
b_expect_none "reverse traffic forwarded" "$CIF +Out +IP $UPLINK_IP\.4200[45] >"
f_ok=$(b_expect_frames "allowed SYNs out" "eth0 +Out +IP 10\.244\.1\.2\.4200[12] > $UPLINK_IP\.9000: Flags \[S\]" 2)
f_synack=$(b_expect_frames "SYN-ACKs back to the pod" "$CIF +Out +IP $UPLINK_IP\.9000 > 10\.244\.1\.2\.4200[12]: Flags \[S\.\]" 2)
f_udpr=$(b_expect_frames "udp reply back" "$CIF +Out +IP $UPLINK_IP\.5300 > 10\.244\.1\.2\.42003: UDP" 1)
env_put CLIENT_IP 10.244.1.2; env_put EXPECT_FORWARD_POLICY_DROPS "$pol"; env_put EXPECT_NEW_ACCEPTS "$new"

{
  echo "# forward-drop-established: FORWARD policy DROP, ESTABLISHED accepted, NEW allowed pod → uplink only"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP (the uplink routes 10.244.0.0/16 via the node),"
  echo "pod client 10.244.1.2 on \`$CIF\`. filter FORWARD: policy DROP; \`--ctstate RELATED,ESTABLISHED -j ACCEPT\`;"
  echo "\`-i cali+ -o eth0 -m conntrack --ctstate NEW -j ACCEPT\`. No nat table (no NAT)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. pod 10.244.1.2:42001 and :42002 → $UPLINK_IP:9000 TCP (full connection each)."
  echo "2. pod 10.244.1.2:42003 → $UPLINK_IP:5300 UDP request and reply."
  echo "3. uplink $UPLINK_IP:42004 → pod 10.244.1.2:8080 TCP, client timeout 2.5 s (SYN and its retransmissions; this kernel retransmits SYNs 1 s apart, tcp_syn_linear_timeouts)."
  echo "4. uplink $UPLINK_IP:42005 → pod 10.244.1.2:5301 UDP, 1 s timeout (a server listens in the pod)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Pod-initiated flows worked: their first packets (SYN frames $f_ok, the UDP request) matched \`-i cali+ -o eth0 ... NEW -j ACCEPT\`"
  echo "  ($new packets = 2 SYNs + 1 UDP datagram); every other packet of those flows, both directions (SYN-ACKs $f_synack, UDP reply $f_udpr),"
  echo "  matched \`RELATED,ESTABLISHED -j ACCEPT\` ($est packets)."
  echo "- The uplink's SYNs to 10.244.1.2:8080 (frames $f_syn) and its datagram to :5301 (frame $f_udp) were NEW, in on eth0 and out"
  echo "  towards $CIF: neither rule matched, the FORWARD policy DROP took them (policy counter $pol) and nothing left on $CIF. The"
  echo "  uplink's connect timed out; no ICMP was sent."
  echo "- conntrack-L.txt has no entry for 42004/42005: a NEW packet dropped in filter FORWARD is never confirmed."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
