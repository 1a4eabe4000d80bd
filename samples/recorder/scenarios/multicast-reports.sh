#!/usr/bin/env bash
# multicast-reports: a pod joins 239.1.1.1 and ff05::1:3 with a socket after the trace starts, so its kernel sends
# IGMPv3 reports to 224.0.0.22 and MLDv2 reports to ff02::16 (Router Alert); then UDP to the all-hosts groups 224.0.0.1
# and ff02::1 (every interface of the node is joined), to groups nothing on the node joined (239.1.1.1, ff02::1:3), and
# a ping of the node's link-local address (neighbor solicitation to its solicited-node group). The trace shows which
# of them reach filter INPUT: a received multicast packet is delivered only if the input device joined its group.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-mcr"
pkp_init multicast-reports ipv6
source "$PKP_LIB_DIR/lib-extra.sh"

UPORT=9999
make_node_ns
add_pod client 10.244.1.2 fd00:10:244:1::2
CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
for fam in 4 6; do
  cat > "$WORK/rules.v$fam" <<R
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -d $([ $fam = 4 ] && echo 224.0.0.0/4 || echo ff00::/8) -m comment --comment "multicast delivered" -j ACCEPT
COMMIT
R
done
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"; cp "$WORK/rules.v6" "$BUNDLE/rules-input-ip6.txt"
load_rules "$WORK/rules.v4"
load_rules6 "$WORK/rules.v6"
sleep 1

b_netstat_snap before
snapshot_state before
start_capture; start_trace
# One bounded program in the pod: join (reports), 4 datagrams, leave (reports again), all paced.
timeout 20 ip netns exec "$(pod_ns client)" python3 - "$UPORT" > "$WORK/pod.txt" 2>&1 <<'PY' || die "pod program failed: $(cat "$WORK/pod.txt")"
import socket, struct, sys, time
port = int(sys.argv[1])
idx = socket.if_nametoindex("eth0")
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.1.1.1") + socket.inet_aton("10.244.1.2"))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff05::1:3") + struct.pack("@I", idx))
print("joined 239.1.1.1 and ff05::1:3 on eth0 (reports to 224.0.0.22 and ff02::16)"); sys.stdout.flush()
time.sleep(2.5)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.244.1.2"))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
for dst in ("224.0.0.1", "239.1.1.1"):
    s4.sendto(("to " + dst).encode(), (dst, port)); print("udp", dst, port); time.sleep(0.3)
for dst in ("ff02::1", "ff02::1:3"):
    s6.sendto(("to " + dst).encode(), (dst, port, 0, idx)); print("udp", dst, port); time.sleep(0.3)
s4.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, socket.inet_aton("239.1.1.1") + socket.inet_aton("10.244.1.2"))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_LEAVE_GROUP, socket.inet_pton(socket.AF_INET6, "ff05::1:3") + struct.pack("@I", idx))
print("left both groups (leave reports)")
PY
sleep 0.3
echo "ping6 fe80::ecee:eeff:feee:eeee%eth0: $(timeout 5 ip netns exec "$(pod_ns client)" ping -6 -c 1 -W 2 fe80::ecee:eeff:feee:eeee%eth0 >/dev/null 2>&1 && echo reply || echo no-reply)" >> "$WORK/pod.txt"
sleep 2.5
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
cp "$WORK/pod.txt" "$WORK/probes.txt"; b_keep_probes
nsx "$NODE_NS" ip maddr show > "$BUNDLE/ip-maddr.txt"
nsx "$NODE_NS" ip -j maddr show > "$BUNDLE/ip-j-maddr.json"

f_igmp=$(b_expect_frames "IGMPv3 reports" "$CIF +(In|M) +IP 10\.244\.1\.2 > 224\.0\.0\.22: igmp v3 report" 1)
f_mld=$(b_expect_frames "MLDv2 reports" "$CIF +(In|M) +IP6 fe80::[0-9a-f:]+ > ff02::16: HBH .*multicast listener report v2" 1)
f_ah=$(b_expect_frames "udp to 224.0.0.1" "$CIF +(In|M) +IP 10\.244\.1\.2\.[0-9]+ > 224\.0\.0\.1\.$UPORT" 1)
f_g4=$(b_expect_frames "udp to 239.1.1.1" "$CIF +(In|M) +IP 10\.244\.1\.2\.[0-9]+ > 239\.1\.1\.1\.$UPORT" 1)
f_a6=$(b_expect_frames "udp to ff02::1" "$CIF +(In|M) +IP6 fe80::[0-9a-f:]+\.[0-9]+ > ff02::1\.$UPORT" 1)
f_g6=$(b_expect_frames "udp to ff02::1:3" "$CIF +(In|M) +IP6 fe80::[0-9a-f:]+\.[0-9]+ > ff02::1:3\.$UPORT" 1)
f_ns=$(b_frames "$CIF +(In|M) +IP6 fe80::[0-9a-f:]+ > ff02::1:ffee:eeee: ICMP6, neighbor solicitation")
b_trace_summary > "$WORK/ts.txt"
cp "$WORK/ts.txt" "$BUNDLE/trace-summary.txt"
# Which destinations reached filter INPUT (a PACKET line with the INPUT hook's tables), per destination.
reached() { grep -E "^$CIF/[^ ]* [^ ]*>$1( |$)" "$WORK/ts.txt" | grep -c 'filter:INPUT' || true; }
seen() { grep -cE "^$CIF/[^ ]* [^ ]*>$1( |$)" "$WORK/ts.txt" || true; }
{
  echo "| destination | trace PACKET lines (all hooks) | of them in filter INPUT |"
  echo "| --- | --- | --- |"
  for d in 224.0.0.22 ff02::16 224.0.0.1 239.1.1.1 ff02::1 ff02::1:3 ff02::1:ffee:eeee; do
    echo "| $d | $(seen "$d") | $(reached "$d") |"
  done
} > "$WORK/reach.txt"
[ "$(reached 224.0.0.1)" -ge 1 ] || log "NOTE: 224.0.0.1 did not reach INPUT"
env_put POD_PROGRAM_PORT "$UPORT"; env_put NODE_CALI_LINKLOCAL fe80::ecee:eeff:feee:eeee

{
  echo "# multicast-reports: which received multicast packets the node delivers (group membership of the input device)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.ipv6.conf.all.forwarding=1, no multicast router: mc_forwarding=0 in sysctl.txt), pod"
  echo "client 10.244.1.2 / fd00:10:244:1::2 behind \`$CIF\` (link-local fe80::ecee:eeff:feee:eeee). Rules: iptables and ip6tables"
  echo "filter INPUT policy ACCEPT (rules-input.txt, rules-input-ip6.txt) with one counting rule \`-d 224.0.0.0/4\` / \`-d ff00::/8 -j ACCEPT\`, TRACE in raw PREROUTING/OUTPUT."
  echo "Nothing on the node joins a group with a socket: its interfaces hold only the groups the kernel joins itself"
  echo "(\`ip maddr show\` of the node after the traffic: ip-maddr.txt)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "After capture and trace started, a python3 program in the pod joins 239.1.1.1 (IP_ADD_MEMBERSHIP) and ff05::1:3"
  echo "(IPV6_JOIN_GROUP) on eth0 — the pod's kernel sends IGMPv3 reports to 224.0.0.22 and MLDv2 reports to ff02::16 with"
  echo "Router Alert —, then UDP datagrams to :$UPORT of 224.0.0.1, 239.1.1.1, ff02::1 and ff02::1:3, then leaves both groups"
  echo "(reports again). Finally the pod pings the node's link-local address: its neighbor solicitation goes to the"
  echo "solicited-node group ff02::1:ffee:eeee."
  echo
  echo "## What the kernel did"
  echo
  echo "Frames: IGMPv3 reports $f_igmp; MLDv2 reports $f_mld; UDP to 224.0.0.1 $f_ah, to 239.1.1.1 $f_g4, to ff02::1 $f_a6,"
  echo "to ff02::1:3 $f_g6; neighbor solicitations to ff02::1:ffee:eeee ${f_ns:-none}. Per destination, trace PACKET lines from"
  echo "\`$CIF\` and how many of them are in filter INPUT (trace-summary.txt has every line):"
  echo
  cat "$WORK/reach.txt"
  echo
  echo "A packet seen in raw PREROUTING but never in filter INPUT was dropped by input routing: IPv4 ip_route_input_rcu"
  echo "delivers a multicast datagram only when ip_check_mc_rcu finds the group on the input device (without multicast"
  echo "forwarding it is dropped otherwise); IPv6 ip6_mc_input delivers only when ipv6_chk_mcast_addr finds it."
  echo
  echo "### Node MIB counters that moved (netstat-counters.txt)"
  echo
  echo '```'; cat "$BUNDLE/netstat-counters.txt"; echo '```'
  b_readme_tail 'ff02|224\.|239\.'
} > "$BUNDLE/README.md"
pkp_finish
