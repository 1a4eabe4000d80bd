#!/usr/bin/env bash
# reject-icmp-tcp: REJECT in filter FORWARD and INPUT with icmp-port-unreachable (UDP, and TCP with the
# default reject type) and with tcp-reset; probes from the uplink spaced 2.5 s for ICMP rate limits.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-rej"
pkp_init reject-icmp-tcp
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod web 10.244.1.2
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 2222 -j REJECT --reject-with tcp-reset
-A INPUT -p udp -m udp --dport 5353 -j REJECT --reject-with icmp-port-unreachable
-A INPUT -p tcp -m tcp --dport 23 -j REJECT
-A FORWARD -d 10.244.1.2/32 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable
-A FORWARD -d 10.244.1.2/32 -p tcp -m tcp --dport 25 -j REJECT --reject-with tcp-reset
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web udp 53 60
b_serve web tcp 25 60
b_serve web tcp 8080 60
b_serve node tcp 2222 60
b_serve node udp 5353 60
b_serve node tcp 23 60

snapshot_state before
start_capture; start_trace
b_probe up tcp 10.244.1.2 8080 - 43000; sleep 2.5       # control: accepted
b_probe up udp 10.244.1.2 53 - 43001; sleep 2.5         # FORWARD REJECT icmp-port-unreachable
b_probe up tcp 10.244.1.2 25 - 43002; sleep 2.5         # FORWARD REJECT tcp-reset
b_probe up tcp "$NODE_IP" 2222 - 43003; sleep 2.5       # INPUT REJECT tcp-reset
b_probe up udp "$NODE_IP" 5353 - 43004; sleep 2.5       # INPUT REJECT icmp-port-unreachable
b_probe up tcp "$NODE_IP" 23 - 43005; sleep 0.5         # INPUT REJECT default (icmp-port-unreachable) on TCP
stop_trace; stop_capture
snapshot_state after
b_keep_probes

WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
grep -q "tcp 10.244.1.2:8080 from $UPLINK_IP:43000 result=connected" "$WORK/probes.txt" || die "control failed"
grep -q "udp 10.244.1.2:53 from $UPLINK_IP:43001 result=ECONNREFUSED" "$WORK/probes.txt" || die "udp 53 not refused"
grep -q "tcp 10.244.1.2:25 result=ECONNREFUSED" "$WORK/probes.txt" || die "tcp 25 not refused"
grep -q "tcp $NODE_IP:2222 result=ECONNREFUSED" "$WORK/probes.txt" || die "tcp 2222 not refused"
grep -q "udp $NODE_IP:5353 from $UPLINK_IP:43004 result=ECONNREFUSED" "$WORK/probes.txt" || die "udp 5353 not refused"
grep -q "tcp $NODE_IP:23 result=ECONNREFUSED" "$WORK/probes.txt" || die "tcp 23 not refused"
for r in '--dport 2222 -j REJECT' '--dport 5353 -j REJECT' '--dport 23 -j REJECT' '--dport 53 -j REJECT' '--dport 25 -j REJECT'; do
  b_expect_count filter "$r" -eq 1 > /dev/null
done
f53=$(b_expect_frames "udp 53 in" "eth0 +In +IP $UPLINK_IP\.43001 > 10\.244\.1\.2\.53:" 1)
i53=$(b_expect_frames "port unreachable for 53" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP 10\.244\.1\.2 udp port 53 unreachable" 1)
f25=$(b_expect_frames "syn 25 in" "eth0 +In +IP $UPLINK_IP\.43002 > 10\.244\.1\.2\.25: Flags \[S\]" 1)
r25=$(b_expect_frames "rst from 10.244.1.2:25" "eth0 +Out +IP 10\.244\.1\.2\.25 > $UPLINK_IP\.43002: Flags \[R\.\]" 1)
b_expect_none "rejected packets forwarded to the pod" "$WIF +Out +IP $UPLINK_IP\.4300[12] >"
f2222=$(b_expect_frames "syn 2222" "eth0 +In +IP $UPLINK_IP\.43003 > $NODE_IP\.2222: Flags \[S\]" 1)
r2222=$(b_expect_frames "rst 2222" "eth0 +Out +IP $NODE_IP\.2222 > $UPLINK_IP\.43003: Flags \[R\.\]" 1)
f5353=$(b_expect_frames "udp 5353" "eth0 +In +IP $UPLINK_IP\.43004 > $NODE_IP\.5353:" 1)
i5353=$(b_expect_frames "unreachable 5353" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP $NODE_IP udp port 5353 unreachable" 1)
f23=$(b_expect_frames "syn 23" "eth0 +In +IP $UPLINK_IP\.43005 > $NODE_IP\.23: Flags \[S\]" 1)
i23=$(b_expect_frames "unreachable 23" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP $NODE_IP tcp port 23 unreachable" 1)
env_put CLIENT_IP "$UPLINK_IP"; env_put POD_IP 10.244.1.2
[ -s "$BUNDLE/conntrack-L.txt" ] && die "conntrack unexpectedly active"

{
  echo "# reject-icmp-tcp: REJECT with icmp-port-unreachable and tcp-reset in filter FORWARD and INPUT"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP, pod web 10.244.1.2 on \`$WIF\`."
  echo "Servers listen on every probed port (pod: udp 53, tcp 25, tcp 8080; node: tcp 2222, udp 5353, tcp 23), so every refusal"
  echo "below comes from a REJECT rule, not from a closed port. Rules: rules-input.txt."
  echo
  echo "## Traffic (probes.txt; 2.5 s between probes because the kernel rate-limits ICMP errors)"
  echo
  echo "1. $UPLINK_IP:43000 → 10.244.1.2:8080 TCP (control). 2. :43001 → 10.244.1.2:53 UDP. 3. :43002 → 10.244.1.2:25 TCP."
  echo "4. :43003 → $NODE_IP:2222 TCP. 5. :43004 → $NODE_IP:5353 UDP. 6. :43005 → $NODE_IP:23 TCP."
  echo
  echo "## What the kernel did"
  echo
  echo "- Control: 10.244.1.2:8080 connected (no rule matched, FORWARD policy ACCEPT)."
  echo "- UDP to 10.244.1.2:53 (frame $f53) hit FORWARD \`-d 10.244.1.2/32 -p udp -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable\`:"
  echo "  the node sent ICMP 3/3 from its eth0 address $NODE_IP (frame $i53, quoting 10.244.1.2 udp port 53); the client's connected socket got ECONNREFUSED."
  echo "- TCP SYN to 10.244.1.2:25 (frame $f25) hit FORWARD \`... --dport 25 -j REJECT --reject-with tcp-reset\`: the node sent RST,ACK"
  echo "  with the pod's address and port as source, 10.244.1.2:25 → $UPLINK_IP:43002 (frame $r25); nothing reached the pod."
  echo "- TCP SYN to $NODE_IP:2222 (frame $f2222) hit INPUT tcp-reset: RST,ACK from $NODE_IP:2222 (frame $r2222)."
  echo "- UDP to $NODE_IP:5353 (frame $f5353) hit INPUT icmp-port-unreachable: ICMP 3/3 from $NODE_IP (frame $i5353)."
  echo "- TCP SYN to $NODE_IP:23 (frame $f23) hit INPUT \`-j REJECT\` (saved as \`--reject-with icmp-port-unreachable\`): the client got ICMP 3/3"
  echo "  \"tcp port 23 unreachable\" (frame $i23), not a RST, and connect() failed with ECONNREFUSED."
  echo "- Each REJECT rule counted exactly 1 packet. In trace.txt a REJECT rule's verdict prints as DROP (e.g. \`filter:FORWARD:rule:0x7:DROP\`),"
  echo "  and the generated RST/ICMP packets appear as locally generated packets (raw OUTPUT and filter OUTPUT lines, no IN=) traced"
  echo "  just before the verdict line of the packet that triggered them."
  echo "- No rule uses conntrack or nat, so conntrack was not active in the node namespace: conntrack-L.txt is empty$( [ -s "$BUNDLE/conntrack-L.txt" ] && echo ' (NOT: see file)')."
  b_readme_tail 'REJECT|DROP|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
