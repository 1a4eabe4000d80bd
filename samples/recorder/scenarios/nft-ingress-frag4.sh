#!/usr/bin/env bash
# nft-ingress-frag4: the IPv4 counterpart of nft-ingress6's fragments. Native nftables ingress chains on the node's eth0,
# with conntrack in use (iptables' INPUT accepts ESTABLISHED and counts NEW), so that nf_defrag_ipv4 reassembles
# fragmented datagrams after the ingress hook. `table netdev pkp_nd4`, chain ing (`type filter hook ingress device
# "eth0" priority filter`) drops the first fragment of UDP 5301 (`udp dport 5301 counter drop`: the other fragments
# arrive, are held and expire), counts every UDP packet (`meta l4proto udp counter`: every fragment), every non-first
# fragment (`ip frag-off & 0x1fff != 0 counter`) and every IPv4 packet; `table inet pkp_ig4`, chain ing (`type filter
# hook ingress device "eth0" priority filter - 10`) sets the trace flag (`meta nftrace set 1`), drops UDP 5353 and
# accepts TCP 8081. A 3000-byte UDP datagram to 5300 arrives in three fragments: each walks both ingress chains (the port
# rules match the first only), nf_defrag reassembles them, the whole datagram crosses PREROUTING once and is answered.
# nft-ruleset.txt is `nft -a list ruleset` after the traffic; nft-trace.txt is `nft monitor trace`.
source "$(dirname "$0")/../lib.sh"
pkp_init nft-ingress-frag4
source "$PKP_LIB_DIR/lib-extra.sh"

SIZE=3000; FRAGTIME=4
make_node_ns; make_uplink_ns
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate NEW -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
# nf_defrag_ipv4 holds fragments in the namespace's IPv4 fragment queues (net.ipv4.ipfrag_time)
nsx "$NODE_NS" sysctl -qw net.ipv4.ipfrag_time="$FRAGTIME" >/dev/null || b_fail "cannot set net.ipv4.ipfrag_time"

cat > "$WORK/native.nft" <<N
table netdev pkp_nd4 {
	chain ing {
		type filter hook ingress device "eth0" priority filter; policy accept;
		meta protocol ip udp dport 5301 counter drop
		meta protocol ip meta l4proto udp counter
		meta protocol ip ip frag-off & 0x1fff != 0 counter
		meta protocol ip counter
	}
}
table inet pkp_ig4 {
	chain ing {
		type filter hook ingress device "eth0" priority filter - 10; policy accept;
		meta nftrace set 1
		udp dport 5353 counter drop
		ip saddr $UPLINK_IP tcp dport 8081 counter accept
		meta l4proto icmp counter
	}
}
N
tcp_server node 8081 60
udp_server node 5300 60
udp_server node 5301 60
udp_server node 5353 60
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
b_nft_load "$WORK/native.nft"

# big DST PORT SPORT SIZE: one UDP datagram of SIZE bytes from SPORT (fragmented by the uplink at eth0's MTU 1500);
# prints the answer's length or that none came within 1.5 s.
PY_BIG='
import socket, sys
dst, port, sport, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", sport)); s.settimeout(1.5)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear, the kernel fragments
s.sendto(b"b" * size, (dst, port))
try:
    print("udp %s:%d from :%d sent len=%d result=reply len=%d" % (dst, port, sport, size, len(s.recv(65535))))
except socket.timeout:
    print("udp %s:%d from :%d sent len=%d result=timeout" % (dst, port, sport, size))
'
big() { # DST PORT SPORT SIZE
  local out; out="$(timeout 5 ip netns exec "$UPLINK_NS" python3 -c "$PY_BIG" "$@" 2>&1)" || true
  printf '[up] %s\n' "${out:-big $* result=killed-by-timeout}" | tee -a "$WORK/probes.txt"
}
probe() { # LABEL CMD...: one bounded client run from the uplink, logged to probes.txt
  local label="$1"; shift
  printf '[up] %s %s\n' "$label" "$("$@" 2>&1 | tr '\n' ' ')" | tee -a "$WORK/probes.txt"
}

snapshot_state before
start_capture; start_trace nft
probe "tcp 8081" tcp_connect up "$NODE_IP" 8081 hello-8081 3; sleep 0.3      # accepted at inet ingress, conntrack NEW
probe "udp 5300" udp_request up "$NODE_IP" 5300 1 small-5300; sleep 0.3     # passes both chains, answered
probe "udp 5353" udp_request up "$NODE_IP" 5353 1 small-5353; sleep 0.3     # dropped at inet ingress
big "$NODE_IP" 5300 45300 "$SIZE"; sleep 0.3                                # three fragments, reassembled, answered
big "$NODE_IP" 5301 45301 "$SIZE"                                           # first fragment dropped: the rest expire
timeout 5 ip netns exec "$UPLINK_NS" ping -n -c 2 -i 0.3 -W 1 "$NODE_IP" > "$WORK/ping.txt" 2>&1 || true
sleep "$((FRAGTIME + 1))"                                                   # the held fragments of 5301 expire
timeout 3 ip netns exec "$UPLINK_NS" ping -n -c 1 -W 1 "$NODE_IP" >> "$WORK/ping.txt" 2>&1 || true  # a frame after
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" sysctl net.ipv4.ipfrag_time >> "$BUNDLE/sysctl.txt"; sort -u -o "$BUNDLE/sysctl.txt" "$BUNDLE/sysctl.txt"
b_keep_probes
{ echo "# the uplink's 2 pings, then 1 after the fragments expired"; cat "$WORK/ping.txt"; } >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "8081 connected" "tcp 8081 sport=[0-9]+ reply=node:hello-8081"
ck "5300 answered" "udp 5300 sport=[0-9]+ replies=node:small-5300"
ck "5353 not answered" "udp 5353 sport=[0-9]+ replies=none"
ck "big 5300 answered" "udp $NODE_IP:5300 from :45300 sent len=$SIZE result=reply len=$((SIZE + 5))"
ck "big 5301 not answered" "udp $NODE_IP:5301 from :45301 sent len=$SIZE result=timeout"
[ "$(grep -c ' received' "$WORK/ping.txt")" = 2 ] && ! grep -q ' 0 received' "$WORK/ping.txt" || b_fail "ping: $(cat "$WORK/ping.txt")"
cnt() { awk -v r="$1" 'index($0, r) { for (i = 2; i < NF; i++) if ($i == "packets" && $(i - 1) == "counter") { print $(i + 1); exit } }' "$BUNDLE/nft-ruleset.txt"; }
udp5301=$(cnt 'udp dport 5301 counter'); udp5353=$(cnt 'udp dport 5353 counter')
l4udp=$(cnt 'meta l4proto udp counter'); nonfirst=$(cnt 'frag-off & 8191 != 0 counter'); acc8081=$(cnt 'tcp dport 8081 counter')
icmp=$(cnt 'meta l4proto icmp counter')
all4=$(awk '$1 == "meta" && $2 == "protocol" && $3 == "ip" && $4 == "counter" { print $6; exit }' "$BUNDLE/nft-ruleset.txt")
[ "${udp5301:-0}" = 1 ] || b_fail "udp dport 5301 counted ${udp5301:-nothing} (expected the first fragment only)"
[ "${udp5353:-0}" = 1 ] || b_fail "udp dport 5353 counted ${udp5353:-nothing}"
# fragments on eth0 from the uplink (tcpdump -v: "offset N, flags [+]" in the IP header line)
nsx "$NODE_NS" tcpdump -r "$BUNDLE/capture.pcap" -n -v -# 2>/dev/null > "$WORK/frames-v.txt" || true
frag_in=$(awk '/eth0 +In +IP .*flags \[\+\]|eth0 +In +IP .*offset [1-9]/ { print $1 }' "$WORK/frames-v.txt" | paste -sd, -)
frag_first=$(awk '/eth0 +In +IP .*offset 0, flags \[\+\]/ { print $1 }' "$WORK/frames-v.txt" | paste -sd, -)
[ "$(echo "$frag_in" | tr ',' '\n' | grep -c .)" = 6 ] || b_fail "expected 6 fragments in (two datagrams of three), got $frag_in"
b_expect_none "an answer from port 5353" "IP $NODE_IP\.5353 > "
b_expect_none "an answer from port 5301" "IP $NODE_IP\.5301 > "
# every fragment walked the ingress chains: the UDP counter (after the 5301 drop) counted the small datagram to 5300
# (the one to 5353 was dropped by the inet chain before), the three fragments to 5300 and the two of 5301's the drop
# let through; the non-first-fragment counter the two of each datagram's
[ "${l4udp:-0}" = 6 ] || b_fail "meta l4proto udp counted ${l4udp:-nothing}, expected 6 (1 + 3 fragments + 2 fragments)"
[ "${nonfirst:-0}" = 4 ] || b_fail "ip frag-off & 0x1fff != 0 counted ${nonfirst:-nothing}, expected 4"
# the whole datagram crossed PREROUTING once: one traced packet (trace id) of length 28 + SIZE in raw PREROUTING
whole=$(grep "ip raw PREROUTING packet: .* length $((SIZE + 28)) " "$BUNDLE/nft-trace.txt" | awk '{ print $3 }' | sort -u | wc -l)
[ "$whole" = 1 ] || b_fail "$whole whole datagrams (ip length $((SIZE + 28))) in raw PREROUTING in nft-trace.txt, expected 1"
grep -q "45301" "$BUNDLE/conntrack-L.txt" && b_fail "the 5301 datagram reached conntrack"
traced=$(grep -c ' packet: ' "$BUNDLE/nft-trace.txt" || true)
in_eth0=$(grep -cE "eth0 +(In|B|M) " "$WORK/frames.txt"); in_eth0_ip=$(grep -cE "eth0 +(In|B|M) +IP " "$WORK/frames.txt")
new_in=$(awk '/ctstate NEW -j ACCEPT/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/iptables-save-c-after.txt")
est_in=$(awk '/ctstate RELATED,ESTABLISHED -j ACCEPT/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/iptables-save-c-after.txt")
env_put CLIENT_IP "$UPLINK_IP"; env_put DATAGRAM_SIZE "$SIZE"; env_put IPFRAG_TIME "$FRAGTIME"
env_put UDP5301_DROPS "$udp5301"; env_put UDP5353_DROPS "$udp5353"; env_put UDP_COUNTED "$l4udp"
env_put NONFIRST_FRAGMENTS_COUNTED "$nonfirst"; env_put TCP8081_ACCEPTS "$acc8081"; env_put ICMP_COUNTED "$icmp"
env_put IP_COUNTED "$all4"; env_put IN_ETH0 "$in_eth0"; env_put IN_ETH0_IP "$in_eth0_ip"
env_put FRAGMENTS_IN "$frag_in"; env_put FIRST_FRAGMENTS_IN "$frag_first"; env_put INPUT_NEW "$new_in"
env_put INPUT_ESTABLISHED "$est_in"

{
  echo "# nft-ingress-frag4: native nftables ingress chains (netdev and inet) for IPv4 fragments, conntrack after them"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP (MTU 1500). The node listens on TCP 8081, UDP"
  echo "5300, 5301 and 5353 (\`ss-tulnp.txt\`): a packet that does not arrive is dropped by a chain, not refused."
  echo "net.ipv4.ipfrag_time=$FRAGTIME (the queues nf_defrag_ipv4 holds fragments in)."
  echo
  echo "Rules: iptables (rules-input.txt): filter INPUT \`-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\` and"
  echo "\`--ctstate NEW -j ACCEPT\` (conntrack, hence nf_defrag_ipv4, in use), raw's TRACE rules. Two native tables"
  echo "(nft-input.txt): \`table netdev pkp_nd4\`, chain ing (\`type filter hook ingress device \"eth0\" priority filter\`):"
  echo "\`meta protocol ip udp dport 5301 counter drop\`, \`meta protocol ip meta l4proto udp counter\`, \`meta protocol ip"
  echo "ip frag-off & 0x1fff != 0 counter\`, \`meta protocol ip counter\`; \`table inet pkp_ig4\`, chain ing (\`type filter"
  echo "hook ingress device \"eth0\" priority filter - 10\`): \`meta nftrace set 1\`, \`udp dport 5353 counter drop\`,"
  echo "\`ip saddr $UPLINK_IP tcp dport 8081 counter accept\`, \`meta l4proto icmp counter\`."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "From the uplink: TCP → 8081, UDP → 5300 and → 5353 (small), one $SIZE-byte UDP datagram → 5300 from :45300 and"
  echo "one → 5301 from :45301 (DF clear; each sent in three fragments, 1480 + 1480 + 48 data bytes), two pings;"
  echo "$((FRAGTIME + 1)) s later one more ping (a frame after the held fragments expired)."
  echo
  echo "## What the kernel did"
  echo
  echo "- TCP 8081: \`counter accept\` ($acc8081 packets) ends the inet chain only; the netdev chain and PREROUTING follow,"
  echo "  conntrack tracks the flow (INPUT: NEW $new_in, ESTABLISHED $est_in packets over the whole capture)."
  echo "- UDP 5353: dropped by the inet chain ($udp5353)."
  echo "- Fragments from the uplink: frames $frag_in (first fragments: $frag_first). Every fragment walks the ingress"
  echo "  chains, before nf_defrag: \`meta l4proto udp counter\` counted $l4udp packets (the small datagram to 5300, the three"
  echo "  fragments of the big one, and the two fragments of 5301's that the drop let through); \`ip frag-off & 0x1fff != 0"
  echo "  counter\` counted $nonfirst (the non-first fragments of both datagrams). \`udp dport 5301 counter drop\` matched"
  echo "  $udp5301 packet: the first fragment (a non-first fragment has no UDP header to match); its datagram never became"
  echo "  whole, the two other fragments were held and expired, no answer (the client timed out)."
  echo "- The datagram to 5300 was reassembled and crossed PREROUTING and INPUT once (nft-trace.txt: $whole packet with"
  echo "  \`length $((SIZE + 28))\` in raw PREROUTING), and was answered ($((SIZE + 5)) bytes, fragmented by the node); no"
  echo "  packet to 5301 reached PREROUTING."
  echo "- The netdev chain's \`meta protocol ip counter\` counted $all4 packets; eth0 received $in_eth0 frames ($in_eth0_ip IPv4)."
  echo "- nft-trace.txt has $traced \`packet:\` lines."
  b_readme_tail 'DROP|pkp_|frag'
} > "$BUNDLE/README.md"
pkp_finish
