#!/usr/bin/env bash
# nft-ct-mark: nft's conntrack mark as wg-quick (WireGuard, nft mode) and policy-routing setups write it. The node holds
# wg-quick's own `table ip wg-quick-wg0` (preraw: `iifname != "wg0" ip daddr 10.0.0.2 fib saddr type != local drop`;
# premangle: `meta l4proto udp meta mark set ct mark`; postmangle: `meta l4proto udp meta mark 0x0000ca6c ct mark set
# meta mark`), wg-quick's rules `32764: lookup main suppress_prefixlength 0` and `32765: not fwmark 0xca6c lookup 51820`
# (table 51820: `default dev wg0`), and a policy table `ip pkp_ctm` that sends some of a pod's traffic around the tunnel
# by marking it 0xca6c: TCP 443 with `ct mark set 0x0000ca6c` then `ct mark 0x0000ca6c meta mark set ct mark`, UDP 5000
# with `meta mark set 0x0000ca6c` on the first datagram (saved by wg-quick's postmangle, restored by its premangle for the
# next); its forward chain tests `ct mark & 0x0000ff00 == 0x00000100`, `ct mark set 0x00000100 accept`, `ct mark
# 0x0000ca6c`, `ct mark != 0x0000ca6c ... drop`. A marked packet leaves by eth0 (uplink `up`), an unmarked one by wg0;
# both ends own 10.50.0.10 and answer with their name. This kernel cannot create a `wireguard` device in a namespace
# (`ip link add wg0 type wireguard`: Unknown device type), so wg0 is a veth to the namespace `tun` (the tunnel's far
# end). nft-trace.txt is `nft monitor trace` (iptables' raw TRACE rules set nftrace), nft-ruleset.txt `nft -a list
# ruleset` after the traffic, conntrack-L.txt shows each connection's mark=. Every namespace is pkp-nft-ct-mark-*.
source "$(dirname "$0")/../lib.sh"
pkp_init nft-ct-mark
source "$PKP_LIB_DIR/lib-extra.sh"
[[ "$NODE_NS" == pkp-nft-ct-mark-* ]] || die "unexpected namespace name $NODE_NS"

DEST=10.50.0.10; POD=10.244.1.2
make_node_ns; make_uplink_ns
add_pod client "$POD"
TUN_NS="pkp-$TAG-tun"
[[ "$TUN_NS" == pkp-nft-ct-mark-* ]] || die "unexpected namespace name $TUN_NS"
new_ns "$TUN_NS"
ip -n "$NODE_NS" link add wg0 type veth peer name eth0 netns "$TUN_NS"
ip -n "$NODE_NS" addr add 10.0.0.2/32 dev wg0
ip -n "$TUN_NS" addr add 10.0.0.1/32 dev eth0
ip -n "$NODE_NS" link set wg0 up; ip -n "$TUN_NS" link set eth0 up
ip -n "$TUN_NS" route add 10.0.0.2 dev eth0
ip -n "$TUN_NS" route add default via 10.0.0.2 dev eth0
for ns in "$UPLINK_NS" "$TUN_NS"; do ip -n "$ns" addr add "$DEST/32" dev lo; done
# wg-quick (AllowedIPs 0.0.0.0/0, FwMark/Table 51820 = 0xca6c): its route, its two rules, src_valid_mark
ip -n "$NODE_NS" route add default dev wg0 table 51820
ip -n "$NODE_NS" rule add not fwmark 0xca6c table 51820 priority 32765
ip -n "$NODE_NS" rule add table main suppress_prefixlength 0 priority 32764
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.all.src_valid_mark=1
env_put TUN_NS "$TUN_NS"; env_put DEST "$DEST"; env_put CLIENT_IP "$POD"; env_put FWMARK 0xca6c; env_put TABLE 51820

cat > "$WORK/native.nft" <<'N'
table ip wg-quick-wg0 {
	chain preraw {
		type filter hook prerouting priority raw; policy accept;
		iifname != "wg0" ip daddr 10.0.0.2 fib saddr type != local counter drop
	}
	chain premangle {
		type filter hook prerouting priority mangle; policy accept;
		meta l4proto udp counter meta mark set ct mark
	}
	chain postmangle {
		type filter hook postrouting priority mangle; policy accept;
		meta l4proto udp meta mark 0x0000ca6c counter ct mark set meta mark
	}
}
table ip pkp_ctm {
	chain pre {
		type filter hook prerouting priority mangle + 5; policy accept;
		iifname "cali*" tcp dport 443 ct state new counter ct mark set 0x0000ca6c
		iifname "cali*" udp dport 5000 ct state new counter meta mark set 0x0000ca6c
		iifname "cali*" meta l4proto tcp ct mark 0x0000ca6c counter meta mark set ct mark
	}
	chain forward_marks {
		type filter hook forward priority filter; policy accept;
		ct mark & 0x0000ff00 == 0x00000100 counter accept
		iifname "cali*" tcp dport 80 ct state new counter ct mark set 0x00000100 accept
		ct mark 0x0000ca6c counter accept
		iifname "cali*" tcp dport 22 ct mark != 0x0000ca6c counter drop
		counter
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
# the native tables first, then iptables' raw TRACE rules (registered later at the same priority -300, they run first
# and set nftrace before preraw)
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v4"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

for n in up tun; do
  b_serve "$n" tcp 443 40; b_serve "$n" tcp 80 40; b_serve "$n" tcp 22 40
  b_serve "$n" udp 5000 40 "$DEST"; b_serve "$n" udp 5001 40 "$DEST"
done
snapshot_state before
start_capture; start_trace nft
t0=$(date +%s.%N)
at() { local w; w=$(python3 -c "import time; print(max(0.0, $t0 + $1 - time.time()))"); sleep "$w"; }
step() { at "$1"; shift; b_probe "$@"; }
step 0.0 client tcp "$DEST" 443 - 46001 1.5     # 1 ct mark set 0xca6c, mark restored: around the tunnel (eth0)
step 0.6 client udp "$DEST" 5000 - 46002 1.0    # 2 first datagram: meta mark set 0xca6c (eth0), saved by postmangle
step 1.2 client udp "$DEST" 5000 - 46002 1.0    # 3 same flow: premangle restores 0xca6c from the ct (eth0 again)
step 1.8 client udp "$DEST" 5001 - 46003 1.0    # 4 unmarked: table 51820, wg0
step 2.4 client tcp "$DEST" 80 - 46004 1.5      # 5 unmarked (wg0); forward: ct mark set 0x100 accept, then & 0xff00
step 3.0 client tcp "$DEST" 22 - 46005 0.8      # 6 unmarked (wg0); forward: ct mark != 0xca6c drop
step 4.0 client tcp "$DEST" 443 - 46006 1.5     # 7 a second 443 connection (eth0)
step 4.6 client udp "$DEST" 5000 - 46002 1.0    # 8 the 5000 flow again: restored (eth0)
step 5.2 up tcp 10.0.0.2 7 - 46007 0.8          # 9 to the tunnel address from outside wg0: preraw drop
# xtables-monitor 1.8.9 exits ("meta sreg key not supported") at the first traced packet that meets `meta mark set ct
# mark`: trace.txt is cut there (TRACE_COMPLETE=no); nft-trace.txt, nft monitor trace, holds every packet
trace_alive || log "WARNING: xtables-monitor died during the traffic (expected: meta mark set ct mark)"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" conntrack -L -o extended 2>/dev/null | sort > "$BUNDLE/conntrack-L-extended.txt" || true
b_keep_probes

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
P="$WORK/probes.txt"
expect_probe() { grep -q -- "$1" "$P" || b_fail "probe not as intended ($1): $(cat "$P")"; }
expect_probe "tcp $DEST:443 from $POD:46001 result=connected reply='up port 443 saw $POD:46001'"
expect_probe "tcp $DEST:443 from $POD:46006 result=connected reply='up port 443 saw $POD:46006'"
[ "$(grep -c "udp $DEST:5000 from $POD:46002 result=reply reply='up port 5000 saw $POD:46002'" "$P")" = 3 ] \
  || b_fail "the three 5000 datagrams did not all go around the tunnel: $(cat "$P")"
expect_probe "udp $DEST:5001 from $POD:46003 result=reply reply='tun port 5001 saw $POD:46003'"
expect_probe "tcp $DEST:80 from $POD:46004 result=connected reply='tun port 80 saw $POD:46004'"
expect_probe "tcp $DEST:22 result=timeout"
expect_probe "tcp 10.0.0.2:7 result=timeout"
cnt() { grep -F -- "$1" "$BUNDLE/nft-ruleset.txt" | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | head -1; }
c_raw=$(cnt 'fib saddr type != local counter'); c_restore=$(cnt 'meta l4proto udp counter')
c_save=$(cnt 'meta mark 0x0000ca6c counter'); c_443=$(cnt 'tcp dport 443 ct state new counter')
c_5000=$(cnt 'udp dport 5000 ct state new counter'); c_tcprestore=$(cnt 'meta l4proto tcp ct mark 0x0000ca6c counter')
c_masked=$(cnt 'ct mark & 0x0000ff00 == 0x00000100 counter'); c_80=$(cnt 'tcp dport 80 ct state new counter')
c_bypass=$(cnt '	ct mark 0x0000ca6c counter'); c_22=$(cnt 'ct mark != 0x0000ca6c counter')
[ "$c_raw" = 1 ] || b_fail "preraw drop counter $c_raw, expected 1"
[ "$c_443" = 2 ] || b_fail "443 ct mark set counter $c_443, expected 2"
[ "$c_5000" = 1 ] || b_fail "5000 meta mark set counter $c_5000, expected 1"
[ "$c_80" = 1 ] || b_fail "80 ct mark set + accept counter $c_80, expected 1"
[ "$c_22" = 1 ] || b_fail "22 drop counter $c_22, expected 1"
for v in c_restore c_save c_tcprestore c_masked c_bypass; do [ "${!v:-0}" -gt 0 ] || b_fail "$v did not count"; done
f443=$(b_expect_frames "443 SYNs out eth0" "eth0 +Out +IP $POD\.4600[16] > $DEST\.443: Flags \[S\]" 2)
b_expect_none "443 on wg0" "wg0 +Out +IP .* > $DEST\.443: "
f5000=$(b_expect_frames "5000 datagrams out eth0" "eth0 +Out +IP $POD\.46002 > $DEST\.5000: UDP" 3)
b_expect_none "5000 on wg0" "wg0 +Out +IP .* > $DEST\.5000: "
f5001=$(b_expect_frames "5001 datagram out wg0" "wg0 +Out +IP $POD\.46003 > $DEST\.5001: UDP" 1)
f80=$(b_expect_frames "80 SYN out wg0" "wg0 +Out +IP $POD\.46004 > $DEST\.80: Flags \[S\]" 1)
b_expect_none "22 forwarded" "(eth0|wg0) +Out +IP .* > $DEST\.22: "
CT="$BUNDLE/conntrack-L.txt"
m() { grep -E -- "$1" "$CT" | sed -n 's/.* mark=\([0-9]*\).*/\1/p' | head -1; }
ct443=$(m "sport=46001 dport=443 "); ct5000=$(m "sport=46002 dport=5000 "); ct5001=$(m "sport=46003 dport=5001 ")
ct80=$(m "sport=46004 dport=80 "); ct22=$(m "sport=46005 dport=22 ")
[ "$ct443" = 51820 ] && [ "$ct5000" = 51820 ] && [ "$ct80" = 256 ] && [ "$ct5001" = 0 ] \
  || b_fail "conntrack marks not as intended: 443=$ct443 5000=$ct5000 80=$ct80 5001=$ct5001: $(cat "$CT")"
CIF=$(host_if client)

# ------------------------------------------------------------------ README
{
  echo "# nft-ct-mark: nft's conntrack mark (\`ct mark\`, \`ct mark set\`, \`meta mark set ct mark\`) steering policy routing, wg-quick style"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, rp_filter=0, src_valid_mark=1 as wg-quick sets it): uplink eth0 $NODE_IP/24 ↔"
  echo "\`$UPLINK_NS\` $UPLINK_IP (main table default route), the \"tunnel\" wg0 10.0.0.2/32 ↔ \`$TUN_NS\` 10.0.0.1"
  echo "(table 51820: \`default dev wg0\`), the pod \`client\` $POD on $CIF. Both \`up\` and \`tun\` own $DEST and answer"
  echo "with their own name, so each reply says which way its packet went. wg-quick's rules (ip-rule.txt):"
  echo "\`32764: from all lookup main suppress_prefixlength 0\`, \`32765: not from all fwmark 0xca6c lookup 51820\`: a"
  echo "packet marked 0xca6c (51820) leaves by eth0, any other by wg0."
  echo
  echo "**wg0 is a veth, not a WireGuard device**: this kernel refuses \`ip link add wg0 type wireguard\` in a namespace"
  echo "(Unknown device type). The marks, the nft tables and the policy routing are wg-quick's; no packet is encrypted,"
  echo "and WireGuard's own encapsulated UDP (marked 0xca6c by its socket, which no capture shows) is not part of the"
  echo "traffic: the pod's traffic is steered by the marks the rules set instead."
  echo
  echo "The native tables (nft-input.txt, loaded with \`nft -f\`; iptables holds only the raw TRACE rules):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (seconds after the first; a dropped SYN is given up after 0.8 s)"
  echo
  echo "1. +0 pod → $DEST TCP 443 (sport 46001). 2. +0.6 UDP 5000 (sport 46002). 3. +1.2 UDP 5000 again (same flow)."
  echo "4. +1.8 UDP 5001 (46003). 5. +2.4 TCP 80 (46004). 6. +3.0 TCP 22 (46005). 7. +4.0 TCP 443 (46006)."
  echo "8. +4.6 UDP 5000 (46002, same flow). 9. +5.2 \`up\` → 10.0.0.2 TCP 7 (from outside the tunnel)."
  echo
  echo "## What the kernel did"
  echo
  echo "- TCP 443: \`ct mark set 0x0000ca6c\` on the SYN ($c_443), \`ct mark 0x0000ca6c meta mark set ct mark\` on every pod"
  echo "  packet of those connections ($c_tcprestore): marked 0xca6c they left by eth0 (SYN frames $f443), \`up\` answered;"
  echo "  forward accepted them on \`ct mark 0x0000ca6c\` ($c_bypass packets, both directions)."
  echo "- UDP 5000: the first datagram got \`meta mark set 0x0000ca6c\` ($c_5000) and left by eth0; wg-quick's postmangle"
  echo "  saved the mark in the ct (\`ct mark set meta mark\`, $c_save datagrams); its premangle restored it to every UDP"
  echo "  packet (\`meta mark set ct mark\`, $c_restore), so the later datagrams of the flow also left by eth0 (frames $f5000)."
  echo "- UDP 5001 and TCP 80 and 22 were never marked: table 51820, out wg0 (5001 frame $f5001, 80 SYN $f80), \`tun\`"
  echo "  answered. Forward gave the 80 connection \`ct mark set 0x00000100 accept\` ($c_80) and accepted the rest of it on"
  echo "  \`ct mark & 0x0000ff00 == 0x00000100\` ($c_masked); it dropped the 22 SYN (\`ct mark != 0x0000ca6c\`, $c_22)."
  echo "- wg-quick's preraw dropped the packet to 10.0.0.2 arriving on eth0 ($c_raw)."
  echo "- conntrack-L.txt at the end: 443 mark=$ct443, 5000 mark=$ct5000, 80 mark=$ct80, 5001 mark=$ct5001, 22 mark=${ct22:-none}"
  echo "  (conntrack-L-extended.txt: the same with \`-o extended\`)."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
  echo
  echo "### The native chains' rules for each traced packet (nft-trace.txt)"
  echo
  echo '```'
  # indented: a line starting with "trace id" would make this README look like a trace log
  grep -E "ip (wg-quick-wg0|pkp_ctm) [a-z]+ (rule|policy)" "$BUNDLE/nft-trace.txt" | sed 's/^/  /' | head -80
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
