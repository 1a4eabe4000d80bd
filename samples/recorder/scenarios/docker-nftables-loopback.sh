#!/usr/bin/env bash
# docker-nftables-loopback: a Docker Engine 29 host with `--firewall-backend=nftables` and `--userland-proxy=false`
# whose container web (docker0 172.17.0.1/16, web 172.17.0.2) publishes a port on the loopback address only:
# `-p 127.0.0.1:8080:80`. `table ip docker-bridges` is written in the shape of moby's
# daemon/libnetwork/drivers/bridge/internal/nftabler for Hairpin=true and a loopback host IP (its TestNftabler golden
# file "hairpin=true,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=true"): the DNAT rule restricted to
# `ip daddr 127.0.0.1`, and raw-PREROUTING's `iifname != "lo" ip daddr 127.0.0.1 tcp dport 8080 counter drop comment
# "DROP REMOTE LOOPBACK"` (moby's filterPortMappedOnLoopback), which stops a remote host reaching the port through the
# bridge's route_localnet=1. The remote client's packet to 127.0.0.1 is crafted in the uplink namespace only: its local
# 127.0.0.0/8 routes removed, route_localnet=1 there and a route to 127.0.0.1 via the node. br_netfilter's
# bridge-nf-call-iptables=1 as on a Docker host.
PKP_TAG="dllo"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-loopback
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dllo-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.docker0.route_localnet=1 >/dev/null
add_bridge_pod web 172.17.0.2/16 172.17.0.1 docker0 hairpin
# The remote client (uplink namespace only): 127.0.0.1 routed out of eth0 to the node.
case "$UPLINK_NS" in pkp-dllo-*) ;; *) b_fail "uplink namespace $UPLINK_NS" ;; esac
nsx "$UPLINK_NS" sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1 >/dev/null
ip -n "$UPLINK_NS" route del local 127.0.0.1 dev lo table local 2>/dev/null || true
ip -n "$UPLINK_NS" route del local 127.0.0.0/8 dev lo table local 2>/dev/null || true
ip -n "$UPLINK_NS" route add 127.0.0.1/32 via "$NODE_IP" dev eth0
ip -n "$UPLINK_NS" route get 127.0.0.1 | grep -q "via $NODE_IP dev eth0" || b_fail "uplink's route to 127.0.0.1"
# The bridge's own IGMP reports (MASQUERADE FROM HOST would count them) are over before Docker's table is loaded.
sleep 3

# userland-proxy off (nat-OUTPUT without the loopback skip, nat-postrouting-in__docker0's MASQUERADE FROM HOST and MASQ
# TO OWN PORT) and the port published on 127.0.0.1 only: the DNAT rule matches that address, and raw-PREROUTING drops
# it from any device but lo after DROP DIRECT ACCESS.
{
  docker_nft_table ip off docker0 \
    'ip daddr 127.0.0.1 tcp dport 8080 counter packets 0 bytes 0 dnat to 172.17.0.2:80 comment "DNAT"' \
    "$(docker_nft_direct ip 172.17.0.2 docker0)
iifname != \"lo\" ip daddr 127.0.0.1 tcp dport 8080 counter packets 0 bytes 0 drop comment \"DROP REMOTE LOOPBACK\""
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' 'ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 accept' \
    'fib saddr type local counter packets 0 bytes 0 masquerade comment "MASQUERADE FROM HOST"
ip saddr 172.17.0.2 ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 masquerade comment "MASQ TO OWN PORT"'
  echo '}'
  docker_nft_table ip6 off '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve web tcp 80 40
b_serve up tcp 9000 40

snapshot_state before
nsx "$NODE_NS" nft list table ip docker-bridges | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
for i in 1 2; do b_probe node tcp 127.0.0.1 8080 - $((42000 + i)) 3; sleep 0.3; done   # the host to 127.0.0.1:8080: DNAT
b_probe node tcp "$NODE_IP" 8080 - 42003 3; sleep 0.3      # the host to its own address: not published there
b_probe up tcp "$NODE_IP" 8080 - 42004 3; sleep 0.3        # a remote client to the node's address: not published there
b_probe up tcp 127.0.0.1 8080 - 42005 2; sleep 0.3         # a remote client's SYN to 127.0.0.1: DROP REMOTE LOOPBACK
b_probe up tcp 172.17.0.2 80 - 42006 2; sleep 0.3          # the uplink straight at web's address: DROP DIRECT ACCESS
b_probe web tcp "$UPLINK_IP" 9000 - 42007 3; sleep 0.3     # web's egress: MASQUERADE
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "\[node\] tcp 127.0.0.1:8080 from 127.0.0.1:4200[12] result=connected reply='web port 80 saw 172.17.0.1:" "$P")" = 2 ] \
  || b_fail "localhost: not both connections DNATed to web and masqueraded to the gateway"
ck "the host's own address refused" "\[node\] tcp $NODE_IP:8080 result=ECONNREFUSED"
ck "the node's address refused to the remote client" "\[up\] tcp $NODE_IP:8080 result=ECONNREFUSED"
ck "the remote loopback SYN unanswered" "\[up\] tcp 127.0.0.1:8080 result=timeout"
ck "direct access unanswered" "\[up\] tcp 172.17.0.2:80 result=timeout"
ck "web's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.17.0.2:42007 result=connected reply='up port 9000 saw $NODE_IP:"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
n_dnat=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule ip daddr 127.0.0.1 tcp dport 8080 .*dnat to 172.17.0.2:80 .*\(verdict accept\)')
n_host=$(tr_n 'ip docker-bridges nat-postrouting-in__docker0 rule fib saddr type local .*MASQUERADE FROM HOST.*\(verdict accept\)')
n_masq=$(tr_n 'ip docker-bridges nat-postrouting-out__docker0 rule oifname != .* masquerade comment "MASQUERADE" \(verdict accept\)')
n_out=$(tr_n 'ip docker-bridges nat-OUTPUT rule fib daddr type local .*jump nat-prerouting-and-output')
n_pre=$(tr_n 'ip docker-bridges nat-PREROUTING rule fib daddr type local .*jump nat-prerouting-and-output')
n_lo=$(tr_n 'ip docker-bridges raw-PREROUTING rule .*DROP REMOTE LOOPBACK.*\(verdict drop\)')
n_raw=$(tr_n 'ip docker-bridges raw-PREROUTING rule .*DROP DIRECT ACCESS.*\(verdict drop\)')
[ "$n_dnat" = 2 ] || b_fail "DNAT rule traced $n_dnat times (the node's two to 127.0.0.1)"
[ "$n_host" = 2 ] || b_fail "MASQUERADE FROM HOST traced $n_host times"
[ "$n_masq" = 1 ] || b_fail "MASQUERADE traced $n_masq times (web's egress)"
[ "$n_out" = 3 ] || b_fail "nat-OUTPUT jump traced $n_out times (the node's three SYNs)"
[ "$n_pre" = 1 ] || b_fail "nat-PREROUTING jump traced $n_pre times (the remote client's SYN to the node's address)"
[ "$n_lo" -ge 2 ] || b_fail "DROP REMOTE LOOPBACK traced $n_lo times (a SYN and its retransmission at least)"
[ "$n_raw" -ge 2 ] || b_fail "DROP DIRECT ACCESS traced $n_raw times"
[ "$(nft_count 'dnat to 172.17.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
[ "$(nft_count 'DROP REMOTE LOOPBACK')" = "$n_lo" ] || b_fail "DROP REMOTE LOOPBACK counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
ctk() { grep -qE -- "$2" "$CT" || b_fail "conntrack: $1"; }
ctk "localhost" "src=127.0.0.1 dst=127.0.0.1 sport=42001 dport=8080 src=172.17.0.2 dst=172.17.0.1 sport=80 "
# The refused connections' entries (CLOSE after the RST, 10 s) are gone by the snapshot; none of theirs may be DNATed.
grep -qE "sport=4200[34] dport=8080 src=172\.17\.0\.2 " "$CT" && b_fail "conntrack: a connection to $NODE_IP:8080 DNATed"
grep -qE "sport=42005 " "$CT" && b_fail "conntrack holds the remote loopback SYN (raw dropped it before conntrack)"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_lo_in=$(b_expect_frames "the remote client's SYN to 127.0.0.1 on the uplink" "eth0 +In +IP $UPLINK_IP\.42005 > 127\.0\.0\.1\.8080: Flags \[S\]" 2)
f_lo_out=$(b_expect_frames "the node's localhost SYNs leave on web's port" "$WIF +Out +IP 172\.17\.0\.1\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 2)
f_rst=$(b_expect_frames "the node's RST to the remote client" "eth0 +Out +IP $NODE_IP\.8080 > $UPLINK_IP\.42004: Flags \[R" 1)
b_expect_none "the remote loopback SYN reaching web" "$WIF +Out +IP $UPLINK_IP\.42005 > "
b_expect_none "the remote loopback SYN answered" "> $UPLINK_IP\.42005: "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put USERLAND_PROXY false
env_put PUBLISHED_TCP "127.0.0.1:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_MASQ_FROM_HOST "$n_host"; env_put NFT_TRACE_MASQUERADE "$n_masq"
env_put NFT_TRACE_DROP_REMOTE_LOOPBACK "$n_lo"; env_put NFT_TRACE_DIRECT_ACCESS "$n_raw"

{
  echo "# docker-nftables-loopback: Docker 29's nftables backend, a port published on 127.0.0.1 only (userland proxy off)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP). \`docker0\` 172.17.0.1/16 (route_localnet=1, as moby sets it with \`--userland-proxy=false\`) holds \`web\`"
  echo "172.17.0.2 (port \`$WIF\`, hairpin mode, TCP server :80, \`-p 127.0.0.1:8080:80\`). A TCP server on the uplink at :9000."
  echo "The uplink namespace (the remote client) has its local 127.0.0.0/8 routes removed, route_localnet=1 and"
  echo "\`127.0.0.1/32 via $NODE_IP dev eth0\`, so its SYN to 127.0.0.1 arrives on the node's eth0."
  echo
  echo "Rules: \`table ip docker-bridges\` (nft-input.txt) in the shape of moby's nftabler with Hairpin=true and a loopback host"
  echo "IP, as its TestNftabler golden file for hairpin=true, icc=true, masq=true, gwm=nat, bindlh=true lists it: the DNAT rule"
  echo "\`ip daddr 127.0.0.1 tcp dport 8080 counter dnat to 172.17.0.2:80\`, and raw-PREROUTING's \`iifname != \"lo\" ip daddr"
  echo "127.0.0.1 tcp dport 8080 counter drop comment \"DROP REMOTE LOOPBACK\"\` after DROP DIRECT ACCESS (nft 1.0.6 refuses"
  echo "\`priority dstnat\` on the output hook, so -100). iptables holds only raw's TRACE rules; nft-trace.txt holds every packet;"
  echo "nft-ruleset.txt and nft-ruleset.json (after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. the node :42001, :42002 → 127.0.0.1:8080. 2. the node :42003 → $NODE_IP:8080. 3. uplink :42004 → $NODE_IP:8080."
  echo "4. uplink :42005 → 127.0.0.1:8080 (2 s timeout). 5. uplink :42006 → 172.17.0.2:80 (2 s). 6. web :42007 → $UPLINK_IP:9000."
  echo
  echo "## What the kernel did"
  echo
  echo "- The node's two connections to 127.0.0.1:8080 went through nat-OUTPUT's jump and the DNAT rule ($n_dnat), left on"
  echo "  docker0 (frames $f_lo_out; 127.0.0.1 as a source allowed by route_localnet) and were masqueraded by MASQUERADE FROM HOST"
  echo "  ($n_host), web seeing 172.17.0.1."
  echo "- Port 8080 at $NODE_IP is not published: the node's own SYN and the remote client's went through the jumps (nat-OUTPUT,"
  echo "  nat-PREROUTING) but matched no DNAT rule, reached the node's INPUT and were refused (the RST, frame $f_rst)."
  echo "- The remote client's SYN to 127.0.0.1 (frames $f_lo_in) was dropped by raw-PREROUTING's DROP REMOTE LOOPBACK ($n_lo,"
  echo "  the SYN and its retransmissions) before conntrack saw it; the uplink's SYN at 172.17.0.2 by DROP DIRECT ACCESS ($n_raw)."
  echo "- web's egress: OUTGOING, then MASQUERADE ($n_masq), the uplink seeing $NODE_IP."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
