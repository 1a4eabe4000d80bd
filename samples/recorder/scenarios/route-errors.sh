#!/usr/bin/env bash
# route-errors: forwarded packets from a pod to destinations with no route (the node has no default
# route), an `unreachable` route, a `blackhole` route and a `prohibit` route, plus a reachable control;
# UDP and TCP probes spaced 2.5 s apart for the ICMP rate limit.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-rterr"
pkp_init route-errors
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
# No default route on the node: only the connected uplink /24 and one routed prefix (control).
ip -n "$NODE_NS" route del default
ip -n "$NODE_NS" route add 10.70.0.0/16 via "$UPLINK_IP" dev eth0
ip -n "$UPLINK_NS" addr add 10.70.0.1/32 dev lo
ip -n "$NODE_NS" route add unreachable 10.60.0.0/24
ip -n "$NODE_NS" route add blackhole 10.61.0.0/24
ip -n "$NODE_NS" route add prohibit 10.62.0.0/24
# proxy_arp needs a route to 169.254.1.1, which is gone with the default route: give the pod a
# permanent neighbour for its gateway instead (the node side MAC is ee:ee:ee:ee:ee:ee).
ip -n "$(pod_ns client)" neigh replace 169.254.1.1 lladdr ee:ee:ee:ee:ee:ee dev eth0 nud permanent
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
b_serve up udp 6100 60 10.70.0.1
b_serve up tcp 6101 60 10.70.0.1

b_netstat_snap before
snapshot_state before
start_capture; start_trace
for d in 10.70.0.1 10.63.0.1 10.60.0.1 10.61.0.1 10.62.0.1; do b_probe client udp "$d" 6100 - 0 2; sleep 0.6; done
for d in 10.70.0.1 10.63.0.1 10.60.0.1 10.61.0.1 10.62.0.1; do b_probe client tcp "$d" 6101 - 0 1.5; sleep 2.5; done
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

res() { grep -E "\[client\] $1 $2:610[01] " "$WORK/probes.txt" | head -1 | sed 's/.*result=\([^ ]*\).*/\1/'; }
CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
[ "$(res udp 10.70.0.1)" = reply ] && [ "$(res tcp 10.70.0.1)" = connected ] || die "control failed"
i_none=$(b_expect_frames "net unreachable" "$CIF +Out +IP .* > 10\.244\.1\.2: ICMP net 10\.63\.0\.1 unreachable" 1)
i_unr=$(b_expect_frames "host unreachable" "$CIF +Out +IP .* > 10\.244\.1\.2: ICMP host 10\.60\.0\.1 unreachable" 1)
i_pro=$(b_expect_frames "admin prohibited" "$CIF +Out +IP .* > 10\.244\.1\.2: ICMP host 10\.62\.0\.1 unreachable - admin prohibited" 1)
b_expect_none "ICMP for the blackhole" "ICMP .*10\.61\.0\.1"
b_expect_none "blackholed packets forwarded" "eth0 +Out .* > 10\.61\.0\.1"
f_bh=$(b_expect_frames "blackholed packets in" "$CIF +In +IP 10\.244\.1\.2\.[0-9]+ > 10\.61\.0\.1\.610[01]" 2)
b_trace_summary > "$WORK/ts.txt"
grep -qE ">10\.6[0-3]\.0\.1 " "$WORK/ts.txt" || die "no trace lines for the failing destinations"
if grep -E ">10\.6[0-3]\.0\.1 " "$WORK/ts.txt" | grep -vq ': raw:PREROUTING:policy:ACCEPT$'; then die "a failing packet got past PREROUTING"; fi
src=$(grep -E "ICMP net 10\.63\.0\.1 unreachable" "$WORK/frames.txt" | head -1 | sed -E 's/.* IP ([0-9.]+) > .*/\1/')
env_put CLIENT_IP 10.244.1.2; env_put ICMP_ERROR_SOURCE "$src"
for d in 10.70.0.1 10.63.0.1 10.60.0.1 10.61.0.1 10.62.0.1; do
  env_put "RESULT_UDP_${d//./_}" "$(res udp $d)"; env_put "RESULT_TCP_${d//./_}" "$(res tcp $d)"
done

{
  echo "# route-errors: no route, unreachable, blackhole and prohibit routes for forwarded packets"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1) has NO default route (ip-route.txt): connected 172.18.0.0/24 on eth0, \`10.70.0.0/16 via $UPLINK_IP\`"
  echo "(the uplink owns 10.70.0.1, UDP :6100 and TCP :6101 servers), \`unreachable 10.60.0.0/24\`, \`blackhole 10.61.0.0/24\`,"
  echo "\`prohibit 10.62.0.0/24\`; nothing covers 10.63.0.0/24. Pod client 10.244.1.2 on \`$CIF\` (its gateway 169.254.1.1 is a permanent"
  echo "neighbour entry in the pod, since proxy_arp cannot answer without a node route to 169.254.1.1)."
  echo "filter FORWARD: RELATED,ESTABLISHED accept, \`-i cali+ -j ACCEPT\`, policy ACCEPT."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "From the pod, one UDP datagram (connected socket, port 6100) to 10.70.0.1, 10.63.0.1, 10.60.0.1, 10.61.0.1, 10.62.0.1, then one TCP"
  echo "connect (port 6101, 1.5 s timeout) to each in the same order; error-expecting probes at least 2.5 s apart (ICMP rate limit)."
  echo
  echo "## What the kernel did"
  echo
  echo "| destination | route | UDP result | TCP result | ICMP from the node |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| 10.70.0.1 | via $UPLINK_IP | $(res udp 10.70.0.1) | $(res tcp 10.70.0.1) | none (forwarded, answered) |"
  echo "| 10.63.0.1 | none (no default) | $(res udp 10.63.0.1) | $(res tcp 10.63.0.1) | 3/0 net unreachable, frames $i_none |"
  echo "| 10.60.0.1 | unreachable | $(res udp 10.60.0.1) | $(res tcp 10.60.0.1) | 3/1 host unreachable, frames $i_unr |"
  echo "| 10.61.0.1 | blackhole | $(res udp 10.61.0.1) | $(res tcp 10.61.0.1) | none: silently dropped (frames $f_bh came in, nothing left) |"
  echo "| 10.62.0.1 | prohibit | $(res udp 10.62.0.1) | $(res tcp 10.62.0.1) | 3/13 admin prohibited, frames $i_pro |"
  echo
  echo "- The ICMP errors came from $src (the node's eth0 address; the pod-side cali interface has no address) and were sent out on $CIF."
  echo "- The failed packets never reached filter FORWARD: input routing failed right after PREROUTING (trace-summary.txt shows only"
  echo "  raw PREROUTING for them), so the FORWARD counters only cover the control flows."
  echo "- UDP: only the prohibit error (3/13) surfaced to the connected UDP socket (EHOSTUNREACH); Linux treats net/host unreachable as"
  echo "  soft errors for UDP (reported only with IP_RECVERR), so those probes timed out although the ICMP error was delivered (see frames)."
  echo "  TCP in SYN_SENT treats all three as hard errors: ENETUNREACH / EHOSTUNREACH / EHOSTUNREACH at once."
  echo "- Kernel MIB deltas (netstat-counters.txt): IpExt.InNoRoutes +$(b_netstat_delta IpExt.InNoRoutes) (the two no-route packets),"
  echo "  Icmp.OutDestUnreachs +$(b_netstat_delta Icmp.OutDestUnreachs), Ip.ForwDatagrams +$(b_netstat_delta Ip.ForwDatagrams)."
  b_readme_tail 'ICMP|10\.6[0-3]\.0\.1'
} > "$BUNDLE/README.md"
pkp_finish
