#!/usr/bin/env bash
# bridge-nf-off: net.bridge.bridge-nf-call-iptables=0 on the node: frames bridged between two ports
# of br-pkp skip iptables entirely (a FORWARD DROP rule for br-pkp -> br-pkp never sees them), while
# routed traffic from the same container still runs through FORWARD and nat POSTROUTING.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-brnf"
pkp_init bridge-nf-off
source "$PKP_LIB_DIR/lib-extra.sh"

b_bridge_nf_node 0

snapshot_state before
start_capture; start_trace
b_probe a tcp 172.17.0.3 8080 - 50001; sleep 0.3            # bridged
b_probe a udp 172.17.0.3 5300 - 50002; sleep 0.3            # bridged
b_probe a tcp "$UPLINK_IP" 9000 - 50003; sleep 0.3          # routed
stop_trace; stop_capture
snapshot_state after
b_keep_probes

AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q '^net.bridge.bridge-nf-call-iptables = 0' "$BUNDLE/sysctl.txt" || die "sysctl not 0"
grep -q "tcp 172.17.0.3:8080 from 172.17.0.2:50001 result=connected reply='b port 8080 saw 172.17.0.2:50001'" "$WORK/probes.txt" || die "bridged tcp failed"
grep -q "udp 172.17.0.3:5300 from 172.17.0.2:50002 result=reply" "$WORK/probes.txt" || die "bridged udp failed"
grep -q "tcp $UPLINK_IP:9000 from 172.17.0.2:50003 result=connected reply='up port 9000 saw $NODE_IP:50003'" "$WORK/probes.txt" || die "routed tcp not masqueraded"
drop=$(b_count filter 'container to container'); [ "$drop" = 0 ] || die "bridge DROP rule counted $drop"
f_br=$(b_expect_frames "bridged SYN in on a's port" "$AIF +P +IP 172\.17\.0\.2\.50001 > 172\.17\.0\.3\.8080: Flags \[S\]" 1)
f_bro=$(b_expect_frames "bridged SYN out on b's port" "$BIF +Out +IP 172\.17\.0\.2\.50001 > 172\.17\.0\.3\.8080: Flags \[S\]" 1)
f_rt=$(b_expect_frames "routed SYN out eth0" "eth0 +Out +IP $NODE_IP\.50003 > $UPLINK_IP\.9000: Flags \[S\]" 1)
b_trace_summary > "$WORK/ts.txt"
if grep -qE "172\.17\.0\.[23]>172\.17\.0\.[23] " "$WORK/ts.txt"; then die "bridged traffic appears in the trace"; fi
grep -q "172.17.0.2>$UPLINK_IP 50003>9000 SYN" "$WORK/ts.txt" || die "routed SYN not traced"
grep -q "sport=50001" "$BUNDLE/conntrack-L.txt" && die "bridged flow has a conntrack entry"
masq=$(b_expect_count nat 'MASQUERADE' -eq 1)
acc=$(b_expect_count filter '-i br-pkp ! -o br-pkp -j ACCEPT' -ge 3)
nbr=$(grep -cE "(In|P|Out) +IP 172\.17\.0\.[23]\.(50001|50002|8080|5300) > 172\.17\.0\.[23]\." "$WORK/frames.txt")
env_put BRIDGE_NF_CALL_IPTABLES 0; env_put BRIDGED_FRAMES "$nbr"

{
  echo "# bridge-nf-off: bridged frames skip iptables when net.bridge.bridge-nf-call-iptables=0"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=0 in this namespace, sysctl.txt), bridge \`br-pkp\` 172.17.0.1/16"
  echo "with containers a 172.17.0.2 (port \`$AIF\`) and b 172.17.0.3 (port \`$BIF\`), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP."
  echo "filter FORWARD policy DROP with \`-i br-pkp -o br-pkp ... -j DROP\` first; egress \`-i br-pkp ! -o br-pkp\` ACCEPT; nat MASQUERADE 172.17.0.0/16."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. a 172.17.0.2:50001 → b 172.17.0.3:8080 TCP (same bridge). 2. a :50002 → b :5300 UDP. 3. a :50003 → $UPLINK_IP:9000 TCP (routed)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The a↔b frames were bridged (SYN received on $AIF as frame $f_br with SLL2 packet type \"P\" = PACKET_OTHERHOST, i.e. not addressed to the node, out on $BIF as frame $f_bro; $nbr bridged IP frames in all) and never"
  echo "  entered iptables: the \`-i br-pkp -o br-pkp ... -j DROP\` rule counted $drop, trace.txt has no PACKET line for 172.17.0.2↔172.17.0.3,"
  echo "  and conntrack never saw them (no entry in conntrack-L.txt). Both a→b connections worked despite FORWARD policy DROP."
  echo "  (With the default bridge-nf-call-iptables=1 the same frames traverse FORWARD as \`-i br-pkp -o br-pkp\` and are dropped: bundle \`bridge-nf-on\`.)"
  echo "- The routed flow a → $UPLINK_IP:9000 went through the IP stack normally: FORWARD \`-i br-pkp ! -o br-pkp -j ACCEPT\` ($acc packets),"
  echo "  MASQUERADE to $NODE_IP ($masq, first packet; SYN frame $f_rt), replies via \`RELATED,ESTABLISHED\`."
  b_readme_tail 'nat:POSTROUTING:rule|FORWARD'
} > "$BUNDLE/README.md"
pkp_finish
