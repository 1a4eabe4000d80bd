#!/usr/bin/env bash
# podman-netavark: a Podman 5 host whose firewall is netavark's nftables driver. Podman's default network `podman`
# (bridge podman0, 10.88.0.0/16, gateway 10.88.0.1, network id 2f259bab…, isolation off) with two containers, web
# 10.88.0.2 (published 8080/tcp -> 80) and dns 10.88.0.3 (published 5300/udp -> 5300). The node holds the native
# `table inet netavark` in the shape src/firewall/nft.rs writes it (base chains INPUT/FORWARD at priority filter,
# PREROUTING/OUTPUT nat at dstnat, POSTROUTING nat at srcnat; `fib daddr type local jump NETAVARK-HOSTPORT-DNAT`; the
# per-network chains nv_2f259bab_10_88_0_0_nm16 (masquerade) and nv_2f259bab_10_88_0_0_nm16_dnat (`ct mark set meta
# mark | 0x1000 dnat ip to …`, hairpin and localhost sources sent to NETAVARK-HOSTPORT-SETMARK for mark 0x2000); FORWARD
# `ct mark & 0x1000 == 0x1000 accept`; POSTROUTING `meta mark & 0x2000 == 0x2000 masquerade`), loaded with `nft -f`,
# and netavark's sysctls (podman0 route_localnet=1, rp_filter=2). iptables holds only the TRACE rules in raw.
source "$(dirname "$0")/../lib.sh"
pkp_init podman-netavark
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-podman-netavark-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

make_node_ns; make_uplink_ns
make_bridge podman0 10.88.0.1/16
add_bridge_pod web 10.88.0.2/16 10.88.0.1 podman0
add_bridge_pod dns 10.88.0.3/16 10.88.0.1 podman0
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.podman0.route_localnet=1 net.ipv4.conf.podman0.rp_filter=2 >/dev/null

NV=nv_2f259bab_10_88_0_0_nm16
cat > "$WORK/netavark.nft" <<N
table inet netavark {
	chain INPUT {
		type filter hook input priority filter; policy accept;
		ip saddr 10.88.0.0/16 meta l4proto { tcp, udp } th dport 53 accept
	}
	chain FORWARD {
		type filter hook forward priority filter; policy accept;
		ct state invalid drop
		ct mark & 0x00001000 == 0x00001000 accept
		jump NETAVARK-ISOLATION-1
		ip daddr 10.88.0.0/16 ct state established,related accept
		ip saddr 10.88.0.0/16 accept
	}
	chain POSTROUTING {
		type nat hook postrouting priority srcnat; policy accept;
		meta mark & 0x00002000 == 0x00002000 masquerade
		ip saddr 10.88.0.0/16 jump $NV
	}
	chain PREROUTING {
		type nat hook prerouting priority dstnat; policy accept;
		fib daddr type local jump NETAVARK-HOSTPORT-DNAT
	}
	chain OUTPUT {
		type nat hook output priority -100; policy accept;
		fib daddr type local jump NETAVARK-HOSTPORT-DNAT
	}
	chain NETAVARK-HOSTPORT-DNAT {
		tcp dport 8080 jump ${NV}_dnat
		udp dport 5300 jump ${NV}_dnat
	}
	chain NETAVARK-HOSTPORT-SETMARK {
		meta mark set meta mark | 0x00002000
	}
	chain NETAVARK-ISOLATION-1 {
	}
	chain NETAVARK-ISOLATION-2 {
	}
	chain NETAVARK-ISOLATION-3 {
		oifname "podman0" drop
		jump NETAVARK-ISOLATION-2
	}
	chain $NV {
		ip daddr 10.88.0.0/16 accept
		ip daddr != 224.0.0.0/4 masquerade
	}
	chain ${NV}_dnat {
		ip saddr 10.88.0.0/16 tcp dport 8080 jump NETAVARK-HOSTPORT-SETMARK
		ip saddr 127.0.0.1 tcp dport 8080 jump NETAVARK-HOSTPORT-SETMARK
		tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80
		ip saddr 10.88.0.0/16 udp dport 5300 jump NETAVARK-HOSTPORT-SETMARK
		ip saddr 127.0.0.1 udp dport 5300 jump NETAVARK-HOSTPORT-SETMARK
		udp dport 5300 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.3:5300
	}
}
N
b_nft_load "$WORK/netavark.nft"
# iptables: nothing of Podman's, only the raw table that carries the TRACE rules (load_rules adds them).
cat > "$WORK/rules.v4" <<'R'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve web tcp 80 50
b_serve dns udp 5300 50
b_serve up tcp 9000 50

snapshot_state before
start_capture; start_trace nft
for i in 1 2 3; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published TCP port from outside
for i in 1 2; do b_probe up udp "$NODE_IP" 5300 - $((42000 + i)) 2; sleep 0.3; done    # published UDP port from outside
b_probe web tcp "$UPLINK_IP" 9000 - 43001 3; sleep 0.3        # container egress: masqueraded by the network chain
b_probe dns tcp 10.88.0.2 80 - 43002 3; sleep 0.3             # container to container on podman0 (bridged)
b_probe dns tcp "$NODE_IP" 8080 - 43003 3; sleep 0.3          # container to the host's published port: SETMARK, masquerade
b_probe web tcp "$NODE_IP" 8080 - 43004 3; sleep 0.3          # the published container to itself through the host port
b_probe node tcp "$NODE_IP" 8080 - 43005 3; sleep 0.3         # the host itself (nat OUTPUT), source kept
b_probe node tcp 127.0.0.1 8080 - 43006 3; sleep 0.3          # localhost: route_localnet, SETMARK, masquerade
b_probe up tcp "$NODE_IP" 8081 - 43007 2; sleep 0.3           # not published: local closed port, RST
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:4100[123] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 3 ] \
  || b_fail "published TCP: not every connection answered by web with the client's own address"
[ "$(grep -c "udp $NODE_IP:5300 from $UPLINK_IP:4200[12] result=reply" "$P")" = 2 ] || b_fail "published UDP"
ck "egress masqueraded" "tcp $UPLINK_IP:9000 from 10.88.0.2:43001 result=connected reply='up port 9000 saw $NODE_IP:"
ck "container to container" "tcp 10.88.0.2:80 from 10.88.0.3:43002 result=connected reply='web port 80 saw 10.88.0.3:43002"
ck "hairpin from dns" "tcp $NODE_IP:8080 from 10.88.0.3:43003 result=connected reply='web port 80 saw 10.88.0.1:"
ck "web to itself through its host port" "tcp $NODE_IP:8080 result=timeout"
ck "host to its port" "tcp $NODE_IP:8080 from $NODE_IP:43005 result=connected reply='web port 80 saw $NODE_IP:43005"
ck "localhost" "tcp 127.0.0.1:8080 from 127.0.0.1:43006 result=connected reply='web port 80 saw 10.88.0.1:"
ck "closed port" "tcp $NODE_IP:8081 result=ECONNREFUSED"
grep -q 'table inet netavark' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks netavark's table"
grep -q 'netavark' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows netavark's table"
n_dnat=$(tr_n "inet netavark ${NV}_dnat rule tcp dport 8080 ct mark set .*dnat ip to 10.88.0.2:80 \(verdict accept\)")
n_udnat=$(tr_n "inet netavark ${NV}_dnat rule udp dport 5300 ct mark set .*dnat ip to 10.88.0.3:5300 \(verdict accept\)")
n_setmark=$(tr_n "inet netavark ${NV}_dnat rule ip saddr (10.88.0.0/16|127.0.0.1) .*jump NETAVARK-HOSTPORT-SETMARK")
n_markmasq=$(tr_n "inet netavark POSTROUTING rule meta mark & 0x00002000 == 0x00002000 masquerade .*\(verdict accept\)")
n_netmasq=$(tr_n "inet netavark $NV rule ip daddr != 224.0.0.0/4 masquerade .*\(verdict accept\)")
n_ctmark=$(tr_n "inet netavark FORWARD rule ct mark & 0x00001000 == 0x00001000 accept .*\(verdict accept\)")
n_self=$(grep -cE " (In|P) +IP 10\.88\.0\.2\.43004 > $NODE_IP\.8080: Flags \[S\]" "$WORK/frames.txt" || true)
[ "$n_self" -ge 2 ] || b_fail "web's SYNs to its own host port: $n_self (the first and a retransmission expected)"
# Each of web's SYNs to itself is a new connection (none is confirmed): each walks the nat chains again.
[ "$n_dnat" = $((6 + n_self - 1 + 1)) ] || b_fail "tcp dnat rule traced $n_dnat times (3 uplink, dns, $n_self of web, node, localhost)"
[ "$n_udnat" = 2 ] || b_fail "udp dnat rule traced $n_udnat times"
[ "$n_setmark" = $((2 + n_self)) ] || b_fail "SETMARK jumps traced $n_setmark times (dns, $n_self of web, localhost)"
[ "$n_netmasq" = 1 ] || b_fail "network masquerade traced $n_netmasq times"
[ "$n_markmasq" -ge 2 ] || b_fail "mark masquerade traced $n_markmasq times"
grep -qE "src=10.88.0.2 dst=$UPLINK_IP .*dport=9000 .*dst=$NODE_IP " "$BUNDLE/conntrack-L.txt" || b_fail "egress ct"
grep -qE "src=$UPLINK_IP dst=$NODE_IP sport=4100[123] dport=8080 src=10.88.0.2 dst=$UPLINK_IP sport=80 " \
  "$BUNDLE/conntrack-L.txt" || b_fail "published ct"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
DIF=$(grep '^POD_DNS_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_syn_pub=$(b_expect_frames "published SYNs in on eth0" "eth0 +In +IP $UPLINK_IP\.4100[123] > $NODE_IP\.8080: Flags \[S\]" 3)
f_syn_dnat=$(b_expect_frames "DNATed SYNs out to web" "$WIF +Out +IP $UPLINK_IP\.4100[123] > 10\.88\.0\.2\.80: Flags \[S\]" 3)
f_udp=$(b_expect_frames "DNATed datagrams out to dns" "$DIF +Out +IP $UPLINK_IP\.4200[12] > 10\.88\.0\.3\.5300: UDP" 2)
f_masq=$(b_expect_frames "masqueraded egress SYN" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_hp=$(b_expect_frames "dns's and localhost's SYNs masqueraded to the gateway" "$WIF +Out +IP 10\.88\.0\.1\.4300[36] > 10\.88\.0\.2\.80: Flags \[S\]" 2)
f_self=$(b_expect_frames "web's SYNs to its own host port" "$WIF +(In|P) +IP 10\.88\.0\.2\.43004 > $NODE_IP\.8080: Flags \[S\]" 1)
b_expect_none "web's SYN sent back to web" "$WIF +Out +IP [0-9.]+\.43004 > 10\.88\.0\.2\.80"
f_rst=$(b_expect_frames "RST for 8081" "eth0 +Out +IP $NODE_IP\.8081 > $UPLINK_IP\.43007: Flags \[R\.\]" 1)
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
n_c2c=$(tr_n "inet netavark FORWARD packet: iif \"podman0\" oif \"podman0\" .*ip saddr 10.88.0.3 ip daddr 10.88.0.2 .*tcp sport 43002")
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put PUBLISHED_TCP "$NODE_IP:8080/tcp->10.88.0.2:80"; env_put PUBLISHED_UDP "$NODE_IP:5300/udp->10.88.0.3:5300"
env_put CONTAINER_WEB_IP 10.88.0.2; env_put CONTAINER_DNS_IP 10.88.0.3
env_put NFT_TRACE_TCP_DNAT "$n_dnat"; env_put NFT_TRACE_UDP_DNAT "$n_udnat"; env_put NFT_TRACE_SETMARK "$n_setmark"
env_put NFT_TRACE_MARK_MASQUERADE "$n_markmasq"; env_put NFT_TRACE_NETWORK_MASQUERADE "$n_netmasq"
env_put NFT_TRACE_CTMARK_ACCEPT "$n_ctmark"; env_put NFT_TRACE_BRIDGED_FORWARD "$n_c2c"

{
  echo "# podman-netavark: a Podman host, netavark's nftables firewall driver (published ports, masquerade, hairpin)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP), Podman's default network: bridge \`podman0\` 10.88.0.1/16 (route_localnet=1, rp_filter=2, as netavark sets"
  echo "them), container \`web\` 10.88.0.2 (port \`$WIF\`, TCP server :80) and container \`dns\` 10.88.0.3 (port \`$DIF\`, UDP server"
  echo ":5300); a TCP server on the uplink at :9000. Published: \`-p 8080:80/tcp\` on web, \`-p 5300:5300/udp\` on dns."
  echo
  echo "Rules: netavark's native table (nft-input.txt, loaded with \`nft -f\`), in the shape of netavark's src/firewall/nft.rs"
  echo "for the network id 2f259bab… (chains \`$NV\` and \`${NV}_dnat\`), isolation off (NETAVARK-ISOLATION-3 holds"
  echo "\`oifname \"podman0\" drop\`, reached only from other isolated networks). iptables holds only raw's TRACE rules"
  echo "(rules-input.txt + load_rules); iptables-save.txt does not show the native table, nft-ruleset.txt (\`nft -a list"
  echo "ruleset\` after the traffic) does. netavark writes no \`counter\` statements: the per-rule figures below are the"
  echo "lines of nft-trace.txt (\`nft monitor trace\`)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 TCP from 41001..41003; 2. uplink → $NODE_IP:5300 UDP from 42001, 42002."
  echo "3. web :43001 → $UPLINK_IP:9000 TCP (egress). 4. dns :43002 → web 10.88.0.2:80 (same bridge)."
  echo "5. dns :43003 → $NODE_IP:8080 and 6. web :43004 → $NODE_IP:8080 (containers to the host's published port; web to itself), 3 s timeout."
  echo "7. the node :43005 → $NODE_IP:8080; 8. the node :43006 → 127.0.0.1:8080. 9. uplink :43007 → $NODE_IP:8081 (nothing published)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's SYNs (frames $f_syn_pub) met PREROUTING \`fib daddr type local jump NETAVARK-HOSTPORT-DNAT\` → \`tcp dport 8080 jump"
  echo "  ${NV}_dnat\` → \`tcp dport 8080 ct mark set meta mark | 0x00001000 dnat ip to 10.88.0.2:80\` and left on $WIF as frames"
  echo "  $f_syn_dnat with the client's source kept; FORWARD accepted them by \`ct mark & 0x00001000 == 0x00001000 accept\`"
  echo "  ($n_ctmark packets in nft-trace.txt carry that verdict: every packet of a DNATed connection, both ways). The UDP"
  echo "  datagrams went the same way to 10.88.0.3:5300 (frames $f_udp)."
  echo "- The tcp dnat rule mapped $n_dnat new connections (3 from the uplink, dns's, $n_self SYNs of web's, the node's and localhost's),"
  echo "  the udp one $n_udnat;"
  echo "  NETAVARK-HOSTPORT-SETMARK was jumped to $n_setmark times (\`ip saddr 10.88.0.0/16\` for the two containers, \`ip saddr"
  echo "  127.0.0.1\` for localhost) and POSTROUTING's \`meta mark & 0x00002000 == 0x00002000 masquerade\` masqueraded those"
  echo "  to 10.88.0.1 (frames $f_hp are the hairpin SYNs leaving to web from 10.88.0.1; $n_markmasq masquerade verdicts)."
  echo "- web → its own published port (frames $f_self: the SYN and its retransmissions, each a new connection walking the nat"
  echo "  chains again) failed: br_netfilter ran PREROUTING at the bridge layer, the DNAT made 10.88.0.2 the destination, whose"
  echo "  route is podman0 itself, so the frame was bridged back towards web's own port $WIF; netavark does not turn on"
  echo "  hairpin mode, the bridge does not send a frame out the port it came in on, and the trace of each SYN ends at the dnat"
  echo "  rule (no FORWARD, no POSTROUTING). No frame went back to web; the client timed out."
  echo "- web's egress to $UPLINK_IP:9000 was masqueraded by \`$NV\`'s \`ip daddr != 224.0.0.0/4 masquerade\` ($n_netmasq; frame $f_masq)."
  echo "- dns → web on podman0 was bridged; with bridge-nf-call-iptables=$bnf the kernel traced it $n_c2c time(s) in inet netavark FORWARD"
  echo "  with iif and oif podman0 (\`ip saddr 10.88.0.0/16 accept\`, and POSTROUTING's \`$NV\` \`ip daddr 10.88.0.0/16 accept\`: no NAT)."
  echo "- The node's own connection kept its source $NODE_IP (nat OUTPUT, no mark); 127.0.0.1 was DNATed, marked and masqueraded."
  echo "- $NODE_IP:8081 was not published: delivered locally, RST (frame $f_rst)."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
