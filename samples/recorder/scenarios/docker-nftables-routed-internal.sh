#!/usr/bin/env bash
# docker-nftables-routed-internal: a Docker Engine 29 host with `--firewall-backend=nftables` (userland proxy on) and two
# user-defined networks of the kinds moby's nftabler writes differently: a routed network (`-o
# com.docker.network.bridge.gateway_mode_ipv4=routed`: br-3e7d9c10a4b2 172.20.0.1/16 with container api 172.20.0.2 and
# `-p 80/tcp`, which in routed mode maps no host port) and an internal one (`--internal`: br-c41f0a8e2d95 172.21.0.1/16
# with containers db 172.21.0.2 and cache 172.21.0.3, no default route); docker0 (172.17.0.1/16) has no container.
# `table ip docker-bridges` is in the shape of moby's daemon/libnetwork/drivers/bridge/internal/nftabler for those
# networks, as its TestNftabler golden files list them: "gwm=routed" (filter-forward-in__BR with `ip protocol icmp accept
# comment "ICMP"` and the port's accept, no MASQUERADE, no DROP DIRECT ACCESS, no DNAT) and "internal=true"
# (filter-forward-in__BR's `iifname != BR drop comment "INTERNAL NETWORK INGRESS"` then ICC, filter-forward-out__BR's
# `oifname != BR drop comment "INTERNAL NETWORK EGRESS"`, empty nat chains, no DROP DIRECT ACCESS). br_netfilter's
# bridge-nf-call-iptables=1 as on a Docker host.
PKP_TAG="dkri"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-routed-internal
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dkri-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

RB=br-3e7d9c10a4b2
IB=br-c41f0a8e2d95
make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
make_bridge "$RB" 172.20.0.1/16
make_bridge "$IB" 172.21.0.1/16
add_bridge_pod api 172.20.0.2/16 172.20.0.1 "$RB"
add_bridge_pod db 172.21.0.2/16 172.21.0.1 "$IB"
add_bridge_pod cache 172.21.0.3/16 172.21.0.1 "$IB"
# an internal network's containers get no default route
for c in db cache; do ip -n "pkp-dkri-$c" route del default; done
# The bridges' own IGMP reports (sent when their ports come up) are over before Docker's table is loaded.
sleep 3

{
  docker_nft_table ip on "docker0 $RB $IB" '' ''
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' ''
  # gateway mode routed: ICMP accepted, the published port's accept with no DNAT, no masquerade
  docker_nft_network "$RB" "ip protocol icmp counter packets 0 bytes 0 accept comment \"ICMP\"
iifname \"$RB\" counter packets 0 bytes 0 accept comment \"ICC\"
ip daddr 172.20.0.2 tcp dport 80 counter packets 0 bytes 0 accept
counter packets 0 bytes 0 drop comment \"UNPUBLISHED PORT DROP\"" \
    'counter packets 0 bytes 0 accept comment "OUTGOING"' '' ''
  # internal: nothing in from another device, nothing out to one
  docker_nft_network "$IB" "iifname != \"$IB\" counter packets 0 bytes 0 drop comment \"INTERNAL NETWORK INGRESS\"
counter packets 0 bytes 0 accept comment \"ICC\"" \
    "oifname != \"$IB\" counter packets 0 bytes 0 drop comment \"INTERNAL NETWORK EGRESS\"" '' ''
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve api tcp 80 50
b_serve db tcp 80 50
b_serve cache tcp 80 50
b_serve up tcp 9000 50

snapshot_state before
nsx "$NODE_NS" nft list table ip docker-bridges | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp 172.20.0.2 80 - $((41000 + i)) 3; sleep 0.3; done   # routed: api's published port
b_probe up tcp 172.20.0.2 81 - 41003 2; sleep 0.3           # routed, a port not published: UNPUBLISHED PORT DROP
timeout 5 ip netns exec pkp-dkri-up ping -n -c 2 -i 0.3 -W 1 172.20.0.2 > "$WORK/ping.txt" 2>&1 || true   # ICMP accept
sleep 0.3
b_probe api tcp "$UPLINK_IP" 9000 - 43001 3; sleep 0.3      # routed egress: OUTGOING, no masquerade
b_probe db tcp 172.21.0.3 80 - 43002 3; sleep 0.3           # internal network: ICC (bridged)
b_probe up tcp 172.21.0.2 80 - 43003 2; sleep 0.3           # into the internal network: INTERNAL NETWORK INGRESS
b_probe api tcp 172.21.0.2 80 - 43004 2; sleep 0.3          # from the routed network into it: INTERNAL NETWORK INGRESS
ip -n pkp-dkri-db route add "$UPLINK_IP/32" via 172.21.0.1  # db (NET_ADMIN) routes itself out of its network
b_probe db tcp "$UPLINK_IP" 9000 - 43005 2; sleep 0.3       # out of the internal network: INTERNAL NETWORK EGRESS
docker_nft_after
grep -v '^PING\|^$' "$WORK/ping.txt" > "$BUNDLE/ping.txt" || true

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp 172.20.0.2:80 from $UPLINK_IP:4100[12] result=connected reply='api port 80 saw $UPLINK_IP:4100[12]'" "$P")" = 2 ] \
  || b_fail "routed port: not every connection answered by api with the client's own address"
ck "routed egress not masqueraded" "tcp $UPLINK_IP:9000 from 172.20.0.2:43001 result=connected reply='up port 9000 saw 172.20.0.2:43001'"
ck "internal ICC" "tcp 172.21.0.3:80 from 172.21.0.2:43002 result=connected reply='cache port 80 saw 172.21.0.2:43002'"
[ "$(grep -c 'result=timeout' "$P")" = 4 ] || b_fail "the unpublished, ingress and egress probes did not all time out"
grep -q ' 2 received' "$BUNDLE/ping.txt" || b_fail "the uplink's pings to api were not answered: $(cat "$BUNDLE/ping.txt")"
n_port=$(tr_n "ip docker-bridges filter-forward-in__$RB rule ip daddr 172.20.0.2 tcp dport 80 .*\(verdict accept\)")
n_icmp=$(tr_n "ip docker-bridges filter-forward-in__$RB rule ip protocol icmp .*comment \"ICMP\" \(verdict accept\)")
n_unpub=$(tr_n "ip docker-bridges filter-forward-in__$RB rule .*UNPUBLISHED PORT DROP.*\(verdict drop\)")
n_out=$(tr_n "ip docker-bridges filter-forward-out__$RB rule .*comment \"OUTGOING\" \(verdict accept\)")
n_icc=$(tr_n "ip docker-bridges filter-forward-in__$IB rule .*comment \"ICC\" \(verdict accept\)")
n_ing=$(tr_n "ip docker-bridges filter-forward-in__$IB rule iifname != \"$IB\" .*INTERNAL NETWORK INGRESS.*\(verdict drop\)")
n_egr=$(tr_n "ip docker-bridges filter-forward-out__$IB rule oifname != \"$IB\" .*INTERNAL NETWORK EGRESS.*\(verdict drop\)")
n_masq=$(tr_n 'masquerade')
[ "$n_port" = 2 ] || b_fail "routed port accept traced $n_port times"
[ "$n_icmp" = 1 ] || b_fail "ICMP accept traced $n_icmp times (the first echo request; the second is of the same connection)"
[ "$n_unpub" -ge 1 ] || b_fail "UNPUBLISHED PORT DROP traced $n_unpub times"
[ "$n_out" = 1 ] || b_fail "OUTGOING traced $n_out times"
[ "$n_icc" = 1 ] || b_fail "internal ICC traced $n_icc times"
[ "$n_ing" -ge 2 ] || b_fail "INTERNAL NETWORK INGRESS traced $n_ing times"
[ "$n_egr" -ge 1 ] || b_fail "INTERNAL NETWORK EGRESS traced $n_egr times"
[ "$n_masq" = 0 ] || b_fail "a masquerade was traced"
[ "$(nft_count 'INTERNAL NETWORK INGRESS')" = "$n_ing" ] || b_fail "INTERNAL NETWORK INGRESS counter vs trace"
[ "$(nft_count 'INTERNAL NETWORK EGRESS')" = "$n_egr" ] || b_fail "INTERNAL NETWORK EGRESS counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
grep -qE "src=$UPLINK_IP dst=172.20.0.2 sport=41001 dport=80 src=172.20.0.2 dst=$UPLINK_IP sport=80 dport=41001 " "$CT" \
  || b_fail "conntrack: the routed connection NATed"
grep -qE "src=172.20.0.2 dst=$UPLINK_IP sport=43001 dport=9000 src=$UPLINK_IP dst=172.20.0.2 sport=9000 dport=43001 " "$CT" \
  || b_fail "conntrack: the routed egress NATed"
AIF=$(grep '^POD_API_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
DIF=$(grep '^POD_DB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CACHE_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_port=$(b_expect_frames "routed SYNs to api, unchanged" "$AIF +Out +IP $UPLINK_IP\.4100[12] > 172\.20\.0\.2\.80: Flags \[S\]" 2)
f_unpub=$(b_expect_frames "the SYN to port 81" "eth0 +In +IP $UPLINK_IP\.41003 > 172\.20\.0\.2\.81: Flags \[S\]" 1)
b_expect_none "port 81 reaching api" "$AIF +Out +IP $UPLINK_IP\.41003 > "
f_egress=$(b_expect_frames "api's egress SYN, its own source" "eth0 +Out +IP 172\.20\.0\.2\.43001 > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_icc=$(b_expect_frames "db's SYN bridged to cache" "$CIF +Out +IP 172\.21\.0\.2\.43002 > 172\.21\.0\.3\.80: Flags \[S\]" 1)
f_ing=$(b_expect_frames "the uplink's SYN to db" "eth0 +In +IP $UPLINK_IP\.43003 > 172\.21\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "the uplink's SYN reaching db" "$DIF +Out +IP $UPLINK_IP\.43003 > "
b_expect_none "api's SYN reaching db" "$DIF +Out +IP 172\.20\.0\.2\.43004 > "
f_egr=$(b_expect_frames "db's SYN to the uplink" "$DIF +(In|P) +IP 172\.21\.0\.2\.43005 > $UPLINK_IP\.9000: Flags \[S\]" 1)
b_expect_none "db's SYN leaving" "eth0 +Out +IP 172\.21\.0\.2\.43005 > "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put ROUTED_NETWORK_BRIDGE "$RB"; env_put INTERNAL_NETWORK_BRIDGE "$IB"
env_put CONTAINER_API_IP 172.20.0.2; env_put CONTAINER_DB_IP 172.21.0.2; env_put CONTAINER_CACHE_IP 172.21.0.3
env_put NFT_TRACE_ROUTED_PORT_ACCEPT "$n_port"; env_put NFT_TRACE_ICMP_ACCEPT "$n_icmp"
env_put NFT_TRACE_UNPUBLISHED_DROP "$n_unpub"; env_put NFT_TRACE_INTERNAL_ICC "$n_icc"
env_put NFT_TRACE_INTERNAL_INGRESS "$n_ing"; env_put NFT_TRACE_INTERNAL_EGRESS "$n_egr"

{
  echo "# docker-nftables-routed-internal: Docker 29's nftables backend, a routed network and an internal one"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP, routing 172.20.0.0/16 and 172.21.0.0/16 to the node by its default route). Routed network \`$RB\`"
  echo "172.20.0.1/16 (\`gateway_mode_ipv4=routed\`) with \`api\` 172.20.0.2 (port \`$AIF\`, TCP server :80, \`-p 80/tcp\`: no host"
  echo "port in routed mode); internal network \`$IB\` 172.21.0.1/16 (\`--internal\`) with \`db\` 172.21.0.2 (port \`$DIF\`) and"
  echo "\`cache\` 172.21.0.3 (port \`$CIF\`), TCP servers :80, no default route. \`docker0\` has no container. A TCP server on"
  echo "the uplink at :9000."
  echo
  echo "Rules: \`table ip docker-bridges\` (nft-input.txt) in the shape of moby's nftabler for these networks, as its TestNftabler"
  echo "golden files for gwm=routed and internal=true list them: filter-forward-in__$RB holds \`ip protocol icmp counter accept"
  echo "comment \"ICMP\"\`, ICC, \`ip daddr 172.20.0.2 tcp dport 80 counter accept\` and UNPUBLISHED PORT DROP, and neither"
  echo "nat-postrouting chain of the network masquerades; filter-forward-in__$IB holds \`iifname != \"$IB\" counter drop comment"
  echo "\"INTERNAL NETWORK INGRESS\"\` then \`counter accept comment \"ICC\"\`, filter-forward-out__$IB \`oifname != \"$IB\" counter drop"
  echo "comment \"INTERNAL NETWORK EGRESS\"\`; raw-PREROUTING has no DROP DIRECT ACCESS rule (routed and internal networks get"
  echo "none) and nat-prerouting-and-output no DNAT. iptables holds only raw's TRACE rules; nft-trace.txt holds every packet;"
  echo "nft-ruleset.txt and .json hold Docker's counters after the traffic."
  echo
  echo "## Traffic (probes.txt, ping.txt)"
  echo
  echo "1. uplink → 172.20.0.2:80 from 41001, 41002; 2. uplink :41003 → 172.20.0.2:81; 3. uplink: 2 pings to 172.20.0.2."
  echo "4. api :43001 → $UPLINK_IP:9000. 5. db :43002 → cache 172.21.0.3:80. 6. uplink :43003 → db 172.21.0.2:80; 7. api :43004"
  echo "→ db 172.21.0.2:80. 8. db, after adding a route to $UPLINK_IP via 172.21.0.1 (as a container with NET_ADMIN could),"
  echo ":43005 → $UPLINK_IP:9000. 2 s timeouts for 2, 6, 7, 8."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's connections to api (frames $f_port leaving on $AIF) were routed, not NATed: filter-FORWARD's \`oifname"
  echo "  vmap\` jumped to filter-forward-in__$RB, whose port rule accepted the SYNs ($n_port); api saw the client's address."
  echo "  Port 81 (frames $f_unpub) met UNPUBLISHED PORT DROP ($n_unpub); the first echo request the ICMP rule ($n_icmp; the"
  echo "  second, of the same connection, \`ct state established,related accept\`)."
  echo "- api's egress (frame $f_egress) went by OUTGOING ($n_out) and left with its own source: no masquerade in a routed network."
  echo "- db → cache (frame $f_icc) was bridged; br_netfilter's FORWARD found iifname = oifname = $IB, so INTERNAL NETWORK"
  echo "  INGRESS did not match and ICC accepted it ($n_icc)."
  echo "- The uplink's SYNs to db (frames $f_ing) and api's were dropped by INTERNAL NETWORK INGRESS ($n_ing); db's SYNs"
  echo "  out of its network (frames $f_egr) by INTERNAL NETWORK EGRESS ($n_egr), reached through filter-FORWARD's \`iifname"
  echo "  vmap\` (eth0 is not in the oifname map)."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
