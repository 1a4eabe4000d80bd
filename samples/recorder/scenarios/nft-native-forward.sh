#!/usr/bin/env bash
# nft-native-forward: a routing node whose iptables rules accept every pod's forwarded traffic, and a
# native nftables table (`table inet pkp_nf`) with three filter-type base chains iptables-save cannot
# show: forward at priority filter - 5 (before iptables' filter FORWARD) drops pod a's new
# connections (`ip saddr ... ct state new`) and accepts established/related packets, prerouting at
# priority -120 (after mangle, before dstnat) drops the uplink's TCP to port 9999, and postrouting
# at priority srcnat + 10 drops pod b's UDP to port 5301 after routing. Ground truth for pktpath's
# replay of native filter chains on the forward, prerouting and postrouting hooks.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nfte"
pkp_init nft-native-forward
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod a 10.244.1.2
add_pod b 10.244.1.3
cat > "$WORK/rules.v4" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 10.244.1.0/24 -j ACCEPT
-A FORWARD -d 10.244.1.0/24 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
cat > "$WORK/native.nft" <<'N'
table inet pkp_nf {
	chain pods_forward {
		type filter hook forward priority filter - 5; policy accept;
		ip saddr 10.244.1.2 ct state new counter drop
		ct state established,related counter accept
	}
	chain uplink_prerouting {
		type filter hook prerouting priority -120; policy accept;
		iifname "eth*" tcp dport 9999 counter drop
	}
	chain pods_postrouting {
		type filter hook postrouting priority srcnat + 10; policy accept;
		ip saddr 10.244.1.3 udp dport { 5301, 5302 } counter drop
		counter
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"
b_serve up tcp 9000 40
b_serve up udp 5300 40
b_serve up udp 5301 40
b_serve b tcp 9999 40

snapshot_state before
start_capture; start_trace nft
b_probe a tcp "$UPLINK_IP" 9000 - 43001 2.5; sleep 0.3       # pod a: new connection dropped in pods_forward
b_probe b tcp "$UPLINK_IP" 9000 - 43002; sleep 0.3           # pod b: connected (established accepted in pods_forward)
b_probe up tcp 10.244.1.3 9999 - 43003 1.5; sleep 0.3        # uplink -> pod b:9999 dropped in uplink_prerouting
b_probe b udp "$UPLINK_IP" 5300 - 43004; sleep 0.3           # pod b udp: reply
b_probe b udp "$UPLINK_IP" 5301 - 43005 1; sleep 0.3         # pod b udp 5301: dropped in pods_postrouting
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "pod a dropped" "tcp $UPLINK_IP:9000 result=timeout"
ck "pod b connected" "tcp $UPLINK_IP:9000 from 10.244.1.3:43002 result=connected"
ck "9999 dropped" "tcp 10.244.1.3:9999 result=timeout"
ck "udp 5300 reply" "udp $UPLINK_IP:5300 from 10.244.1.3:43004 result=reply"
ck "udp 5301 dropped" "udp $UPLINK_IP:5301 .*result=timeout"
grep -q 'table inet pkp_nf' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
grep -q 'pkp_nf' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows the native table"
cnt() { sed -n "s/.*$1 counter packets \([0-9]*\) .*/\1/p" "$BUNDLE/nft-ruleset.txt" | head -1; }
fwd_drops=$(cnt 'ip saddr 10.244.1.2 ct state new'); est=$(cnt 'ct state established,related')
pre_drops=$(cnt 'tcp dport 9999'); post_drops=$(cnt 'udp dport { 5301, 5302 }')
[ "${fwd_drops:-0}" -ge 1 ] || b_fail "fwd drop rule counted ${fwd_drops:-nothing}"
[ "${pre_drops:-0}" -ge 1 ] || b_fail "pre drop rule counted ${pre_drops:-nothing}"
[ "${post_drops:-0}" -ge 1 ] || b_fail "post drop rule counted ${post_drops:-nothing}"
AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_a=$(b_expect_frames "pod a SYNs" "$AIF +In +IP 10\.244\.1\.2\.43001 > $UPLINK_IP\.9000: Flags \[S\]" 1)
b_expect_none "pod a forwarded" "eth0 +Out +IP 10\.244\.1\.2\.43001 >"
f_b=$(b_expect_frames "pod b SYN out" "eth0 +Out +IP 10\.244\.1\.3\.43002 > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_9999=$(b_expect_frames "uplink SYNs to 9999" "eth0 +In +IP $UPLINK_IP\.43003 > 10\.244\.1\.3\.9999: Flags \[S\]" 1)
b_expect_none "9999 forwarded" "$BIF +Out +IP $UPLINK_IP\.43003 >"
f_5301=$(b_expect_frames "udp 5301 in" "$BIF +In +IP 10\.244\.1\.3\.43005 > $UPLINK_IP\.5301: UDP" 1)
b_expect_none "udp 5301 forwarded" "eth0 +Out +IP 10\.244\.1\.3\.43005 >"
nft_fwd=$(grep -c 'inet pkp_nf pods_forward rule ip saddr 10.244.1.2 .*verdict drop' "$BUNDLE/nft-trace.txt" || true)
nft_pre=$(grep -c 'inet pkp_nf uplink_prerouting rule .*verdict drop' "$BUNDLE/nft-trace.txt" || true)
nft_post=$(grep -c 'inet pkp_nf pods_postrouting rule .*verdict drop' "$BUNDLE/nft-trace.txt" || true)
[ "$nft_fwd" -ge 1 ] && [ "$nft_pre" -ge 1 ] && [ "$nft_post" -ge 1 ] \
  || b_fail "nft-trace.txt lacks a native drop (fwd $nft_fwd, pre $nft_pre, post $nft_post)"
env_put NATIVE_FWD_DROPS "$fwd_drops"; env_put NATIVE_PRE_DROPS "$pre_drops"; env_put NATIVE_POST_DROPS "$post_drops"

{
  echo "# nft-native-forward: native nftables filter chains on forward, prerouting and postrouting"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP (the uplink routes 10.244.0.0/16 via the"
  echo "node), pod a 10.244.1.2 on \`$AIF\`, pod b 10.244.1.3 on \`$BIF\`."
  echo
  echo "Rules: iptables (rules-input.txt, nf_tables variant) filter FORWARD policy DROP with \`-s 10.244.1.0/24 -j ACCEPT\`"
  echo "and \`-d 10.244.1.0/24 -j ACCEPT\`: iptables alone forwards everything of the pods. Beside them a native table"
  echo "(nft-input.txt, loaded with \`nft -f\`), \`table inet pkp_nf\`:"
  echo
  echo '```'
  sed 's/^/  /' "$WORK/native.nft"
  echo '```'
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. pod a 10.244.1.2:43001 → $UPLINK_IP:9000 TCP, 2.5 s connect timeout."
  echo "2. pod b 10.244.1.3:43002 → $UPLINK_IP:9000 TCP (full connection)."
  echo "3. uplink $UPLINK_IP:43003 → pod b 10.244.1.3:9999 TCP, 1.5 s timeout (a server listens in pod b)."
  echo "4. pod b :43004 → $UPLINK_IP:5300 UDP request and reply."
  echo "5. pod b :43005 → $UPLINK_IP:5301 UDP, 1 s timeout (a server listens on the uplink)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Pod a's SYNs (frames $f_a) were dropped by \`inet pkp_nf pods_forward\` rule \`ip saddr 10.244.1.2 ct state new counter drop\`"
  echo "  at priority filter - 5, before iptables' filter FORWARD (nft-trace.txt: $nft_fwd drop verdict line(s); counter"
  echo "  $fwd_drops); nothing left on eth0."
  echo "- Pod b's connection (SYN out frame $f_b) passed: its SYN through pods_forward's policy accept, then filter"
  echo "  FORWARD's \`-s 10.244.1.0/24 -j ACCEPT\`; every later packet, both ways, was accepted by pods_forward's"
  echo "  \`ct state established,related\` rule (counter $est) and then by iptables' filter FORWARD too: an accept ends"
  echo "  only its own base chain, the next one at the hook still runs (trace.txt shows both for each packet)."
  echo "- The uplink's SYNs to 10.244.1.3:9999 (frames $f_9999) were dropped in \`inet pkp_nf uplink_prerouting\` (priority -120, after"
  echo "  raw and conntrack, before routing): $nft_pre drop line(s), counter $pre_drops."
  echo "- Pod b's datagram to :5301 (frame $f_5301) was routed and passed FORWARD, then \`inet pkp_nf pods_postrouting\` (priority"
  echo "  srcnat + 10 = 110) dropped it: $nft_post drop line(s), counter $post_drops; nothing left on eth0."
  b_readme_tail 'ACCEPT|DROP|policy'
} > "$BUNDLE/README.md"
pkp_finish
