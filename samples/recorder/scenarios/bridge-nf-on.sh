#!/usr/bin/env bash
# bridge-nf-on: the companion of bridge-nf-off with net.bridge.bridge-nf-call-iptables=1 (the
# per-namespace default): frames bridged between two ports of br-pkp DO traverse iptables (raw/nat
# PREROUTING, filter FORWARD as -i br-pkp -o br-pkp, nat POSTROUTING), so the same
# `-i br-pkp -o br-pkp -j DROP` rule now drops container-to-container traffic.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-brnn"
pkp_init bridge-nf-on
source "$PKP_LIB_DIR/lib-extra.sh"

b_bridge_nf_node 1

snapshot_state before
start_capture; start_trace
b_probe a tcp 172.17.0.3 8080 - 50101 1.5; sleep 0.3        # bridged: dropped in FORWARD now
b_probe a udp 172.17.0.3 5300 - 50102 1; sleep 0.3          # bridged
b_probe a tcp "$UPLINK_IP" 9000 - 50103; sleep 0.3          # routed
stop_trace; stop_capture
snapshot_state after
b_keep_probes

AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q '^net.bridge.bridge-nf-call-iptables = 1' "$BUNDLE/sysctl.txt" || die "sysctl not 1"
grep -q "tcp 172.17.0.3:8080 result=timeout" "$WORK/probes.txt" || die "bridged tcp not dropped"
grep -q "udp 172.17.0.3:5300 from 172.17.0.2:50102 result=timeout" "$WORK/probes.txt" || die "bridged udp not dropped"
grep -q "tcp $UPLINK_IP:9000 from 172.17.0.2:50103 result=connected reply='up port 9000 saw $NODE_IP:50103'" "$WORK/probes.txt" || die "routed tcp failed"
f_syn=$(b_expect_frames "bridged SYNs in on a's port" "$AIF +P +IP 172\.17\.0\.2\.50101 > 172\.17\.0\.3\.8080: Flags \[S\]" 2)
f_udp=$(b_expect_frames "bridged datagram in on a's port" "$AIF +P +IP 172\.17\.0\.2\.50102 > 172\.17\.0\.3\.5300: UDP" 1)
b_expect_none "bridged frames out on b's port" "$BIF +Out +IP 172\.17\.0\.2\."
nsyn=$(echo "$f_syn" | tr ',' '\n' | wc -l)
drop=$(b_expect_count filter 'container to container' -eq $((nsyn + 1)))
b_trace_summary > "$WORK/ts.txt"
grep -qE "^br-pkp/br-pkp 172\.17\.0\.2>172\.17\.0\.3 50101>8080 SYN ID=[0-9]+ : filter:FORWARD:rule0x[0-9a-f]+:DROP$" "$WORK/ts.txt" \
  || die "trace does not show the bridged SYN dropped in FORWARD with IN=OUT=br-pkp"
grep -qE "^br-pkp/- 172\.17\.0\.2>172\.17\.0\.3 50101>8080 SYN ID=[0-9]+ : raw:PREROUTING:policy:ACCEPT$" "$WORK/ts.txt" \
  || die "trace does not show the bridged SYN in raw PREROUTING with IN=br-pkp"
masq=$(b_expect_count nat 'MASQUERADE' -eq 1)
env_put BRIDGE_NF_CALL_IPTABLES 1

{
  echo "# bridge-nf-on: bridged frames traverse iptables when net.bridge.bridge-nf-call-iptables=1 (companion of bridge-nf-off)"
  echo
  b_readme_topology
  echo "Identical to \`bridge-nf-off\` except net.bridge.bridge-nf-call-iptables=1 (the default in a new namespace; sysctl.txt):"
  echo "node \`$NODE_NS\`, bridge \`br-pkp\` 172.17.0.1/16, containers a 172.17.0.2 (port \`$AIF\`) and b 172.17.0.3 (port \`$BIF\`),"
  echo "filter FORWARD policy DROP with \`-i br-pkp -o br-pkp ... -j DROP\` first, egress ACCEPT, nat MASQUERADE 172.17.0.0/16."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. a 172.17.0.2:50101 → b 172.17.0.3:8080 TCP (1.5 s timeout). 2. a :50102 → b :5300 UDP (1 s). 3. a :50103 → $UPLINK_IP:9000 TCP (routed)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The bridged SYNs (frames $f_syn, SLL2 type P on $AIF) and the datagram (frame $f_udp) were handed to iptables by br_netfilter:"
  echo "  trace.txt shows them in raw PREROUTING with IN=br-pkp (the bridge, not the port) and in filter FORWARD with IN=br-pkp OUT=br-pkp,"
  echo "  where \`-i br-pkp -o br-pkp ... -j DROP\` dropped them ($drop packets = $nsyn SYNs + 1 datagram). Nothing came out of $BIF;"
  echo "  both a→b probes timed out. (In \`bridge-nf-off\` the same frames were bridged and the rule counted 0.)"
  echo "- The routed flow a → $UPLINK_IP:9000 worked: FORWARD \`-i br-pkp ! -o br-pkp -j ACCEPT\`, MASQUERADE to $NODE_IP ($masq, first packet)."
  b_readme_tail 'br-pkp/br-pkp|nat:POSTROUTING:rule|DROP'
} > "$BUNDLE/README.md"
pkp_finish
