#!/usr/bin/env bash
# nft-ingress: native nftables ingress chains, which run as a frame arrives on a device, before PREROUTING (before
# defragmentation, iptables' raw table and conntrack). `table netdev pkp_nd`, chain ing (`type filter hook ingress
# devices = { "eth0", "lo" } priority filter`) drops TCP 23 (from the uplink on eth0 and the node's own connection over
# lo), rate-limits echo requests (`limit rate over 2/second burst 2 packets drop`) and counts every frame (also ARP);
# `table inet pkp_ig`, chain ing (`type filter hook ingress device "eth0" priority filter - 10`) sets the trace flag
# (`meta nftrace set 1`: iptables' raw TRACE rules run after ingress) and drops UDP 5353. Before loading them the script
# tries `ct state` in a netdev and in an inet ingress chain (`CT_AT_NETDEV_INGRESS`, `CT_AT_INET_INGRESS` in
# scenario.env). nft-ruleset.txt is `nft -a list ruleset` after the traffic; nft-trace.txt is `nft monitor trace`.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="ig"
pkp_init nft-ingress
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v4"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

# does the kernel take `ct state` at ingress? (the load is refused or not; nothing stays loaded)
ct_try() {
  printf 'table %s pkp_ct {\n\tchain c {\n\t\ttype filter hook ingress device "eth0" priority 0; policy accept;\n\t\tct state established counter\n\t}\n}\n' "$1" > "$WORK/ct-$1.nft"
  if nsx "$NODE_NS" nft -f "$WORK/ct-$1.nft" 2> "$WORK/ct-$1.err"; then
    nsx "$NODE_NS" nft delete table "$1" pkp_ct; echo loaded
  else
    echo "refused: $(tr '\n' ' ' < "$WORK/ct-$1.err" | grep -o 'Could not process rule: [A-Za-z ]*' | head -1 | sed "s/ *$//")"
  fi
}
ct_netdev=$(ct_try netdev); ct_inet=$(ct_try inet)
env_put CT_AT_NETDEV_INGRESS "$ct_netdev"; env_put CT_AT_INET_INGRESS "$ct_inet"

cat > "$WORK/native.nft" <<'N'
table netdev pkp_nd {
	chain ing {
		type filter hook ingress devices = { "eth0", "lo" } priority filter; policy accept;
		tcp dport 23 counter drop
		icmp type echo-request limit rate over 2/second burst 2 packets counter drop
		counter
	}
}
table inet pkp_ig {
	chain ing {
		type filter hook ingress device "eth0" priority filter - 10; policy accept;
		meta nftrace set 1
		udp dport 5353 counter drop
		ip saddr 172.18.0.1 counter
	}
}
N
b_serve node tcp 23 60
b_serve node tcp 8081 60
b_serve node udp 5300 60
b_serve node udp 5353 60
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
b_nft_load "$WORK/native.nft"
sleep 2   # the limit's bucket is full when the rules are loaded: nothing changes it before the first packet

snapshot_state before
start_capture; start_trace nft
b_probe up tcp "$NODE_IP" 8081 - 44000; sleep 0.3                  # passes both ingress chains
b_probe up tcp "$NODE_IP" 23 - 44023 1.5; sleep 0.3                # dropped at netdev ingress (SYN retransmitted once)
b_probe up udp "$NODE_IP" 5300 - 45000; sleep 0.3                  # passes
b_probe up udp "$NODE_IP" 5353 - 45353 1; sleep 0.3                # dropped at inet ingress
timeout 6 ip netns exec "$UPLINK_NS" ping -n -c 8 -i 0.12 -W 1 "$NODE_IP" > "$WORK/ping.txt" 2>&1 || true
sleep 1.5                                                           # the bucket fills again
b_probe node tcp "$NODE_IP" 23 - 46023 1.5; sleep 0.3              # over lo: dropped at lo's ingress
ping_from node "$NODE_IP" 1 > "$WORK/pinglo.txt"; sleep 0.3         # over lo: request and reply pass
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes
{ echo "# the uplink's 8 pings 0.12 s apart"; cat "$WORK/ping.txt"; echo "# the node to itself over lo"
  cat "$WORK/pinglo.txt"; } >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "8081 connected" "tcp $NODE_IP:8081 from $UPLINK_IP:44000 result=connected"
ck "23 from the uplink not connected" "^\[up\] tcp $NODE_IP:23 result=timeout"
ck "5300 answered" "udp $NODE_IP:5300 from $UPLINK_IP:45000 result=reply"
ck "5353 not answered" "udp $NODE_IP:5353 from $UPLINK_IP:45353 result=timeout"
ck "23 over lo not connected" "^\[node\] tcp $NODE_IP:23 result=timeout"
grep -q '1 received' "$WORK/pinglo.txt" || b_fail "ping over lo: $(cat "$WORK/pinglo.txt")"
grep -q 'table netdev pkp_nd' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the netdev table"
cnt() { awk -v r="$1" 'index($0, r) { for (i = 2; i < NF; i++) if ($i == "packets" && $(i - 1) == "counter") { print $(i + 1); exit } }' "$BUNDLE/nft-ruleset.txt"; }
tcp23=$(cnt 'tcp dport 23 counter'); limited=$(cnt 'limit rate over'); udp5353=$(cnt 'udp dport 5353 counter')
all=$(sed -n '/table netdev pkp_nd/,/^}/p' "$BUNDLE/nft-ruleset.txt" | awk '$1 == "counter" && $2 == "packets" { print $3 }')
from_up=$(cnt 'ip saddr 172.18.0.1 counter')
[ "${tcp23:-0}" -ge 3 ] || b_fail "tcp dport 23 counted ${tcp23:-nothing}"
[ "${limited:-0}" -ge 1 ] || b_fail "the echo-request limit dropped ${limited:-nothing}"
[ "${udp5353:-0}" -ge 1 ] || b_fail "udp dport 5353 counted ${udp5353:-nothing}"
echo_in=$(grep -oE 'icmp_seq=[0-9]+' "$WORK/ping.txt" | sort -u | wc -l)
syn23=$(b_expect_frames "syn 23 from the uplink" "eth0 +In +IP $UPLINK_IP\.44023 > $NODE_IP\.23: Flags \[S\]" 2)
syn23lo=$(b_expect_frames "syn 23 over lo" "lo +In +IP $NODE_IP\.46023 > $NODE_IP\.23: Flags \[S\]" 2)
udp53=$(b_expect_frames "udp 5353" "eth0 +In +IP $UPLINK_IP\.45353 > $NODE_IP\.5353: " 1)
req=$(b_expect_frames "echo requests" "eth0 +In +IP $UPLINK_IP > $NODE_IP: ICMP echo request" 8)
b_expect_none "an answer from port 23" "IP $NODE_IP\.23 > "
b_expect_none "an answer from port 5353" "IP $NODE_IP\.5353 > "
in_eth0=$(grep -cE "eth0 +(In|B|M) " "$WORK/frames.txt"); in_eth0_ip=$(grep -cE "eth0 +(In|B|M) +IP " "$WORK/frames.txt")
in_lo=$(grep -cE "lo +In " "$WORK/frames.txt")
traced=$(grep -c ' packet: ' "$BUNDLE/nft-trace.txt" || true)
env_put CLIENT_IP "$UPLINK_IP"; env_put IN_ETH0 "$in_eth0"; env_put IN_ETH0_IP "$in_eth0_ip"; env_put IN_LO "$in_lo"
env_put TCP23_DROPS "$tcp23"; env_put ECHO_LIMIT_DROPS "$limited"; env_put UDP5353_DROPS "$udp5353"
env_put NETDEV_COUNTED "$all"

{
  echo "# nft-ingress: native nftables ingress chains (netdev and inet), before PREROUTING"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP. The node listens on TCP 23 and 8081, UDP 5300"
  echo "and 5353 (\`ss-tulnp.txt\`): a packet that does not arrive is dropped by a chain, not refused by the stack."
  echo
  echo "Rules: iptables (rules-input.txt) holds only the TRACE rules in raw (priority -300). Beside them two native tables"
  echo "(nft-input.txt, loaded with \`nft -f\`): \`table netdev pkp_nd\`, chain ing (\`type filter hook ingress devices = {"
  echo "\"eth0\", \"lo\" } priority filter; policy accept;\`) with \`tcp dport 23 counter drop\`, \`icmp type echo-request limit"
  echo "rate over 2/second burst 2 packets counter drop\`, \`counter\`; \`table inet pkp_ig\`, chain ing (\`type filter hook"
  echo "ingress device \"eth0\" priority filter - 10; policy accept;\`) with \`meta nftrace set 1\` (iptables' raw TRACE"
  echo "rules run after ingress: the trace flag must be set here to trace the ingress chains), \`udp dport 5353 counter"
  echo "drop\`, \`ip saddr $UPLINK_IP counter\`. nft-ruleset.txt (\`nft -a list ruleset\`, after the traffic) has the counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Uplink $UPLINK_IP: :44000 → $NODE_IP:8081 TCP, :44023 → :23 TCP, :45000 → :5300 UDP, :45353 → :5353 UDP, 8 pings"
  echo "0.12 s apart; then the node: :46023 → its own $NODE_IP:23 TCP (over lo) and one ping to itself (over lo)."
  echo
  echo "## What the kernel did"
  echo
  echo "- \`ct state\` at ingress: netdev: $ct_netdev; inet: $ct_inet."
  echo "- The capture (\`tcpdump -i any\`) shows the frames an ingress chain then drops: the packet socket tap runs before the"
  echo "  ingress hook. TCP 23 from the uplink (SYN frames $syn23) and over lo (frames $syn23lo): dropped by \`tcp dport 23"
  echo "  counter drop\` ($tcp23 packets), no answer, the clients timed out. UDP 5353 (frame $udp53): dropped by the inet chain"
  echo "  ($udp5353), no answer."
  echo "- Echo requests (frames $req): \`limit rate over 2/second burst 2 packets\` dropped $limited of them; the"
  echo "  uplink's ping got $(grep -oE '[0-9]+ received' "$WORK/ping.txt") of 8 answers."
  echo "- The netdev chain's last \`counter\` counted $all packets: every frame that arrived on eth0 ($in_eth0, of them"
  echo "  $in_eth0_ip IP; the others are ARP) or lo ($in_lo) and passed the two rules before it. The inet chain sees IP"
  echo "  packets only: \`ip saddr $UPLINK_IP counter\` counted $from_up."
  echo "- A packet looped over lo keeps the trace flag its sending pass got in raw OUTPUT: nft-trace.txt shows it in the"
  echo "  netdev chain on lo (\`iif \"lo\"\`, its headers printed raw as \`@ll,0,112 0x800 @nh,...\`)."
  echo "- nft-trace.txt has $traced \`packet:\` lines; the trace of a packet from the uplink starts in the inet chain (priority"
  echo "  -10) and goes on in the netdev chain (priority 0), then in iptables' raw PREROUTING."
  b_readme_tail 'DROP|pkp_'
} > "$BUNDLE/README.md"
pkp_finish
