#!/usr/bin/env bash
# nft-ingress6: native nftables ingress chains for IPv6, with conntrack in use (ip6tables' INPUT accepts ESTABLISHED and
# counts NEW), so that nf_defrag_ipv6 reassembles fragmented datagrams after the ingress hook. `table netdev pkp_nd6`,
# chain ing (`type filter hook ingress device "eth0" priority filter`) drops TCP 23 from the uplink (`meta protocol ip6
# ip6 saddr ... tcp dport 23 counter drop`) and the first fragment of UDP 5301 (`udp dport 5301 counter drop`: the other
# fragments arrive, are held and expire), and counts what it sees (`meta protocol ip6 meta l4proto udp counter`: every
# fragment; `meta protocol ip6 counter`); `table inet pkp_ig6`, chain ing (`type filter hook ingress device "eth0"
# priority filter - 10`) sets the trace flag (`meta nftrace set 1`), drops UDP 5353 and accepts TCP 8081 (`counter
# accept`: the flow then goes on to PREROUTING and conntrack, where its packets are NEW and ESTABLISHED). A 3000-byte
# UDP datagram to 5300 arrives in three fragments: each walks both ingress chains (the port rules match the first
# only), nf_defrag reassembles them, the whole datagram crosses PREROUTING once and is answered.
# nft-ruleset.txt is `nft -a list ruleset` after the traffic; nft-trace.txt is `nft monitor trace`.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="ing6"
pkp_init nft-ingress6 ipv6
source "$PKP_LIB_DIR/lib-extra.sh"

SIZE=3000; FRAGTIME=4
make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.netfilter.nf_conntrack_frag6_timeout="$FRAGTIME" >/dev/null 2>&1 || true
cat > "$WORK/rules.v6" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate NEW -j ACCEPT
COMMIT
R
cp "$WORK/rules.v6" "$BUNDLE/rules-input.txt"
load_rules6 "$WORK/rules.v6"
# after the ip6tables rules (they load nf_conntrack and nf_defrag_ipv6 in the namespace)
nsx "$NODE_NS" sysctl -qw net.netfilter.nf_conntrack_frag6_timeout="$FRAGTIME" >/dev/null \
  || b_fail "cannot set nf_conntrack_frag6_timeout"

cat > "$WORK/native.nft" <<N
table netdev pkp_nd6 {
	chain ing {
		type filter hook ingress device "eth0" priority filter; policy accept;
		meta protocol ip6 ip6 saddr $UPLINK_IP6 tcp dport 23 counter drop
		meta protocol ip6 udp dport 5301 counter drop
		meta protocol ip6 meta l4proto udp counter
		meta protocol ip6 counter
	}
}
table inet pkp_ig6 {
	chain ing {
		type filter hook ingress device "eth0" priority filter - 10; policy accept;
		meta nftrace set 1
		udp dport 5353 counter drop
		ip6 saddr $UPLINK_IP6 tcp dport 8081 counter accept
		meta l4proto ipv6-icmp counter
	}
}
N
tcp_server node 23 60 6
tcp_server node 8081 60 6
udp_server node 5300 60 6
udp_server node 5301 60 6
udp_server node 5353 60 6
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
sleep 3   # the MLD reports sent as the links came up are over: the chains' counters count the capture's packets only
b_nft_load "$WORK/native.nft"

# big DST PORT SPORT SIZE: one UDP datagram of SIZE bytes from SPORT (fragmented by the uplink at eth0's MTU 1500);
# prints the answer's length or that none came within 1.5 s.
PY_BIG='
import socket, sys
dst, port, sport, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", sport)); s.settimeout(1.5)
s.sendto(b"b" * size, (dst, port))
try:
    print("udp [%s]:%d from :%d sent len=%d result=reply len=%d" % (dst, port, sport, size, len(s.recv(65535))))
except socket.timeout:
    print("udp [%s]:%d from :%d sent len=%d result=timeout" % (dst, port, sport, size))
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
start_capture; start_trace
probe "tcp 8081" tcp_connect up "$NODE_IP6" 8081 hello-8081 3; sleep 0.3     # accepted at inet ingress, conntrack NEW
probe "tcp 23" tcp_connect up "$NODE_IP6" 23 hello-23 1.5; sleep 0.3        # dropped at netdev ingress
probe "udp 5300" udp_request up "$NODE_IP6" 5300 1 small-5300; sleep 0.3    # passes both chains, answered
probe "udp 5353" udp_request up "$NODE_IP6" 5353 1 small-5353; sleep 0.3    # dropped at inet ingress
big "$NODE_IP6" 5300 45300 "$SIZE"; sleep 0.3                               # three fragments, reassembled, answered
big "$NODE_IP6" 5301 45301 "$SIZE"                                           # first fragment dropped: the rest expire
timeout 5 ip netns exec "$UPLINK_NS" ping -6 -n -c 2 -i 0.3 -W 1 "$NODE_IP6" > "$WORK/ping.txt" 2>&1 || true
sleep "$((FRAGTIME + 1))"                                                    # the held fragments of 5301 expire
timeout 3 ip netns exec "$UPLINK_NS" ping -6 -n -c 1 -W 1 "$NODE_IP6" >> "$WORK/ping.txt" 2>&1 || true  # a frame after
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" sysctl net.netfilter.nf_conntrack_frag6_timeout >> "$BUNDLE/sysctl.txt"; sort -o "$BUNDLE/sysctl.txt" "$BUNDLE/sysctl.txt"
b_keep_probes
{ echo "# the uplink's 2 pings, then 1 after the fragments expired"; cat "$WORK/ping.txt"; } >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "8081 connected" "tcp 8081 sport=[0-9]+ reply=node:hello-8081"
ck "23 not connected" "tcp 23 .*error="
ck "5300 answered" "udp 5300 sport=[0-9]+ replies=node:small-5300"
ck "5353 not answered" "udp 5353 sport=[0-9]+ replies=none"
ck "big 5300 answered" "udp \[$NODE_IP6\]:5300 from :45300 sent len=$SIZE result=reply len=$((SIZE + 5))"
ck "big 5301 not answered" "udp \[$NODE_IP6\]:5301 from :45301 sent len=$SIZE result=timeout"
[ "$(grep -c ' received' "$WORK/ping.txt")" = 2 ] && ! grep -q ' 0 received' "$WORK/ping.txt" || b_fail "ping: $(cat "$WORK/ping.txt")"
cnt() { awk -v r="$1" 'index($0, r) { for (i = 2; i < NF; i++) if ($i == "packets" && $(i - 1) == "counter") { print $(i + 1); exit } }' "$BUNDLE/nft-ruleset.txt"; }
tcp23=$(cnt 'tcp dport 23 counter'); udp5301=$(cnt 'udp dport 5301 counter'); udp5353=$(cnt 'udp dport 5353 counter')
l4udp=$(cnt 'meta l4proto udp counter'); acc8081=$(cnt 'tcp dport 8081 counter'); icmp6=$(cnt 'meta l4proto ipv6-icmp counter')
all6=$(awk '$1 == "meta" && $2 == "protocol" && $3 == "ip6" && $4 == "counter" { print $6; exit }' "$BUNDLE/nft-ruleset.txt")
[ "${tcp23:-0}" -ge 2 ] || b_fail "tcp dport 23 counted ${tcp23:-nothing}"
[ "${udp5301:-0}" = 1 ] || b_fail "udp dport 5301 counted ${udp5301:-nothing} (expected the first fragment only)"
[ "${udp5353:-0}" = 1 ] || b_fail "udp dport 5353 counted ${udp5353:-nothing}"
# fragments on eth0 from the uplink: frame, IPv6 length, fragment offset
nsx "$NODE_NS" tcpdump -r "$BUNDLE/capture.pcap" -n -v -# 2>/dev/null > "$WORK/frames-v.txt" || true
frag_in=$(b_expect_frames "fragments from the uplink" "eth0 +In +IP6 $UPLINK_IP6 > $NODE_IP6: frag \(" 6)
frag_first=$(b_frames "eth0 +In +IP6 $UPLINK_IP6 > $NODE_IP6: frag \(0\|")
[ "$(echo "$frag_in" | tr ',' '\n' | wc -l)" = 6 ] || b_fail "expected 6 fragments in (two datagrams of three), got $frag_in"
syn23=$(b_expect_frames "syn 23" "eth0 +In +IP6 $UPLINK_IP6\.[0-9]+ > $NODE_IP6\.23: Flags \[S\]" 2)
b_expect_none "an answer from port 23" "IP6 $NODE_IP6\.23 > "
b_expect_none "an answer from port 5353" "IP6 $NODE_IP6\.5353 > "
b_expect_none "an answer from port 5301" "IP6 $NODE_IP6\.5301 > "
# every fragment walked the ingress chains: the UDP counter (after the 5301 drop) counted the small datagram to 5300
# (1, the one to 5353 was dropped by the inet chain before), the three fragments to 5300 and the two of 5301's the
# drop let through
[ "${l4udp:-0}" = 6 ] || b_fail "meta l4proto udp counted ${l4udp:-nothing}, expected 6 (1 + 3 fragments + 2 fragments)"
# the whole datagram crossed PREROUTING once: one traced packet (trace id) of length 8 + SIZE in raw PREROUTING
whole=$(grep "ip6 raw PREROUTING packet: .* ip6 length $((SIZE + 8)) " "$BUNDLE/nft-trace.txt" | awk '{ print $3 }' | sort -u | wc -l)
[ "$whole" = 1 ] || b_fail "$whole whole datagrams (ip6 length $((SIZE + 8))) in raw PREROUTING in nft-trace.txt, expected 1"
grep -q "45301" "$BUNDLE/conntrack-L.txt" && b_fail "the 5301 datagram reached conntrack"
grep -qE "dport=8081 .*ASSURED|dport=8081 .*src=" "$BUNDLE/conntrack-L.txt" || log "note: no 8081 entry in conntrack-L.txt"
traced=$(grep -c ' packet: ' "$BUNDLE/nft-trace.txt" || true)
in_eth0=$(grep -cE "eth0 +(In|B|M) " "$WORK/frames.txt"); in_eth0_ip6=$(grep -cE "eth0 +(In|B|M) +IP6 " "$WORK/frames.txt")
new_in=$(awk '/ctstate NEW -j ACCEPT/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/ip6tables-save-c-after.txt")
est_in=$(awk '/ctstate RELATED,ESTABLISHED -j ACCEPT/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/ip6tables-save-c-after.txt")
env_put CLIENT_IP6 "$UPLINK_IP6"; env_put DATAGRAM_SIZE "$SIZE"; env_put NF_CONNTRACK_FRAG6_TIMEOUT "$FRAGTIME"
env_put TCP23_DROPS "$tcp23"; env_put UDP5301_DROPS "$udp5301"; env_put UDP5353_DROPS "$udp5353"
env_put UDP_COUNTED "$l4udp"; env_put TCP8081_ACCEPTS "$acc8081"; env_put ICMP6_COUNTED "$icmp6"
env_put IP6_COUNTED "$all6"; env_put IN_ETH0 "$in_eth0"; env_put IN_ETH0_IP6 "$in_eth0_ip6"
env_put FRAGMENTS_IN "$frag_in"; env_put INPUT_NEW "$new_in"; env_put INPUT_ESTABLISHED "$est_in"

{
  echo "# nft-ingress6: native nftables ingress chains (netdev and inet) for IPv6, fragments, conntrack after them"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP6/64 ↔ client $UPLINK_IP6 (MTU 1500). The node listens on TCP 23 and 8081,"
  echo "UDP 5300, 5301 and 5353 (\`ss-tulnp.txt\`): a packet that does not arrive is dropped by a chain, not refused."
  echo "net.netfilter.nf_conntrack_frag6_timeout=$FRAGTIME."
  echo
  echo "Rules: ip6tables (rules-input.txt): filter INPUT \`-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\` and"
  echo "\`--ctstate NEW -j ACCEPT\` (conntrack, hence nf_defrag_ipv6, in use), raw's TRACE rules. Two native tables"
  echo "(nft-input.txt): \`table netdev pkp_nd6\`, chain ing (\`type filter hook ingress device \"eth0\" priority filter\`):"
  echo "\`meta protocol ip6 ip6 saddr $UPLINK_IP6 tcp dport 23 counter drop\`, \`meta protocol ip6 udp dport 5301 counter drop\`,"
  echo "\`meta protocol ip6 meta l4proto udp counter\`, \`meta protocol ip6 counter\`; \`table inet pkp_ig6\`, chain ing"
  echo "(\`type filter hook ingress device \"eth0\" priority filter - 10\`): \`meta nftrace set 1\`, \`udp dport 5353 counter"
  echo "drop\`, \`ip6 saddr $UPLINK_IP6 tcp dport 8081 counter accept\`, \`meta l4proto ipv6-icmp counter\`."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "From the uplink: TCP → 8081 and → 23 (1.5 s), UDP → 5300 and → 5353 (small), one $SIZE-byte UDP datagram → 5300 from"
  echo ":45300 and one → 5301 from :45301 (each sent in three fragments, 1448 + 1448 + 112 data bytes), two pings;"
  echo "$((FRAGTIME + 1)) s later one more ping (a frame after the held fragments expired)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The inet chain (priority -10) runs before the netdev chain (priority 0) on eth0; the trace of a packet starts there."
  echo "- TCP 8081: \`counter accept\` ($acc8081 packets) ends the inet chain only; the netdev chain and PREROUTING follow,"
  echo "  conntrack tracks the flow (INPUT: NEW $new_in, ESTABLISHED $est_in packets over the whole capture)."
  echo "- TCP 23 (SYN frames $syn23): dropped by the netdev chain ($tcp23 packets), no answer. UDP 5353: dropped by the inet"
  echo "  chain ($udp5353)."
  echo "- Fragments from the uplink: frames $frag_in (first fragments: $frag_first). Every fragment walks the ingress"
  echo "  chains, before nf_defrag: \`meta l4proto udp counter\` counted $l4udp packets (the small datagram to 5300, the three"
  echo "  fragments of the big one, and the two fragments of 5301's that the drop let through). \`udp dport 5301 counter drop\`"
  echo "  matched $udp5301 packet: the first fragment (a non-first fragment has no UDP header to match); its datagram never"
  echo "  became whole, the two other fragments were held and expired, no answer (the client timed out)."
  echo "- The datagram to 5300 was reassembled and crossed PREROUTING and INPUT once (nft-trace.txt: $whole packet with"
  echo "  \`ip6 length $((SIZE + 8))\` in raw PREROUTING, under the trace id of the fragment that completed it), and was"
  echo "  answered ($((SIZE + 5)) bytes, fragmented by the node); no packet to 5301 reached PREROUTING."
  echo "- The netdev chain's \`meta protocol ip6 counter\` counted $all6 packets (every IPv6 frame received on eth0 that the"
  echo "  rules before it let through: neighbour discovery too); eth0 received $in_eth0 frames ($in_eth0_ip6 IPv6)."
  echo "- nft-trace.txt has $traced \`packet:\` lines."
  b_readme_tail 'DROP|pkp_|frag'
} > "$BUNDLE/README.md"
pkp_finish
