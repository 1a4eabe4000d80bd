#!/usr/bin/env bash
# neigh-failed: a pod sends to an on-link address of the node's uplink subnet that nobody owns; the
# node ARPs for it, the neighbour entry goes FAILED, and ~3 s later the node answers the queued
# packet with ICMP host unreachable.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-nfail"
pkp_init neigh-failed
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
GHOST=172.18.0.77
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i cali+ -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_netstat_snap before
snapshot_state before
start_capture; start_trace
b_probe client udp "$GHOST" 6200 - 46001 4.5; sleep 2.5           # one datagram, wait for the error
b_probe client tcp "$GHOST" 6201 - 46002 6; sleep 0.5             # SYN (+ retransmissions queued)
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_udp=$(b_expect_frames "udp datagram in" "$CIF +In +IP 10\.244\.1\.2\.46001 > $GHOST\.6200: UDP" 1)
arp=$(b_expect_frames "ARP requests for the ghost" "eth0 +Out +ARP, Request who-has $GHOST tell $NODE_IP" 3)
b_expect_none "ARP reply" "ARP, Reply $GHOST"
b_expect_none "packets to the ghost sent" "eth0 +Out +IP .* > $GHOST"
i_udp=$(b_expect_frames "host unreachable for the datagram" "$CIF +Out +IP $NODE_IP > 10\.244\.1\.2: ICMP host $GHOST unreachable, length [0-9]+" 1)
first_i=${i_udp%%,*}
dt_udp=$(b_dt "$f_udp" "$first_i")
f_syn=$(b_expect_frames "SYNs in" "$CIF +In +IP 10\.244\.1\.2\.46002 > $GHOST\.6201: Flags \[S\]" 1)
first_syn=${f_syn%%,*}
tcp_res=$(grep "tcp $GHOST:6201" "$WORK/probes.txt" | sed 's/.*result=\([^ ]*\) after=\([^ ]*\).*/\1 after \2/')
udp_res=$(grep "udp $GHOST:6200" "$WORK/probes.txt" | sed 's/.*result=\([^ ]*\).*/\1/')
icmp_after_syn=$(awk -v s="$first_syn" '$1 > s && /ICMP host/ {print $1; exit}' "$WORK/frames.txt")
[ -n "$icmp_after_syn" ] || die "no ICMP after the SYN"
dt_tcp=$(b_dt "$first_syn" "$icmp_after_syn")
arp1=$(awk -v a="$f_udp" -v b="$first_i" '$1 > a && $1 < b && /ARP, Request who-has/ {printf "%s%s", s, $1; s=","}' "$WORK/frames.txt")
syn_q=$(awk -v a="$first_syn" -v b="$icmp_after_syn" '$1 >= a && $1 < b && /Flags \[S\]/ {printf "%s%s", s, $1; s=","}' "$WORK/frames.txt")
icmp_t=$(awk -v a="$first_syn" '$1 > a && /ICMP host/ {printf "%s%s", s, $1; s=","}' "$WORK/frames.txt")
late_syn=$(awk -v b="$icmp_after_syn" '$1 > b && /Flags \[S\]/ {printf "%s%s", s, $1; s=","}' "$WORK/frames.txt")
[ "$(echo "$syn_q" | tr ',' '\n' | wc -l)" = "$(echo "$icmp_t" | tr ',' '\n' | wc -l)" ] || die "queued SYNs $syn_q vs ICMP $icmp_t"
awk -v d="$dt_udp" 'BEGIN { exit !(d >= 2.5 && d <= 4.0) }' || die "ICMP delay $dt_udp s is not ~3 s"
neigh=$(grep "^$GHOST " "$BUNDLE/ip-neigh.txt" || echo "$GHOST (no entry)")
env_put CLIENT_IP 10.244.1.2; env_put GHOST_IP "$GHOST"; env_put ICMP_DELAY_UDP "$dt_udp"; env_put ICMP_DELAY_TCP "$dt_tcp"

{
  echo "# neigh-failed: forwarded packet to an on-link address nobody answers → FAILED neighbour → ICMP host unreachable"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 (only $UPLINK_IP exists on that link), pod client 10.244.1.2 on"
  echo "\`$CIF\`. $GHOST is inside the connected 172.18.0.0/24 route of eth0 but no host owns it. filter FORWARD accepts cali+ and"
  echo "RELATED,ESTABLISHED."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. pod 10.244.1.2:46001 → $GHOST:6200, one UDP datagram (connected socket, 4.5 s wait)."
  echo "2. 2.5 s later, pod 10.244.1.2:46002 → $GHOST:6201 TCP connect (6 s timeout)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The datagram (frame $f_udp) was routed out eth0 (connected route), but the node had no neighbour entry for $GHOST: it queued"
  echo "  the packet and sent ARP requests \"who-has $GHOST tell $NODE_IP\" (frames $arp1, 1 s apart). Nobody answered."
  echo "- $dt_udp s after the datagram the node gave up, dropped the queued packet and sent ICMP 3/1 host unreachable from $NODE_IP to the pod"
  echo "  (frame $first_i). Nothing was ever sent to $GHOST. The UDP socket saw: $udp_res (host unreachable is a soft error for UDP)."
  echo "- The TCP SYN (frame $first_syn) restarted resolution (new ARP requests). The SYN and its retransmissions (frames $syn_q) were all"
  echo "  queued; $dt_tcp s after the first SYN the node sent one ICMP host unreachable per queued packet, back to back (frames $icmp_t)."
  echo "  The client's connect ended with: $tcp_res.$( [ -n "$late_syn" ] && echo " A further SYN (frame $late_syn) that crossed the errors started another resolution round (later ARP requests); the capture ended before its outcome.")"
  echo "- All ARP requests for $GHOST: frames $arp."
  echo "- ip neigh after the traffic (ip-neigh.txt): \`$neigh\`."
  echo "- The forwarded packets were accepted by filter FORWARD (\`-i cali+ -j ACCEPT\`) before the neighbour failure: the drop happens"
  echo "  after netfilter, at neighbour output, so the counters and trace show them as accepted. Kernel MIB deltas: netstat-counters.txt."
  b_readme_tail 'ICMP|FORWARD'
} > "$BUNDLE/README.md"
pkp_finish
