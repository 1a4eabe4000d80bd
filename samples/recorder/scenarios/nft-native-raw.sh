#!/usr/bin/env bash
# nft-native-raw: native nftables base chains that run BEFORE conntrack, in the shape of RHEL 8's firewalld (0.8/0.9,
# nftables backend): `table inet pkp_raw` with raw_PREROUTING (`type filter hook prerouting priority -290`, after
# iptables' raw table at -300, before conntrack at -200) counting `ct state invalid` (every packet reads invalid before
# the lookup), notracking UDP 5300 (then `ct state untracked`), accepting neighbour discovery, dropping IPv6 packets that
# fail the reverse-path check `meta nfproto ipv6 fib saddr . iif oif missing` (a spoofed pod source from the uplink) and
# jumping to raw_PREROUTING_ZONES; raw_OUTPUT (`hook output priority -250`) counts `ct state invalid` and notracks the
# replies from UDP 5300. The node's ping to itself over lo shows that a looped packet arrives at PREROUTING with the ct
# its sending pass attached (it does not read invalid there). nft-ruleset.txt is `nft -a list ruleset`; nft-trace.txt is `nft monitor trace` (iptables' raw
# TRACE rules set nftrace before the native chains run).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nftr"
pkp_init nft-native-raw ipv6
source "$PKP_LIB_DIR/lib-extra.sh"
POD_IP=10.244.1.2; POD_IP6=fd00:10:244:1::2

make_node_ns; make_uplink_ns
add_pod web "$POD_IP" "$POD_IP6"
# the uplink also holds the pod's IPv6 address: a packet from it arrives on eth0, the route back leaves by the pod's veth
ip -n "$UPLINK_NS" addr add "$POD_IP6/128" dev eth0 nodad
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v4"
cp "$WORK/rules.v4" "$WORK/rules.v6"
{ echo "# iptables"; cat "$WORK/rules.v4"; echo "# ip6tables"; cat "$WORK/rules.v6"; } > "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
load_rules6 "$WORK/rules.v6"
cat > "$WORK/native.nft" <<'N'
table inet pkp_raw {
	chain raw_PREROUTING {
		type filter hook prerouting priority -290; policy accept;
		ct state invalid counter
		udp dport 5300 counter notrack
		ct state untracked counter
		icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
		meta nfproto ipv6 fib saddr . iif oif missing counter drop
		jump raw_PREROUTING_ZONES
	}
	chain raw_PREROUTING_ZONES {
		iifname "eth0" goto raw_PRE_public
	}
	chain raw_PRE_public {
		tcp dport 8081 counter
	}
	chain raw_OUTPUT {
		type filter hook output priority -250; policy accept;
		ct state invalid counter
		udp sport 5300 counter notrack
	}
}
N
b_serve node tcp 8081 60
b_serve node udp 5300 60
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
sleep 3                                                             # the interfaces' own MLD reports are over
b_nft_load "$WORK/native.nft"

snapshot_state before
start_capture; start_trace nft
b_probe up tcp "$NODE_IP" 8081 - 44000; sleep 0.3                  # tracked: conntrack after the chain
b_probe up udp "$NODE_IP" 5300 - 45000; sleep 0.3                  # notrack both ways: no conntrack entry
ping_from up "$NODE_IP" 2 > "$WORK/ping.txt"; sleep 0.3
ping_from up "$NODE_IP6" 2 > "$WORK/ping6.txt"; sleep 0.3         # the reverse path of fd00:18::1 is eth0: passes
timeout 5 ip netns exec "$UPLINK_NS" ping -6 -n -c 2 -i 0.2 -W 1 -I "$POD_IP6" "$NODE_IP6" > "$WORK/spoof.txt" || true
sleep 0.3
ping_from node "$NODE_IP" 1 > "$WORK/pinglo.txt"; sleep 0.3         # over lo: the looped packet keeps its ct
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes
{ cat "$WORK/ping.txt"; cat "$WORK/ping6.txt"; echo "# spoofed source $POD_IP6 from the uplink"; cat "$WORK/spoof.txt"
  echo "# the node to itself over lo"; cat "$WORK/pinglo.txt"; } >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "8081 connected" "tcp $NODE_IP:8081 from $UPLINK_IP:44000 result=connected"
ck "5300 answered" "udp $NODE_IP:5300 from $UPLINK_IP:45000 result=reply"
grep -q '2 received' "$WORK/ping.txt" || b_fail "ping: $(cat "$WORK/ping.txt")"
grep -q '2 received' "$WORK/ping6.txt" || b_fail "ping6: $(cat "$WORK/ping6.txt")"
grep -q ' 0 received' "$WORK/spoof.txt" || b_fail "spoofed ping answered: $(cat "$WORK/spoof.txt")"
grep -q '1 received' "$WORK/pinglo.txt" || b_fail "ping over lo: $(cat "$WORK/pinglo.txt")"
grep -q 'table inet pkp_raw' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
grep -q 'dport=5300' "$BUNDLE/conntrack-L.txt" && b_fail "UDP 5300 has a conntrack entry"
grep -q 'dport=8081' "$BUNDLE/conntrack-L.txt" || b_fail "TCP 8081 has no conntrack entry"
cnt() { awk -v r="$1" 'index($0, r) { for (i = 1; i < NF; i++) if ($i == "packets") { print $(i + 1); exit } }' "$BUNDLE/nft-ruleset.txt"; }
pre_invalid=$(sed -n '/chain raw_PREROUTING {/,/}/p' "$BUNDLE/nft-ruleset.txt" | awk '/ct state invalid counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
out_invalid=$(sed -n '/chain raw_OUTPUT {/,/}/p' "$BUNDLE/nft-ruleset.txt" | awk '/ct state invalid counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
notrack_in=$(cnt 'udp dport 5300 counter'); notrack_out=$(cnt 'udp sport 5300 counter')
untracked=$(cnt 'ct state untracked counter'); rpf_drop=$(cnt 'fib saddr . iif oif missing counter')
[ "${rpf_drop:-0}" -ge 2 ] || b_fail "the reverse-path drop counted ${rpf_drop:-nothing}"
[ "${untracked:-0}" = "${notrack_in:-x}" ] || b_fail "ct state untracked ($untracked) != notrack ($notrack_in)"
syn=$(b_expect_frames "syn 8081" "eth0 +In +IP $UPLINK_IP\.44000 > $NODE_IP\.8081: Flags \[S\]" 1)
udp=$(b_expect_frames "udp 5300" "eth0 +In +IP $UPLINK_IP\.45000 > $NODE_IP\.5300: UDP" 1)
spoof=$(b_expect_frames "spoofed echo" "eth0 +In +IP6 $POD_IP6 > $NODE_IP6: ICMP6, echo request" 2)
b_expect_none "reply to the spoofed source" "Out +IP6 $NODE_IP6 > $POD_IP6: ICMP6, echo reply"
lo_in=$(b_expect_frames "ping over lo" "lo +In +IP $NODE_IP > $NODE_IP: ICMP" 2)
in_eth0=$(grep -cE "eth0 +(In|M) +IP" "$WORK/frames.txt"); in_lo=$(grep -cE "lo +In +IP" "$WORK/frames.txt")
out_eth0=$(grep -cE "eth0 +Out +IP" "$WORK/frames.txt")
env_put CLIENT_IP "$UPLINK_IP"; env_put SPOOFED_IP6 "$POD_IP6"
env_put PRE_INVALID "$pre_invalid"; env_put OUT_INVALID "$out_invalid"; env_put RPF_DROPS "$rpf_drop"
env_put IN_ETH0 "$in_eth0"; env_put IN_LO "$in_lo"; env_put OUT_ETH0 "$out_eth0"

{
  echo "# nft-native-raw: native nftables chains before conntrack (firewalld's raw_PREROUTING at priority -290)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24, $NODE_IP6/64 ↔ client $UPLINK_IP, $UPLINK_IP6; pod web $POD_IP,"
  echo "$POD_IP6 behind its veth. The uplink also holds $POD_IP6 (the spoofer). The node listens on TCP 8081 and UDP 5300 (\`ss-tulnp.txt\`)."
  echo
  echo "Rules: iptables and ip6tables (rules-input.txt) hold only the TRACE rules in raw (priority -300). Beside them a"
  echo "native table (nft-input.txt, loaded with \`nft -f\`): \`table inet pkp_raw\`, base chain raw_PREROUTING (\`type"
  echo "filter hook prerouting priority -290; policy accept;\`, after iptables' raw, before conntrack at -200) with"
  echo "\`ct state invalid counter\`, \`udp dport 5300 counter notrack\`, \`ct state untracked counter\`, \`icmpv6 type {"
  echo "nd-router-advert, nd-neighbor-solicit } accept\`, \`meta nfproto ipv6 fib saddr . iif oif missing counter drop\`,"
  echo "\`jump raw_PREROUTING_ZONES\` (\`iifname \"eth0\" goto raw_PRE_public\`; raw_PRE_public: \`tcp dport 8081"
  echo "counter\`); base chain raw_OUTPUT (\`type filter hook output priority -250\`) with \`ct state invalid counter\`"
  echo "and \`udp sport 5300 counter notrack\`. nft-ruleset.txt (\`nft -a list ruleset\`, after the traffic) has the counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Uplink $UPLINK_IP: :44000 → $NODE_IP:8081 TCP, :45000 → $NODE_IP:5300 UDP, 2 pings to $NODE_IP and 2 to"
  echo "$NODE_IP6; then 2 pings to $NODE_IP6 from the spoofed source $POD_IP6; then the node pings $NODE_IP once (over lo)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Before conntrack a packet has no conntrack entry and reads \`ct state invalid\`: the rule counted"
  echo "  $out_invalid packets in raw_OUTPUT (every IP packet the node sent: $out_eth0 on eth0, $in_lo over lo) and $pre_invalid in"
  echo "  raw_PREROUTING (of $in_eth0 received on eth0). The node's ping to itself (lo frames $lo_in) was not counted at"
  echo "  PREROUTING: a packet looped over lo arrives with the conntrack entry its sending pass attached."
  echo "- UDP 5300 (frame $udp): notracked in raw_PREROUTING ($notrack_in packet(s); \`ct state untracked\` then counted"
  echo "  $untracked), the reply notracked in raw_OUTPUT ($notrack_out); conntrack-L.txt has no entry for it, the client got"
  echo "  its reply."
  echo "- TCP 8081 (SYN frame $syn): tracked as usual after the chain (conntrack-L.txt has the entry), connected."
  echo "- Pings: answered (IPv6: the reverse path of $UPLINK_IP6 is eth0, the input device)."
  echo "- Spoofed IPv6 pings (frames $spoof): the route back to $POD_IP6 leaves by the pod's veth, not eth0:"
  echo "  \`fib saddr . iif oif missing\` matched, dropped ($rpf_drop packet(s)); no reply."
  b_readme_tail 'DROP|pkp_raw'
} > "$BUNDLE/README.md"
pkp_finish
