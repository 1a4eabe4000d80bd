#!/usr/bin/env bash
# nft-native-firewalld: a node whose INPUT is guarded by a native nftables table in firewalld's shape
# (`table inet pkp_firewalld`, loaded with `nft -f`): filter_INPUT (input, priority filter + 10) starts with
# firewalld's conntrack verdict map, accepts lo, jumps to filter_INPUT_ZONES (iifname "eth0" goto
# filter_IN_public) and rejects the rest with icmpx admin-prohibited; filter_IN_public accepts the ports of
# the named set pub_ports, the sources of the named interval set trusted and ICMP. iptables filter INPUT
# accepts ICMP beside it, so both are in play. nft-ruleset.txt is `nft -a list ruleset`; nft-trace.txt is
# `nft monitor trace` (the raw TRACE rules set nftrace, which the native chains inherit).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nfts"
pkp_init nft-native-firewalld
source "$PKP_LIB_DIR/lib-extra.sh"
TRUSTED_IP=172.18.0.9

make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$TRUSTED_IP/24" dev eth0
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p icmp -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
cat > "$WORK/native.nft" <<'N'
table inet pkp_firewalld {
	set pub_ports {
		type inet_service
		elements = { 22, 10250 }
	}
	set trusted {
		type ipv4_addr
		flags interval
		elements = { 172.18.0.8/29, 10.99.0.0/16 }
	}
	chain filter_INPUT {
		type filter hook input priority filter + 10; policy accept;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "lo" accept
		jump filter_INPUT_ZONES
		counter reject with icmpx admin-prohibited
	}
	chain filter_INPUT_ZONES {
		iifname "eth0" goto filter_IN_public
	}
	chain filter_IN_public {
		tcp dport @pub_ports counter accept
		ip saddr @trusted counter accept
		meta l4proto { icmp, ipv6-icmp } counter accept
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"
b_serve node tcp 10250 60
b_serve node tcp 8081 60
ip netns exec "$NODE_NS" ss -tlnp > "$BUNDLE/ss-tlnp.txt"

snapshot_state before
start_capture; start_trace nft
b_probe up tcp "$NODE_IP" 10250 - 44000; sleep 0.3                 # the set pub_ports accepts it
b_probe up tcp "$NODE_IP" 8081 - 44001 2.5; sleep 0.3              # rejected: icmpx admin-prohibited
ping_from up "$NODE_IP" 2 > "$WORK/ping.txt"; sleep 0.3           # ICMP accepted (iptables and native)
b_probe up tcp "$NODE_IP" 8081 "$TRUSTED_IP" 44002; sleep 0.3      # the set trusted accepts it
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes
cat "$WORK/ping.txt" >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "10250 accepted" "tcp $NODE_IP:10250 from $UPLINK_IP:44000 result=connected"
ck "8081 rejected" "tcp $NODE_IP:8081 result=(EHOSTUNREACH|ECONNREFUSED|EACCES)"
ck "8081 from trusted" "tcp $NODE_IP:8081 from $TRUSTED_IP:44002 result=connected"
grep -q '2 received' "$WORK/ping.txt" || b_fail "ping: $(cat "$WORK/ping.txt")"
grep -q 'table inet pkp_firewalld' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
rejects=$(sed -n 's/.*counter packets \([0-9]*\) bytes [0-9]* reject with icmpx admin-prohibited.*/\1/p' "$BUNDLE/nft-ruleset.txt")
[ "${rejects:-0}" -ge 1 ] || b_fail "the reject rule counted ${rejects:-nothing}"
s10250=$(b_expect_frames "syn 10250" "eth0 +In +IP $UPLINK_IP\.44000 > $NODE_IP\.10250: Flags \[S\]" 1)
s8081=$(b_expect_frames "syn 8081" "eth0 +In +IP $UPLINK_IP\.44001 > $NODE_IP\.8081: Flags \[S\]" 1)
icmp8081=$(b_expect_frames "icmp for 8081" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP .*unreachable" 1)
st8081=$(b_expect_frames "syn 8081 trusted" "eth0 +In +IP $TRUSTED_IP\.44002 > $NODE_IP\.8081: Flags \[S\]" 1)
nft_reject=$(grep -c 'inet pkp_firewalld filter_INPUT .*verdict drop\|inet pkp_firewalld filter_INPUT rule .*reject' "$BUNDLE/nft-trace.txt" || true)
[ "$nft_reject" -ge 1 ] || b_fail "nft-trace.txt shows no reject of inet pkp_firewalld filter_INPUT"
env_put CLIENT_IP "$UPLINK_IP"; env_put TRUSTED_IP "$TRUSTED_IP"; env_put NATIVE_REJECTS "$rejects"

{
  echo "# nft-native-firewalld: a native nftables table in firewalld's shape (verdict map, named sets)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ client $UPLINK_IP and a second client address $TRUSTED_IP"
  echo "on the same uplink. The node listens on TCP 10250 and TCP 8081 (\`ss-tlnp.txt\`)."
  echo
  echo "Rules: iptables (rules-input.txt, nf_tables variant) filter INPUT \`-p icmp -j ACCEPT\`, every policy ACCEPT."
  echo "Beside them a native table (nft-input.txt, loaded with \`nft -f\`) shaped like firewalld's: \`table inet"
  echo "pkp_firewalld\`, base chain filter_INPUT (\`type filter hook input priority filter + 10; policy accept;\`) with"
  echo "\`ct state vmap { established : accept, related : accept, invalid : drop }\`, \`iifname \"lo\" accept\`,"
  echo "\`jump filter_INPUT_ZONES\`, \`counter reject with icmpx admin-prohibited\`; filter_INPUT_ZONES with"
  echo "\`iifname \"eth0\" goto filter_IN_public\`; filter_IN_public with \`tcp dport @pub_ports counter accept\`"
  echo "(set pub_ports: 22, 10250), \`ip saddr @trusted counter accept\` (interval set trusted: 172.18.0.8/29,"
  echo "10.99.0.0/16) and \`meta l4proto { icmp, ipv6-icmp } counter accept\`. nft-ruleset.txt (\`nft -a list ruleset\`,"
  echo "after the traffic) shows the native table with its counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Uplink $UPLINK_IP: :44000 → $NODE_IP:10250 TCP, :44001 → $NODE_IP:8081 TCP, 2 pings; $TRUSTED_IP:44002 →"
  echo "$NODE_IP:8081 TCP."
  echo
  echo "## What the kernel did"
  echo
  echo "- 10250: SYN frame $s10250 passed filter INPUT (policy) and was accepted by \`tcp dport @pub_ports\`; the"
  echo "  rest of the connection by the verdict map's \`established : accept\`."
  echo "- 8081 from $UPLINK_IP: the SYN (frame $s8081) matched no rule of filter_IN_public, returned to filter_INPUT"
  echo "  after the jump and was rejected: the node sent ICMP admin-prohibited (frame(s) $icmp8081), the client's"
  echo "  connect failed at once. The reject rule's counter in nft-ruleset.txt is $rejects; nft-trace.txt has"
  echo "  $nft_reject line(s) of that verdict."
  echo "- pings: accepted by iptables filter INPUT's \`-p icmp -j ACCEPT\` and by the native \`meta l4proto\` rule."
  echo "- 8081 from $TRUSTED_IP (frame $st8081): accepted by \`ip saddr @trusted\`, the client connected."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
