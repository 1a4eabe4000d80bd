#!/usr/bin/env bash
# docker-nftables-proxy: a Docker Engine 29 host with `--firewall-backend=nftables` and the userland proxy on (Docker's
# default) whose container web (docker0 172.17.0.1/16, web 172.17.0.2) publishes a port on the loopback address only:
# `-p 127.0.0.1:8080:80`. `table ip docker-bridges` is written in the shape of moby's
# daemon/libnetwork/drivers/bridge/internal/nftabler golden file for Hairpin=false (userland proxy on) and a loopback host
# IP ("hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=true"): nat-OUTPUT keeps its `ip daddr
# != 127.0.0.0/8` skip, the DNAT rule is `iifname != "docker0" ip daddr 127.0.0.1 tcp dport 8080`, nat-postrouting-in is
# empty (no MASQUERADE FROM HOST without hairpin NAT), and raw-PREROUTING holds `iifname != "lo" ip daddr 127.0.0.1 tcp
# dport 8080 counter drop comment "DROP REMOTE LOOPBACK"`. docker0 keeps route_localnet=0 (moby sets it only with the
# proxy off). docker-proxy is emulated: a small Python TCP relay started in the node namespace STANDS IN FOR docker-proxy,
# listening on 127.0.0.1:8080 and, for each connection, connecting to 172.17.0.2:80 and copying bytes both ways (bounded
# in connections and time). The remote client's packet to 127.0.0.1 is crafted in the uplink namespace only: its local
# 127.0.0.0/8 routes removed, route_localnet=1 there and a route to 127.0.0.1 via the node. bridge-nf-call-iptables=1.
PKP_TAG="dkpx"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-proxy
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dkpx-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
add_bridge_pod web 172.17.0.2/16 172.17.0.1 docker0
# The remote client (uplink namespace only): 127.0.0.1 routed out of eth0 to the node.
case "$UPLINK_NS" in pkp-dkpx-*) ;; *) b_fail "uplink namespace $UPLINK_NS" ;; esac
nsx "$UPLINK_NS" sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1 >/dev/null
ip -n "$UPLINK_NS" route del local 127.0.0.1 dev lo table local 2>/dev/null || true
ip -n "$UPLINK_NS" route del local 127.0.0.0/8 dev lo table local 2>/dev/null || true
ip -n "$UPLINK_NS" route add 127.0.0.1/32 via "$NODE_IP" dev eth0
ip -n "$UPLINK_NS" route get 127.0.0.1 | grep -q "via $NODE_IP dev eth0" || b_fail "uplink's route to 127.0.0.1"
[ "$(nsx "$NODE_NS" sysctl -n net.ipv4.conf.docker0.route_localnet)" = 0 ] || b_fail "docker0 route_localnet"
# The bridge's own IGMP reports are over before Docker's table is loaded.
sleep 3

# userland-proxy on: nat-OUTPUT skips loopback destinations, no hairpin NAT rules; the port published on 127.0.0.1 only.
{
  docker_nft_table ip on docker0 \
    'iifname != "docker0" ip daddr 127.0.0.1 tcp dport 8080 counter packets 0 bytes 0 dnat to 172.17.0.2:80 comment "DNAT"' \
    "$(docker_nft_direct ip 172.17.0.2 docker0)
iifname != \"lo\" ip daddr 127.0.0.1 tcp dport 8080 counter packets 0 bytes 0 drop comment \"DROP REMOTE LOOPBACK\""
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' 'ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 accept'
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve web tcp 80 40
b_serve up tcp 9000 40

# The stand-in for docker-proxy: 127.0.0.1:8080 relayed to 172.17.0.2:80, at most 4 connections, 40 s, 5 s per connection.
PROXY_PY=$(cat <<'PY'
import socket, select, sys, time
lst = socket.socket(); lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", 8080)); lst.listen(8); lst.settimeout(1.0)
print("ready", flush=True)
end, served = time.time() + 40, 0
while time.time() < end and served < 4:
    try:
        c, peer = lst.accept()
    except socket.timeout:
        continue
    served += 1
    u = socket.create_connection(("172.17.0.2", 80), timeout=3)
    print("relay %s:%d -> %s:%d -> 172.17.0.2:80" % (peer + u.getsockname()), flush=True)
    stop, open_ = time.time() + 5, {c: u, u: c}
    while open_ and time.time() < stop:
        r, _, _ = select.select(list(open_), [], [], 0.5)
        for s in r:
            d = s.recv(4096)
            if d:
                open_[s].sendall(d)
            else:
                try: open_[s].shutdown(socket.SHUT_WR)
                except OSError: pass
                del open_[s]
    c.close(); u.close()
PY
)
pkp_bg dkpx-proxy timeout 45 ip netns exec "$NODE_NS" python3 -u -c "$PROXY_PY"
PROXY_PID=$PKP_LAST_PID
for i in $(seq 1 50); do grep -q ready "$WORK/dkpx-proxy.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/dkpx-proxy.out" || b_fail "the docker-proxy stand-in did not start: $(cat "$WORK/dkpx-proxy.err")"

snapshot_state before
nsx "$NODE_NS" nft list table ip docker-bridges | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
for i in 1 2; do b_probe node tcp 127.0.0.1 8080 - $((44000 + i)) 3; sleep 0.3; done   # the host to 127.0.0.1:8080: the proxy
b_probe node tcp "$NODE_IP" 8080 - 44003 3; sleep 0.3      # the host to its own address: not published there
b_probe up tcp 127.0.0.1 8080 - 44004 2; sleep 0.3         # a remote client's SYN to 127.0.0.1: DROP REMOTE LOOPBACK
b_probe web tcp "$UPLINK_IP" 9000 - 44005 3; sleep 0.3     # web's egress: MASQUERADE
docker_nft_after
stop_pid "$PROXY_PID"
cp "$WORK/dkpx-proxy.out" "$BUNDLE/proxy-log.txt"

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "\[node\] tcp 127.0.0.1:8080 from 127.0.0.1:4400[12] result=connected reply='web port 80 saw 172.17.0.1:" "$P")" = 2 ] \
  || b_fail "localhost: not both connections relayed by the proxy to web from the bridge's address"
ck "the host's own address refused" "\[node\] tcp $NODE_IP:8080 result=ECONNREFUSED"
ck "the remote loopback SYN unanswered" "\[up\] tcp 127.0.0.1:8080 result=timeout"
ck "web's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.17.0.2:44005 result=connected reply='up port 9000 saw $NODE_IP:"
[ "$(grep -c '^relay 127.0.0.1:4400[12] -> 172.17.0.1:[0-9]* -> 172.17.0.2:80' "$BUNDLE/proxy-log.txt")" = 2 ] \
  || b_fail "the proxy's log: not two relays from 172.17.0.1"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
n_dnat=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule .*dnat to 172.17.0.2:80 .*\(verdict accept\)')
n_out=$(tr_n 'ip docker-bridges nat-OUTPUT rule ip daddr != 127.0.0.0/8 fib daddr type local .*jump nat-prerouting-and-output')
n_pre=$(tr_n 'ip docker-bridges nat-PREROUTING rule fib daddr type local .*jump nat-prerouting-and-output')
n_lo=$(tr_n 'ip docker-bridges raw-PREROUTING rule .*DROP REMOTE LOOPBACK.*\(verdict drop\)')
n_masq=$(tr_n 'ip docker-bridges nat-postrouting-out__docker0 rule oifname != .* masquerade comment "MASQUERADE" \(verdict accept\)')
n_port=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule ip daddr 172.17.0.2 tcp dport 80 .*\(verdict accept\)')
[ "$n_dnat" = 0 ] || b_fail "DNAT rule traced $n_dnat times (nat-OUTPUT skips loopback)"
[ "$n_out" = 1 ] || b_fail "nat-OUTPUT jump traced $n_out times (the node's SYN to $NODE_IP only)"
[ "$n_pre" = 0 ] || b_fail "nat-PREROUTING jump traced $n_pre times"
[ "$n_lo" -ge 2 ] || b_fail "DROP REMOTE LOOPBACK traced $n_lo times (a SYN and its retransmission at least)"
[ "$n_masq" = 1 ] || b_fail "MASQUERADE traced $n_masq times (web's egress)"
[ "$n_port" = 0 ] || b_fail "the published port's forward accept traced $n_port times (the proxy's flows are local)"
[ "$(nft_count 'dnat to 172.17.0.2:80')" = 0 ] || b_fail "DNAT counter moved"
[ "$(nft_count 'DROP REMOTE LOOPBACK')" = "$n_lo" ] || b_fail "DROP REMOTE LOOPBACK counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
ctk() { grep -qE -- "$2" "$CT" || b_fail "conntrack: $1"; }
ctk "localhost (not DNATed)" "src=127.0.0.1 dst=127.0.0.1 sport=44001 dport=8080 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=44001 "
ctk "the proxy's own connection (not NATed)" "src=172.17.0.1 dst=172.17.0.2 sport=[0-9]+ dport=80 src=172.17.0.2 dst=172.17.0.1 sport=80 "
grep -qE "sport=44004 " "$CT" && b_fail "conntrack holds the remote loopback SYN (raw dropped it before conntrack)"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_lo=$(b_expect_frames "the node's localhost SYNs on lo" "lo +In +IP 127\.0\.0\.1\.4400[12] > 127\.0\.0\.1\.8080: Flags \[S\]" 2)
f_px=$(b_expect_frames "the proxy's SYNs leave on web's port" "$WIF +Out +IP 172\.17\.0\.1\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 2)
f_rst=$(b_expect_frames "the node's RST to its own SYN" "lo +In +IP $NODE_IP\.8080 > $NODE_IP\.44003: Flags \[R" 1)
f_rl=$(b_expect_frames "the remote client's SYN to 127.0.0.1 on the uplink" "eth0 +In +IP $UPLINK_IP\.44004 > 127\.0\.0\.1\.8080: Flags \[S\]" 2)
b_expect_none "a localhost connection leaving on web's port from 127.0.0.1" "$WIF +Out +IP 127\.0\.0\.1"
b_expect_none "the remote loopback SYN answered" "> $UPLINK_IP\.44004: "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put USERLAND_PROXY true
env_put USERLAND_PROXY_EMULATED "python3 TCP relay 127.0.0.1:8080 -> 172.17.0.2:80"
env_put PUBLISHED_TCP "127.0.0.1:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_NAT_OUTPUT_JUMP "$n_out"; env_put NFT_TRACE_MASQUERADE "$n_masq"
env_put NFT_TRACE_DROP_REMOTE_LOOPBACK "$n_lo"

{
  echo "# docker-nftables-proxy: Docker 29's nftables backend, a port published on 127.0.0.1 with the userland proxy on"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP). \`docker0\` 172.17.0.1/16 (route_localnet=0: moby sets it only with \`--userland-proxy=false\`) holds"
  echo "\`web\` 172.17.0.2 (port \`$WIF\`, TCP server :80, \`-p 127.0.0.1:8080:80\`). A TCP server on the uplink at :9000."
  echo "The uplink namespace (the remote client) has its local 127.0.0.0/8 routes removed, route_localnet=1 and"
  echo "\`127.0.0.1/32 via $NODE_IP dev eth0\`, so its SYN to 127.0.0.1 arrives on the node's eth0."
  echo
  echo "**docker-proxy is emulated**: a small Python TCP relay in the node namespace stands in for docker-proxy. It listens"
  echo "on 127.0.0.1:8080 and for each connection opens its own to 172.17.0.2:80 and copies bytes both ways (at most 4"
  echo "connections, 40 s). Its log is proxy-log.txt."
  echo
  echo "Rules: \`table ip docker-bridges\` (nft-input.txt) in the shape of moby's nftabler golden file for hairpin=false"
  echo "(userland proxy on), icc=true, masq=true, gwm=nat, bindlh=true: nat-OUTPUT's \`ip daddr != 127.0.0.0/8 fib daddr type"
  echo "local counter jump nat-prerouting-and-output\`, the DNAT rule \`iifname != \"docker0\" ip daddr 127.0.0.1 tcp dport 8080"
  echo "counter dnat to 172.17.0.2:80\`, an empty nat-postrouting-in__docker0, and raw-PREROUTING's \`iifname != \"lo\" ip daddr"
  echo "127.0.0.1 tcp dport 8080 counter drop comment \"DROP REMOTE LOOPBACK\"\` after DROP DIRECT ACCESS (nft 1.0.6 refuses"
  echo "\`priority dstnat\` on the output hook, so -100). iptables holds only raw's TRACE rules; nft-trace.txt holds every packet;"
  echo "nft-ruleset.txt and nft-ruleset.json (after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. the node :44001, :44002 → 127.0.0.1:8080. 2. the node :44003 → $NODE_IP:8080."
  echo "3. uplink :44004 → 127.0.0.1:8080 (2 s timeout). 4. web :44005 → $UPLINK_IP:9000."
  echo
  echo "## What the kernel did"
  echo
  echo "- The node's two connections to 127.0.0.1:8080 (frames $f_lo) skipped nat-OUTPUT's jump (\`ip daddr != 127.0.0.0/8\`),"
  echo "  were not DNATed (the DNAT rule traced $n_dnat times) and were delivered to the proxy's socket on lo. The proxy's own"
  echo "  connections to 172.17.0.2:80 are new local flows from the bridge's address 172.17.0.1 (frames $f_px): nat-OUTPUT's"
  echo "  fib check is false for 172.17.0.2, nat-postrouting-in__docker0 is empty, so nothing masquerades them and web saw"
  echo "  172.17.0.1; they never cross FORWARD."
  echo "- The node's own SYN to $NODE_IP:8080 went through nat-OUTPUT's jump ($n_out) but matched no DNAT rule; nothing listens"
  echo "  there (the proxy binds 127.0.0.1), so the kernel refused it (the RST on lo, frame $f_rst)."
  echo "- The remote client's SYN to 127.0.0.1 (frames $f_rl) was dropped by raw-PREROUTING's DROP REMOTE LOOPBACK ($n_lo,"
  echo "  the SYN and its retransmissions) before conntrack saw it."
  echo "- web's egress: OUTGOING, then MASQUERADE ($n_masq), the uplink seeing $NODE_IP."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
