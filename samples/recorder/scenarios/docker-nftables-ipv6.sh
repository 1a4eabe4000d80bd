#!/usr/bin/env bash
# docker-nftables-ipv6: a Docker Engine 29 host with `--firewall-backend=nftables` (userland proxy on, the default) and a
# dual-stack user-defined network (`docker network create --ipv6`): br-8a3c41d2e6f0 172.19.0.1/16 and fd49:efd7:54aa::1/64
# holds container web 172.19.0.2 / fd49:efd7:54aa::2 publishing 8080->80/tcp on both families (0.0.0.0 and ::). The
# default bridge docker0 (172.17.0.1/16, IPv4 only) has no container. Both `table ip docker-bridges` and `table ip6
# docker-bridges` are written in the shape of moby's daemon/libnetwork/drivers/bridge/internal/nftabler for Hairpin=false
# (its TestNftabler golden files "hairpin=false,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false" __ip
# and __ip6): the ip6 table's verdict maps hold the network's bridge, its DNAT rule is `iifname != <bridge> ip6 saddr !=
# fe80::/10 tcp dport 8080 counter dnat to [fd49:efd7:54aa::2]:80`, nat-OUTPUT skips `ip6 daddr != ::1`, raw's DROP DIRECT
# ACCESS and the network's MASQUERADE are `ip6` rules. br_netfilter's bridge-nf-call-iptables and -ip6tables = 1.
PKP_TAG="dk6"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-ipv6 ipv6
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dk6-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

BR=br-8a3c41d2e6f0
NET6=fd49:efd7:54aa
WEB6=$NET6::2
make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 >/dev/null 2>&1 \
  || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
make_bridge "$BR" 172.19.0.1/16
ip -n "$NODE_NS" addr add "$NET6::1/64" dev "$BR" nodad
add_bridge_pod web 172.19.0.2/16 172.19.0.1 "$BR"
ip -n pkp-dk6-web addr add "$WEB6/64" dev eth0 nodad
ip -n pkp-dk6-web -6 route add default via "$NET6::1" dev eth0
env_put POD_WEB_IP6 "$WEB6"
# The bridge's own MLD/IGMP reports (sent as its port comes up) are over before Docker's tables are loaded.
sleep 3
NODE_LL=$(ip -n "$NODE_NS" -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1)
[ -n "$NODE_LL" ] || b_fail "no link-local address on the node's eth0"

{
  docker_nft_table ip on "docker0 $BR" \
    "iifname != \"$BR\" tcp dport 8080 counter packets 0 bytes 0 dnat to 172.19.0.2:80 comment \"DNAT\"" \
    "$(docker_nft_direct ip 172.19.0.2 "$BR")"
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' ''
  docker_nft_bridge "$BR" 'ip saddr 172.19.0.0/16' 'ip daddr 172.19.0.2 tcp dport 80 counter packets 0 bytes 0 accept'
  echo '}'
  docker_nft_table ip6 on "$BR" \
    "iifname != \"$BR\" ip6 saddr != fe80::/10 tcp dport 8080 counter packets 0 bytes 0 dnat to [$WEB6]:80 comment \"DNAT\"" \
    "$(docker_nft_direct ip6 "$WEB6" "$BR")"
  docker_nft_bridge "$BR" "ip6 saddr $NET6::/64" "ip6 daddr $WEB6 tcp dport 80 counter packets 0 bytes 0 accept"
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"   # ip6tables' TRACE rules too (pkp_init ... ipv6)

# A TCP probe and server for IPv6 (lib-extra.sh's b_probe and b_serve are IPv4 only), in the same output format.
PY6="$(cat <<'PY'
import socket, sys, time, select, errno
def serve(port, seconds, tag):
    end = time.time() + seconds
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    ls.bind(("::", port)); ls.listen(16)
    print("ready", flush=True)
    while time.time() < end:
        r, _, _ = select.select([ls], [], [], max(0.0, min(1.0, end - time.time())))
        if not r:
            continue
        c, peer = ls.accept()
        c.settimeout(2)
        try:
            c.recv(200)
            c.sendall(("%s port %d saw [%s]:%d\n" % (tag, port, peer[0], peer[1])).encode())
        except OSError:
            pass
        c.close()
def tcp(dst, port, sport, timeout):
    addr = socket.getaddrinfo(dst, port, socket.AF_INET6, socket.SOCK_STREAM)[0][4]
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", sport, 0, addr[3]))
    s.settimeout(timeout)
    t0 = time.time()
    try:
        s.connect(addr)
    except OSError as e:
        name = "timeout" if isinstance(e, socket.timeout) else errno.errorcode.get(e.errno, str(e.errno))
        print("tcp [%s]:%d result=%s after=%.1fs" % (dst, port, name, time.time() - t0)); return
    local = s.getsockname()
    try:
        s.sendall(b"hello from pktpath\n"); reply = s.recv(200).decode(errors="replace").strip()
    except OSError as e:
        print("tcp [%s]:%d from [%s]:%d result=connected-then-%s" % (dst, port, local[0], local[1], e)); return
    s.close()
    print("tcp [%s]:%d from [%s]:%d result=connected reply=%r" % (dst, port, local[0], local[1], reply))
a = sys.argv[1:]
if a[0] == "serve":
    serve(int(a[1]), float(a[2]), a[3])
else:
    tcp(a[1], int(a[2]), int(a[3]), float(a[4]))
PY
)"
serve6() {   # serve6 NS PORT SECONDS
  local ns; ns="$(resolve_ns "$1")"
  pkp_bg "srv6-$2-${ns#pkp-}" timeout "$(( $3 + 5 ))" ip netns exec "$ns" python3 -u -c "$PY6" serve "$2" "$3" "${ns#pkp-$TAG-}"
  local out="$WORK/srv6-$2-${ns#pkp-}.out" i
  for i in $(seq 1 50); do grep -q ready "$out" 2>/dev/null && return 0; sleep 0.1; done
  b_fail "IPv6 server $2 in $ns did not start: $(cat "${out%.out}.err")"
}
probe6() {   # probe6 NS DST PORT SPORT TIMEOUT: one bounded connection, its line appended to probes.txt
  local ns out; ns="$(resolve_ns "$1")"
  out="$(timeout 8 ip netns exec "$ns" python3 -c "$PY6" tcp "$2" "$3" "$4" "$5" 2>&1)" || true
  [ -n "$out" ] || out="tcp [$2]:$3 result=killed-by-timeout"
  printf '%s\n' "$out"
  printf '%s %s\n' "$(b_role "$ns")" "$out" >> "$WORK/probes.txt"
}

b_serve web tcp 80 50
serve6 web 80 50
b_serve up tcp 9000 50
serve6 up 9000 50

snapshot_state before
nsx "$NODE_NS" nft list ruleset | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
b_probe up tcp "$NODE_IP" 8080 - 41001 3; sleep 0.3                 # IPv4 published port from outside
for i in 1 2; do probe6 up "$NODE_IP6" 8080 $((41100 + i)) 3; sleep 0.3; done   # IPv6 published port from outside
probe6 web "$UPLINK_IP6" 9000 43001 3; sleep 0.3                    # IPv6 egress: OUTGOING, ip6 MASQUERADE
b_probe web tcp "$UPLINK_IP" 9000 - 43002 3; sleep 0.3             # IPv4 egress
probe6 up "$WEB6" 80 43003 2; sleep 0.3                             # straight at web's IPv6 address: DROP DIRECT ACCESS
probe6 up "$NET6::9" 80 43004 2; sleep 0.3                          # the network's prefix, no endpoint: UNPUBLISHED PORT DROP
probe6 node "$NODE_IP6" 8080 43005 3; sleep 0.3                     # the host to its own IPv6 published port: nat-OUTPUT
probe6 node ::1 8080 43006 2; sleep 0.3                             # ::1 skipped by ip6 daddr != ::1 (docker-proxy's)
probe6 up "$NODE_LL%eth0" 8080 43007 2; sleep 0.3                   # link-local: skipped by ip6 saddr != fe80::/10
probe6 web "$NODE_IP6" 8080 43008 2; sleep 0.3                      # web to its host port: iifname != "$BR" skips the DNAT
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "IPv4 published port" "tcp $NODE_IP:8080 from $UPLINK_IP:41001 result=connected reply='web port 80 saw $UPLINK_IP:41001'"
[ "$(grep -c "tcp \[$NODE_IP6\]:8080 from \[$UPLINK_IP6\]:4110[12] result=connected reply='web port 80 saw \[$UPLINK_IP6\]:" "$P")" = 2 ] \
  || b_fail "IPv6 published port: not every connection answered by web with the client's own address"
ck "IPv6 egress masqueraded" "tcp \[$UPLINK_IP6\]:9000 from \[$WEB6\]:43001 result=connected reply='up port 9000 saw \[$NODE_IP6\]:"
ck "IPv4 egress masqueraded" "tcp $UPLINK_IP:9000 from 172.19.0.2:43002 result=connected reply='up port 9000 saw $NODE_IP:"
[ "$(grep -c 'result=timeout' "$P")" = 2 ] || b_fail "the direct-access and unpublished probes did not both time out"
ck "the host to its IPv6 published port" "tcp \[$NODE_IP6\]:8080 from \[$NODE_IP6\]:43005 result=connected reply='web port 80 saw \[$NODE_IP6\]:43005'"
ck "::1 not DNATed" "tcp \[::1\]:8080 result=ECONNREFUSED"
ck "link-local not DNATed" "\[up\] tcp \[$NODE_LL%eth0\]:8080 result=ECONNREFUSED"
ck "web to its host port not DNATed" "\[web\] tcp \[$NODE_IP6\]:8080 result=ECONNREFUSED"
n_dnat6=$(tr_n "ip6 docker-bridges nat-prerouting-and-output rule .*dnat to \[$WEB6\]:80 .*\(verdict accept\)")
n_dnat4=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule .*dnat to 172.19.0.2:80 .*\(verdict accept\)')
n_pub6=$(tr_n "ip6 docker-bridges filter-forward-in__$BR rule ip6 daddr $WEB6 tcp dport 80 .*\(verdict accept\)")
n_masq6=$(tr_n "ip6 docker-bridges nat-postrouting-out__$BR rule .*masquerade comment \"MASQUERADE\" \(verdict accept\)")
n_masq4=$(tr_n "ip docker-bridges nat-postrouting-out__$BR rule .*masquerade comment \"MASQUERADE\" \(verdict accept\)")
n_raw6=$(tr_n 'ip6 docker-bridges raw-PREROUTING rule .*DROP DIRECT ACCESS.*\(verdict drop\)')
n_unpub6=$(tr_n "ip6 docker-bridges filter-forward-in__$BR rule .*UNPUBLISHED PORT DROP.*\(verdict drop\)")
n_out6=$(tr_n 'ip6 docker-bridges nat-OUTPUT rule ip6 daddr != ::1 fib daddr type local .*jump nat-prerouting-and-output')
n_pre6=$(tr_n 'ip6 docker-bridges nat-PREROUTING rule fib daddr type local .*jump nat-prerouting-and-output')
[ "$n_dnat6" = 3 ] || b_fail "ip6 DNAT traced $n_dnat6 times (2 uplink, the node's)"
[ "$n_dnat4" = 1 ] || b_fail "ip DNAT traced $n_dnat4 times"
[ "$n_pub6" = 2 ] || b_fail "ip6 published-port accept traced $n_pub6 times"
[ "$n_masq6" = 1 ] && [ "$n_masq4" = 1 ] || b_fail "MASQUERADE traced $n_masq6 (ip6) / $n_masq4 (ip) times"
[ "$n_raw6" -ge 1 ] || b_fail "ip6 DROP DIRECT ACCESS traced $n_raw6 times"
[ "$n_unpub6" -ge 1 ] || b_fail "ip6 UNPUBLISHED PORT DROP traced $n_unpub6 times"
[ "$n_out6" = 1 ] || b_fail "ip6 nat-OUTPUT jump traced $n_out6 times (the node's to $NODE_IP6; ::1 skipped)"
[ "$(nft_count "dnat to [$WEB6]:80")" = "$n_dnat6" ] || b_fail "ip6 DNAT counter vs trace"
[ "$(nft_count "ip6 daddr $WEB6 iifname != \"$BR\"")" = "$n_raw6" ] || b_fail "ip6 raw counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
ctk() { grep -qE -- "$2" "$CT" || b_fail "conntrack: $1"; }
ctk "IPv6 DNAT" "src=$UPLINK_IP6 dst=$NODE_IP6 sport=41101 dport=8080 src=$WEB6 dst=$UPLINK_IP6 sport=80 dport=41101 "
ctk "IPv6 masquerade" "src=$WEB6 dst=$UPLINK_IP6 sport=43001 dport=9000 src=$UPLINK_IP6 dst=$NODE_IP6 "
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_pub6=$(b_expect_frames "IPv6 published SYNs in on eth0" "eth0 +In +IP6 $UPLINK_IP6\.4110[12] > $NODE_IP6\.8080: Flags \[S\]" 2)
f_dnat6=$(b_expect_frames "DNATed IPv6 SYNs out to web" "$WIF +Out +IP6 $UPLINK_IP6\.4110[12] > $WEB6\.80: Flags \[S\]" 2)
f_masq6=$(b_expect_frames "masqueraded IPv6 egress SYN" "eth0 +Out +IP6 $NODE_IP6\.43001 > $UPLINK_IP6\.9000: Flags \[S\]" 1)
f_direct6=$(b_expect_frames "the uplink's SYN at web's IPv6 address" "eth0 +In +IP6 $UPLINK_IP6\.43003 > $WEB6\.80: Flags \[S\]" 1)
b_expect_none "the uplink's SYN reaching web" "$WIF +Out +IP6 $UPLINK_IP6\.43003 > "
f_unpub6=$(b_expect_frames "the uplink's SYN at ::9" "eth0 +In +IP6 $UPLINK_IP6\.43004 > $NET6::9\.80: Flags \[S\]" 1)
f_ll=$(b_expect_frames "RST to the link-local SYN" "eth0 +Out +IP6 $NODE_LL\.8080 > fe80::[0-9a-f:]+\.43007: Flags \[R\.\]" 1)
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-ip6tables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IP6TABLES "$bnf"
env_put PUBLISHED_TCP "0.0.0.0:8080/tcp->172.19.0.2:80 [::]:8080/tcp->[$WEB6]:80"
env_put DOCKER_NETWORK_BRIDGE "$BR"; env_put NODE_LINK_LOCAL "$NODE_LL"
env_put NFT_TRACE_DNAT6 "$n_dnat6"; env_put NFT_TRACE_DNAT4 "$n_dnat4"; env_put NFT_TRACE_PUBLISHED_ACCEPT6 "$n_pub6"
env_put NFT_TRACE_MASQUERADE6 "$n_masq6"; env_put NFT_TRACE_MASQUERADE4 "$n_masq4"
env_put NFT_TRACE_DIRECT_ACCESS6 "$n_raw6"; env_put NFT_TRACE_UNPUBLISHED_DROP6 "$n_unpub6"

{
  echo "# docker-nftables-ipv6: Docker 29's nftables backend with a dual-stack network (ip6 DNAT, masquerade, drops)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, IPv6 forwarding=1, bridge-nf-call-ip6tables=$bnf) with uplink eth0 $NODE_IP/24 and"
  echo "$NODE_IP6/64 (link-local $NODE_LL; client side $UPLINK_IP, $UPLINK_IP6). \`$BR\` 172.19.0.1/16 and $NET6::1/64 holds"
  echo "\`web\` 172.19.0.2 / $WEB6 (port \`$WIF\`, TCP servers on :80 for both families, \`-p 8080:80\`). \`docker0\` 172.17.0.1/16"
  echo "has no container. TCP servers on the uplink at :9000 (both families)."
  echo
  echo "Rules: \`table ip docker-bridges\` and \`table ip6 docker-bridges\` (nft-input.txt) in the shape of moby's nftabler with"
  echo "Hairpin=false, as its TestNftabler golden files for icc=true, masq=true, gwm=nat list them: the ip6 table's verdict maps"
  echo "hold \`$BR\`; its DNAT rule \`iifname != \"$BR\" ip6 saddr != fe80::/10 tcp dport 8080 counter dnat to [$WEB6]:80\`;"
  echo "nat-OUTPUT's \`ip6 daddr != ::1 fib daddr type local counter jump nat-prerouting-and-output\` (nft 1.0.6 refuses"
  echo "\`priority dstnat\` on the output hook, so -100); raw-PREROUTING's \`ip6 daddr $WEB6 iifname != \"$BR\" counter drop comment"
  echo "\"DROP DIRECT ACCESS\"\`; nat-postrouting-out__$BR's \`oifname != \"$BR\" ip6 saddr $NET6::/64 counter masquerade\`."
  echo "iptables and ip6tables hold only raw's TRACE rules; nft-trace.txt holds every packet; nft-ruleset.txt and .json hold"
  echo "Docker's counters after the traffic."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 from 41001. 2. uplink → [$NODE_IP6]:8080 from 41101, 41102. 3. web :43001 → [$UPLINK_IP6]:9000;"
  echo "4. web :43002 → $UPLINK_IP:9000. 5. uplink :43003 → [$WEB6]:80; 6. uplink :43004 → [$NET6::9]:80 (2 s timeouts)."
  echo "7. the node :43005 → [$NODE_IP6]:8080; 8. the node → [::1]:8080; 9. uplink :43007 → [$NODE_LL%eth0]:8080; 10. web :43008"
  echo "→ [$NODE_IP6]:8080."
  echo
  echo "## What the kernel did"
  echo
  echo "- The IPv6 SYNs to the published port (frames $f_pub6) met the ip6 table's nat-PREROUTING \`fib daddr type local\` jump"
  echo "  and DNAT rule and left on $WIF as frames $f_dnat6, the client's source kept; filter-forward-in__$BR's \`ip6 daddr $WEB6"
  echo "  tcp dport 80 accept\` took them ($n_pub6). The ip6 DNAT rule mapped $n_dnat6 connections (the node's own through"
  echo "  nat-OUTPUT, source $NODE_IP6 kept); the ip one mapped the IPv4 connection ($n_dnat4)."
  echo "- web's IPv6 egress: OUTGOING, then the ip6 MASQUERADE (frame $f_masq6 leaves from $NODE_IP6); its IPv4 egress the ip one."
  echo "- The uplink straight at $WEB6 (frame $f_direct6) was dropped by the ip6 DROP DIRECT ACCESS rule ($n_raw6); at $NET6::9"
  echo "  (frame $f_unpub6), no endpoint and so no raw rule, by filter-forward-in__$BR's UNPUBLISHED PORT DROP ($n_unpub6)."
  echo "- Not DNATed, each answered by the node's RST: [::1]:8080 (nat-OUTPUT's \`ip6 daddr != ::1\`), the link-local"
  echo "  [$NODE_LL]:8080 (the DNAT rule's \`ip6 saddr != fe80::/10\`, the source being the uplink's link-local address; frame"
  echo "  $f_ll) and web's own connection to [$NODE_IP6]:8080 (\`iifname != \"$BR\"\`: docker-proxy's job, not running here)."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
