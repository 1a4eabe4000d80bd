#!/usr/bin/env bash
# brf-bridge-filter: bridge-family filter chains (a native `table bridge pkp_br` and ebtables-nft's `table bridge
# filter`) beside br_netfilter's IP hooks (net.bridge.bridge-nf-call-iptables=1). Bridge br-pkp 10.244.7.1/24 with
# three ports (pods a .2, b .3, c .4, fixed MACs). pkp_br: prerouting -200 (trace flag, c's anti-spoofing by `ether
# saddr` + `ip saddr !=`, a counter of ARP), forward -200 (a drop by `iifname`/`oifname`/`tcp dport`, a mark by `ip
# saddr`/`ip daddr`/`udp dport` that iptables' FORWARD then reads, a jump on `oifname` to a chain with a return),
# input -200 (a drop of TCP 23 to the bridge's address), output -200 (a drop of the echo requests the node sends or routes
# to c; the uplink namespace behind eth0 is the routed client), postrouting
# -200 (a drop of UDP 5302 bridged to c; iptables' mangle POSTROUTING counts after it). ebtables-nft: FORWARD `-i PORT_A -p
# IPv4 --ip-src ! A -j DROP` (a's anti-spoofing), `-s MAC_B -p IPv4 --ip-dst C --ip-proto udp --ip-dport 5301 -j DROP`;
# INPUT `-p ARP -i PORT_C --arp-ip-src ! C -j DROP` (an xt match in the nft listing). Before loading, the script tries
# `meta ibrname` and `ct state` in a bridge chain (IBRNAME_IN_BRIDGE, CT_IN_BRIDGE in scenario.env). nft-trace.txt is
# `nft monitor trace` (bridge and ip chains), nft-ruleset.txt `nft -a list ruleset` after the traffic,
# ebtables-save.txt and ebtables-L-Lc.txt ebtables-nft's view of its table after the traffic.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="brf-bf"
pkp_init brf-bridge-filter
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
make_bridge br-pkp 10.244.7.1/24
add_bridge_pod a 10.244.7.2/24 10.244.7.1 br-pkp
add_bridge_pod b 10.244.7.3/24 10.244.7.1 br-pkp
add_bridge_pod c 10.244.7.4/24 10.244.7.1 br-pkp
A_IP=10.244.7.2; B_IP=10.244.7.3; C_IP=10.244.7.4; BR_IP=10.244.7.1
MAC_A=02:00:0a:f4:07:02; MAC_B=02:00:0a:f4:07:03; MAC_C=02:00:0a:f4:07:04
ip -n "$(pod_ns a)" link set eth0 address $MAC_A
ip -n "$(pod_ns b)" link set eth0 address $MAC_B
ip -n "$(pod_ns c)" link set eth0 address $MAC_C
AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_C_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
env_put MAC_A $MAC_A; env_put MAC_B $MAC_B; env_put MAC_C $MAC_C
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null

cat > "$WORK/rules.v4" <<R
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o br-pkp -m comment --comment "ip postrouting" -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m mark --mark 0x2a -m comment --comment "marked by bridge forward" -j ACCEPT
-A FORWARD -i br-pkp -o br-pkp -p tcp -m tcp --dport 8081 -m comment --comment "bridged tcp 8081" -j ACCEPT
-A FORWARD -i br-pkp -o br-pkp -m comment --comment "bridged" -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

# what the kernel takes in a bridge chain (the load is refused or not; nothing stays loaded)
br_try() {
  printf 'table bridge pkp_try {\n\tchain c {\n\t\ttype filter hook forward priority -200; policy accept;\n\t\t%s counter\n\t}\n}\n' "$1" > "$WORK/try.nft"
  if nsx "$NODE_NS" nft -f "$WORK/try.nft" 2> "$WORK/try.err"; then
    nsx "$NODE_NS" nft delete table bridge pkp_try; echo loaded
  else
    echo "refused: $(tr '\n' ' ' < "$WORK/try.err" | grep -o 'Could not process rule: [A-Za-z ]*' | head -1 | sed "s/ *$//")"
  fi
}
env_put IBRNAME_IN_BRIDGE "$(br_try 'meta ibrname "br-pkp"')"
env_put CT_IN_BRIDGE "$(br_try 'ct state established')"

cat > "$WORK/native.nft" <<N
table bridge pkp_br {
	chain br_pre {
		type filter hook prerouting priority -200; policy accept;
		meta nftrace set 1
		ether saddr $MAC_C ip saddr != $C_IP counter drop
		ether type arp counter
	}
	chain br_fwd {
		type filter hook forward priority -200; policy accept;
		iifname "$AIF" oifname "$BIF" tcp dport 8081 counter drop
		ip saddr $A_IP ip daddr $C_IP udp dport 5300 counter meta mark set 0x0000002a
		oifname "$BIF" jump to_b
		ether type ip counter
	}
	chain to_b {
		tcp dport 8080 counter return
		ip saddr $C_IP counter
	}
	chain br_in {
		type filter hook input priority -200; policy accept;
		ip daddr $BR_IP tcp dport 23 counter drop
		ether type ip counter
	}
	chain br_out {
		type filter hook output priority -200; policy accept;
		oifname "$CIF" icmp type echo-request counter drop
		ether type ip counter
	}
	chain br_post {
		type filter hook postrouting priority -200; policy accept;
		oifname "$CIF" udp dport 5302 counter drop
		ether type ip counter
	}
}
N
b_serve b tcp 8080 60
b_serve b tcp 8081 60
b_serve b udp 5300 60
b_serve c udp 5300 60
b_serve c udp 5301 60
b_serve node tcp 23 60
b_nft_load "$WORK/native.nft"
E="nsx $NODE_NS ebtables"
$E -A FORWARD -i "$AIF" -p IPv4 --ip-src ! $A_IP -j DROP || b_fail "ebtables FORWARD anti-spoofing"
$E -A FORWARD -s $MAC_B -p IPv4 --ip-dst $C_IP --ip-proto udp --ip-dport 5301 -j DROP || b_fail "ebtables FORWARD udp"
$E -A INPUT -p ARP -i "$CIF" --arp-ip-src ! $C_IP -j DROP || b_fail "ebtables INPUT arp"
$E -Z
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"

snapshot_state before
start_capture; start_trace nft
b_probe a tcp $B_IP 8080 - 40080; sleep 0.3                  # bridged a -> b: passes (to_b returns)
b_probe a tcp $B_IP 8081 - 40081 1.5; sleep 0.3              # bridged: dropped by pkp_br fwd rule 1
b_probe a udp $C_IP 5300 - 40300; sleep 0.3                  # bridged: marked 0x2a, iptables FORWARD reads it
b_probe b udp $C_IP 5301 - 40301 1; sleep 0.3                # bridged: dropped by ebtables FORWARD (-s MAC_B ...)
b_probe c udp $B_IP 5300 - 40302; sleep 0.3                  # bridged c -> b: to_b counts it
b_probe c rawtcp 10.244.7.9 $B_IP 40309 8080 S; sleep 0.3    # c spoofs 10.244.7.9: dropped at pkp_br pre
b_probe a rawtcp 10.244.7.8 $B_IP 40308 8080 S; sleep 0.3    # a spoofs 10.244.7.8: dropped by ebtables FORWARD
b_probe a tcp $BR_IP 23 - 40023 1.5; sleep 0.3               # to the bridge itself: dropped at pkp_br inp
timeout 4 ip netns exec "$(pod_ns b)" ping -n -c 1 -W 1 $BR_IP > "$WORK/ping-br.txt" 2>&1 || true
timeout 4 ip netns exec "$(pod_ns b)" ping -n -c 1 -W 1 $C_IP > "$WORK/ping-c.txt" 2>&1 || true
b_probe b udp $C_IP 5302 - 40502 1; sleep 0.3                # bridged b -> c: dropped by pkp_br br_post
timeout 3 ip netns exec "$NODE_NS" ping -n -c 1 -W 1 $C_IP > "$WORK/ping-node-c.txt" 2>&1 || true  # dropped at br_out
b_probe up tcp $B_IP 8080 - 40180; sleep 0.3                 # routed from eth0 out of br-pkp to b: passes br_out
timeout 3 ip netns exec "$UPLINK_NS" ping -n -c 1 -W 1 $C_IP > "$WORK/ping-up-c.txt" 2>&1 || true  # routed: dropped at br_out
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" ebtables-save -c > "$BUNDLE/ebtables-save.txt" 2>&1 || true
nsx "$NODE_NS" ebtables -L --Lc > "$BUNDLE/ebtables-L-Lc.txt" 2>&1 || true
b_keep_probes
{ echo "# b pings the bridge's address once"; cat "$WORK/ping-br.txt"; echo "# b pings c once"
  cat "$WORK/ping-c.txt"; echo "# the node pings c once"; cat "$WORK/ping-node-c.txt"
  echo "# the uplink pings c once (routed)"; cat "$WORK/ping-up-c.txt"; } >> "$BUNDLE/probes.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "a -> b 8080 connected" "tcp $B_IP:8080 from $A_IP:40080 result=connected"
ck "a -> b 8081 not connected" "^\[a\] tcp $B_IP:8081 result=timeout"
ck "a -> c 5300 answered" "udp $C_IP:5300 from $A_IP:40300 result=reply"
ck "b -> c 5301 not answered" "udp $C_IP:5301 from $B_IP:40301 result=timeout"
ck "c -> b 5300 answered" "udp $B_IP:5300 from $C_IP:40302 result=reply"
ck "a -> bridge 23 not connected" "^\[a\] tcp $BR_IP:23 result=timeout"
grep -q '1 received' "$WORK/ping-br.txt" || b_fail "ping of the bridge: $(cat "$WORK/ping-br.txt")"
grep -q '1 received' "$WORK/ping-c.txt" || b_fail "ping of c: $(cat "$WORK/ping-c.txt")"
grep -q '0 received' "$WORK/ping-node-c.txt" || b_fail "the node's ping of c: $(cat "$WORK/ping-node-c.txt")"
ck "b -> c 5302 not answered" "udp $C_IP:5302 from $B_IP:40502 result=timeout"
ck "uplink -> b 8080 connected" "tcp $B_IP:8080 from $UPLINK_IP:40180 result=connected"
grep -q '0 received' "$WORK/ping-up-c.txt" || b_fail "the uplink's ping of c: $(cat "$WORK/ping-up-c.txt")"
b_expect_none "a's 8081 SYN leaving for b" "$BIF +Out +IP $A_IP\.40081 > "
b_expect_none "b's 5301 datagram leaving for c" "$CIF +Out +IP $B_IP\.40301 > "
b_expect_none "c's spoofed SYN leaving for b" "$BIF +Out +IP 10\.244\.7\.9\."
b_expect_none "a's spoofed SYN leaving for b" "$BIF +Out +IP 10\.244\.7\.8\."
b_expect_frames "c's spoofed SYN in on its port" "$CIF +P +IP 10\.244\.7\.9\.40309 > $B_IP\.8080: Flags \[S\]" 1 >/dev/null
cnt() { nft_count "$1"; }
drop8081=$(cnt "tcp dport 8081 counter"); marked=$(cnt "udp dport 5300 counter"); spoof_c=$(cnt "ip saddr != $C_IP counter")
drop23=$(cnt "tcp dport 23 counter"); ret=$(cnt "tcp dport 8080 counter"); to_b=$(cnt "ip saddr $C_IP counter")
arp=$(cnt "ether type arp counter"); out_drop=$(cnt "icmp type echo-request counter"); post_drop=$(cnt "udp dport 5302 counter")
[ "${out_drop:-0}" -eq 2 ] || b_fail "br_out's drop counted ${out_drop:-nothing}"
[ "${post_drop:-0}" -eq 1 ] || b_fail "br_post's drop counted ${post_drop:-nothing}"
ip_post=$(b_expect_count mangle 'ip postrouting' -ge 1)
[ "${drop8081:-0}" -ge 2 ] || b_fail "tcp dport 8081 drop counted ${drop8081:-nothing}"
[ "${marked:-0}" -ge 1 ] || b_fail "the mark rule counted ${marked:-nothing}"
[ "${spoof_c:-0}" -eq 1 ] || b_fail "c's anti-spoofing counted ${spoof_c:-nothing}"
[ "${drop23:-0}" -ge 2 ] || b_fail "tcp dport 23 drop counted ${drop23:-nothing}"
mark_fw=$(b_expect_count filter 'marked by bridge forward' -ge 1)
env_put BRIDGE_NF_CALL_IPTABLES 1
env_put DROP_8081 "$drop8081"; env_put MARKED_5300 "$marked"; env_put SPOOF_C_DROPS "$spoof_c"; env_put DROP_23 "$drop23"
env_put TO_B_RETURNS "$ret"; env_put TO_B_FROM_C "$to_b"; env_put ARP_AT_PREROUTING "$arp"; env_put MARK_READ_IN_FORWARD "$mark_fw"
env_put OUTPUT_DROPS "$out_drop"; env_put POSTROUTING_DROPS "$post_drop"; env_put IP_POSTROUTING "$ip_post"
env_put PORT_A "$AIF"; env_put PORT_B "$BIF"; env_put PORT_C "$CIF"
traced=$(grep -c ' packet: ' "$BUNDLE/nft-trace.txt" || true)

{
  echo "# brf-bridge-filter: bridge-family filter chains (nft \`table bridge\` and ebtables-nft) with br_netfilter"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, bridge \`br-pkp\` $BR_IP/24 with ports a $A_IP ($MAC_A, port \`$AIF\`), b $B_IP ($MAC_B,"
  echo "\`$BIF\`), c $C_IP ($MAC_C, \`$CIF\`); net.bridge.bridge-nf-call-iptables=1. b serves TCP 8080, 8081, UDP 5300; c UDP"
  echo "5300, 5301; the node TCP 23 (\`ss-tulnp.txt\`)."
  echo
  echo "Rules: iptables mangle POSTROUTING \`-o br-pkp\` RETURN and filter FORWARD (rules-input.txt, policy accept): \`-m mark"
  echo "--mark 0x2a\` ACCEPT, bridged tcp 8081 ACCEPT, bridged ACCEPT (all with counters). \`table bridge pkp_br\` (nft-input.txt), all at priority -200:"
  echo "br_pre (prerouting; \`meta nftrace set 1\`, \`ether saddr $MAC_C ip saddr != $C_IP counter drop\`, \`ether type arp"
  echo "counter\`), br_fwd (forward; \`iifname a oifname b tcp dport 8081 counter drop\`, \`ip saddr a ip daddr c udp dport"
  echo "5300 counter meta mark set 0x2a\`, \`oifname b jump to_b\`, \`ether type ip counter\`), to_b (\`tcp dport"
  echo "8080 counter return\`, \`ip saddr c counter\`), br_in (input; \`ip daddr $BR_IP tcp dport 23 counter drop\`, \`ether"
  echo "type ip counter\`), br_out (output; \`oifname c icmp type echo-request counter drop\`, \`ether type ip counter\`),"
  echo "br_post (postrouting; \`oifname c udp dport 5302 counter drop\`, \`ether type ip counter\`). ebtables-nft (\`table bridge filter\`, priority filter ="
  echo "-200): FORWARD \`-i $AIF -p IPv4 --ip-src ! $A_IP -j DROP\`, \`-s $MAC_B -p IPv4 --ip-dst $C_IP --ip-proto udp"
  echo "--ip-dport 5301 -j DROP\`; INPUT \`-p ARP -i $CIF --arp-ip-src ! $C_IP -j DROP\` (nft lists it as \`xt match arp\`)."
  echo "The kernel's answer to \`meta ibrname\` and \`ct state\` in a bridge chain: $(grep '^IBRNAME_IN_BRIDGE=' "$BUNDLE/scenario.env" | cut -d= -f2-),"
  echo "$(grep '^CT_IN_BRIDGE=' "$BUNDLE/scenario.env" | cut -d= -f2-) (this kernel has neither nft_meta_bridge's ibrname nor nf_conntrack_bridge)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. a → b TCP 8080. 2. a → b TCP 8081 (1.5 s). 3. a → c UDP 5300. 4. b → c UDP 5301 (1 s). 5. c → b UDP 5300."
  echo "6. c sends a SYN from the spoofed 10.244.7.9 to b:8080 (raw socket). 7. a sends one from 10.244.7.8. 8. a → $BR_IP"
  echo "TCP 23 (1.5 s). 9. b pings $BR_IP once. 10. b pings c once. 11. b → c UDP 5302 (1 s). 12. the node pings c once."
  echo "13. the uplink $UPLINK_IP (node eth0 $NODE_IP) → b TCP 8080, routed into br-pkp. 14. the uplink pings c once (routed)."
  echo
  echo "## What the kernel did (nft-ruleset.txt counters, nft-trace.txt: $traced traced packet lines)"
  echo
  echo "- pkp_br br_fwd \`tcp dport 8081 counter drop\`: $drop8081 (a's SYNs to b:8081; nothing left on $BIF); the mark rule:"
  echo "  $marked, and iptables' FORWARD \`-m mark --mark 0x2a\` counted $mark_fw: the bridge forward chain at -200 runs"
  echo "  before br_netfilter's IP FORWARD. c's spoofed SYN: br_pre's anti-spoofing counted $spoof_c. TCP 23 to the bridge:"
  echo "  br_in's drop counted $drop23. to_b: \`tcp dport 8080 return\` $ret, \`ip saddr c\` $to_b. ARP at prerouting: $arp."
  echo "- The node's and the uplink's (routed) echo requests to c: br_out's drop counted $out_drop. b's datagram to c:5302: br_post's drop counted $post_drop."
  echo "  iptables' mangle POSTROUTING \`-o br-pkp\` counted $ip_post (br_netfilter's IP POSTROUTING runs after the bridge's"
  echo "  postrouting chains, at the last priority)."
  echo "- ebtables-nft's counters after the traffic: ebtables-L-Lc.txt."
  echo
  echo '```'
  cat "$BUNDLE/ebtables-L-Lc.txt"
  echo '```'
  echo
  echo "### Client-side outcome of each probe (probes.txt)"
  echo
  echo '```'
  cat "$WORK/probes.txt"
  echo '```'
  echo
  readme_facts
} > "$BUNDLE/README.md"
pkp_finish
