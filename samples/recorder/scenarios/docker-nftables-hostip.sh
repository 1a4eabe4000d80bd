#!/usr/bin/env bash
# docker-nftables-hostip: Docker Engine 29 with `--firewall-backend=nftables` and a user-defined bridge network created
# with `-o com.docker.network.host_ipv4=172.18.0.3` (br-2d6a0f53c8e1 172.19.0.1/16, container web 172.19.0.2 publishing
# 8080->80/tcp), beside the default bridge network (docker0 172.17.0.1/16, container app 172.17.0.2). The node's uplink
# eth0 holds two addresses, 172.18.0.2/24 and 172.18.0.3/24 (the second the network's host_ipv4). `table ip
# docker-bridges` in the shape of moby's nftabler golden file for snat=true (hairpin=false, icc=true, masq=true,
# gwm=nat): the network's nat-postrouting-out chain holds `oifname != BRIDGE ip saddr 172.19.0.0/16 counter snat to
# 172.18.0.3 comment "SNAT"` where docker0's holds MASQUERADE (network.go: conf.HostIP picks `snat to` over masquerade).
# iptables holds only the raw TRACE rules; bridge-nf-call-iptables=1.
PKP_TAG="dkhi"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-hostip
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dkhi-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

BR2=br-2d6a0f53c8e1
HOST_IP=172.18.0.3
make_node_ns; make_uplink_ns
ip -n "$NODE_NS" addr add "$HOST_IP/24" dev eth0
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
make_bridge "$BR2" 172.19.0.1/16
add_bridge_pod app 172.17.0.2/16 172.17.0.1 docker0
add_bridge_pod web 172.19.0.2/16 172.19.0.1 "$BR2"
# The bridges' own IGMP reports (sent when their ports come up) are over before Docker's table is loaded.
sleep 3

{
  docker_nft_table ip on "docker0 $BR2" \
    "iifname != \"$BR2\" tcp dport 8080 counter packets 0 bytes 0 dnat to 172.19.0.2:80 comment \"DNAT\"" \
    "$(docker_nft_direct ip 172.17.0.2 docker0; docker_nft_direct ip 172.19.0.2 "$BR2")"
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' ''
  docker_nft_bridge "$BR2" 'ip saddr 172.19.0.0/16' 'ip daddr 172.19.0.2 tcp dport 80 counter packets 0 bytes 0 accept' \
    '' accept nat "$HOST_IP"
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve web tcp 80 45
b_serve up tcp 9000 45
b_serve up udp 9001 45

snapshot_state before
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published port, primary address
b_probe up tcp "$HOST_IP" 8080 - 41003 3; sleep 0.3       # ... and at the network's host_ipv4
for i in 1 2; do b_probe web tcp "$UPLINK_IP" 9000 - $((43000 + i)) 3; sleep 0.3; done  # web's egress: SNAT
b_probe web udp "$UPLINK_IP" 9001 - 43003 3; sleep 0.3    # web's UDP egress: SNAT
b_probe app tcp "$UPLINK_IP" 9000 - 43004 3; sleep 0.3    # docker0's egress: MASQUERADE
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:4100[12] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 2 ] \
  || b_fail "published port: not every connection answered by web with the client's own address"
ck "published port at host_ipv4" "tcp $HOST_IP:8080 from $UPLINK_IP:41003 result=connected reply='web port 80 saw $UPLINK_IP:41003'"
[ "$(grep -c "tcp $UPLINK_IP:9000 from 172.19.0.2:4300[12] result=connected reply='up port 9000 saw $HOST_IP:" "$P")" = 2 ] \
  || b_fail "web's egress: the server did not see $HOST_IP for both connections"
ck "web's UDP egress" "udp $UPLINK_IP:9001 from 172.19.0.2:43003 result=reply"
ck "app's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.17.0.2:43004 result=connected reply='up port 9000 saw $NODE_IP:"
grep -q 'result=timeout' "$P" && b_fail "a probe timed out"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
grep -q 'docker' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows Docker's rules"
WEB_UDP_SAW=$(sed -n "s/.*udp $UPLINK_IP:9001 from 172.19.0.2:43003 result=reply.*saw \([0-9.]*\):.*/\1/p" "$P")
n_dnat=$(tr_n "ip docker-bridges nat-prerouting-and-output rule iifname != \"$BR2\" tcp dport 8080 .*dnat to 172.19.0.2:80 .*\(verdict accept\)")
n_port=$(tr_n "ip docker-bridges filter-forward-in__$BR2 rule ip daddr 172.19.0.2 tcp dport 80 .*\(verdict accept\)")
n_snat=$(tr_n "ip docker-bridges nat-postrouting-out__$BR2 rule oifname != \"$BR2\" ip saddr 172.19.0.0/16 .*snat to $HOST_IP comment \"SNAT\" \(verdict accept\)")
n_masq_app=$(tr_n 'ip docker-bridges nat-postrouting-out__docker0 rule oifname != "docker0" .*masquerade comment "MASQUERADE" \(verdict accept\)')
n_masq_web=$(tr_n "nat-postrouting-out__$BR2 .*masquerade")
n_unpub=$(tr_n 'UNPUBLISHED PORT DROP')
[ "$n_dnat" = 3 ] || b_fail "DNAT rule traced $n_dnat times (the uplink's 3 connections)"
[ "$n_port" = 3 ] || b_fail "the published port's accept traced $n_port times"
[ "$n_snat" = 3 ] || b_fail "web's SNAT traced $n_snat times (2 TCP connections, 1 UDP flow)"
[ "$n_masq_app" = 1 ] || b_fail "docker0's masquerade traced $n_masq_app times"
[ "$n_masq_web" = 0 ] || b_fail "a masquerade in $BR2's chain traced"
[ "$n_unpub" = 0 ] || b_fail "UNPUBLISHED PORT DROP traced $n_unpub times"
[ "$WEB_UDP_SAW" = "$HOST_IP" ] || b_fail "the UDP server saw web as $WEB_UDP_SAW"
[ "$(nft_count "snat to $HOST_IP")" = "$n_snat" ] || b_fail "SNAT counter vs trace"
[ "$(nft_count 'dnat to 172.19.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
[ "$(nft_count 'oifname != "docker0" ip saddr 172.17.0.0/16')" = "$n_masq_app" ] || b_fail "MASQUERADE counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
for c in 41001 41002; do
  grep -qE "src=$UPLINK_IP dst=$NODE_IP sport=$c dport=8080 src=172.19.0.2 dst=$UPLINK_IP sport=80 dport=$c " "$CT" \
    || b_fail "published ct $c"
done
grep -qE "src=$UPLINK_IP dst=$HOST_IP sport=41003 dport=8080 src=172.19.0.2 dst=$UPLINK_IP sport=80 dport=41003 " "$CT" \
  || b_fail "published ct at host_ipv4"
for c in 43001 43002; do
  grep -qE "src=172.19.0.2 dst=$UPLINK_IP sport=$c dport=9000 src=$UPLINK_IP dst=$HOST_IP sport=9000 dport=[0-9]+ " "$CT" \
    || b_fail "web's SNATed ct $c"
done
grep -qE "udp .*src=172.19.0.2 dst=$UPLINK_IP sport=43003 dport=9001 src=$UPLINK_IP dst=$HOST_IP " "$CT" \
  || b_fail "web's SNATed UDP ct"
grep -qE "src=172.17.0.2 dst=$UPLINK_IP sport=43004 dport=9000 src=$UPLINK_IP dst=$NODE_IP " "$CT" \
  || b_fail "app's masqueraded ct"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
AIF=$(grep '^POD_APP_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_syn_pub=$(b_expect_frames "published SYNs in on eth0" "eth0 +In +IP $UPLINK_IP\.4100[123] > 172\.18\.0\.[23]\.8080: Flags \[S\]" 3)
f_syn_dnat=$(b_expect_frames "DNATed SYNs out to web" "$WIF +Out +IP $UPLINK_IP\.4100[123] > 172\.19\.0\.2\.80: Flags \[S\]" 3)
f_synack=$(b_expect_frames "web's SYN-ACKs leaving un-DNATed" "eth0 +Out +IP 172\.18\.0\.[23]\.8080 > $UPLINK_IP\.4100[123]: Flags \[S\.\]" 3)
f_snat=$(b_expect_frames "web's SNATed egress SYNs" "eth0 +Out +IP 172\.18\.0\.3\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 2)
f_snat_back=$(b_expect_frames "the server's SYN-ACKs back to web, un-SNATed" "$WIF +Out +IP $UPLINK_IP\.9000 > 172\.19\.0\.2\.4300[12]: Flags \[S\.\]" 2)
f_udp=$(b_expect_frames "web's SNATed UDP" "eth0 +Out +IP 172\.18\.0\.3\.[0-9]+ > $UPLINK_IP\.9001: UDP" 1)
f_masq=$(b_expect_frames "app's masqueraded egress SYN" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 1)
b_expect_none "web's egress leaving from the primary address" "eth0 +Out +IP $NODE_IP\.4300[123] > "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put HOST_IPV4 "$BR2=$HOST_IP"
env_put NODE_IP_SECONDARY "$HOST_IP"
env_put PUBLISHED_TCP "0.0.0.0:8080/tcp->172.19.0.2:80"
env_put CONTAINER_WEB_IP 172.19.0.2; env_put CONTAINER_APP_IP 172.17.0.2
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_PORT_ACCEPT "$n_port"
env_put NFT_TRACE_SNAT_WEB "$n_snat"; env_put NFT_TRACE_MASQUERADE_APP "$n_masq_app"

{
  echo "# docker-nftables-hostip: Docker Engine 29's nftables backend, a network with host_ipv4 (SNAT to a fixed address)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 and"
  echo "$HOST_IP/24 (secondary; client side $UPLINK_IP, default route via the node). A user-defined bridge network created"
  echo "with \`-o com.docker.network.host_ipv4=$HOST_IP\`: \`$BR2\` 172.19.0.1/16 with container \`web\` 172.19.0.2 (port"
  echo "\`$WIF\`, TCP server :80, \`-p 8080:80\`). Docker's default bridge network: \`docker0\` 172.17.0.1/16 with container"
  echo "\`app\` 172.17.0.2 (port \`$AIF\`). Servers on the uplink at TCP :9000 and UDP :9001."
  echo
  echo "Rules: \`table ip docker-bridges\` and \`table ip6 docker-bridges\` (nft-input.txt, loaded with \`nft -f\`) in the shape"
  echo "of moby's nftabler golden file for snat=true (hairpin=false, icc=true, masq=true, gwm=nat): nat-postrouting-out__$BR2"
  echo "holds \`oifname != \"$BR2\" ip saddr 172.19.0.0/16 counter snat to $HOST_IP comment \"SNAT\"\` (network.go: with a"
  echo "host IP the verdict is \`snat to\` instead of \`masquerade\`), nat-postrouting-out__docker0 its MASQUERADE; the published"
  echo "port's DNAT and accept, DROP DIRECT ACCESS for both containers. The rest as in docker-nftables (nat-OUTPUT with"
  echo "priority -100: nft 1.0.6 refuses \`dstnat\` on output). iptables holds only raw's TRACE rules, loaded after Docker's"
  echo "table; nft-trace.txt (\`nft monitor trace\`) holds every packet; nft-ruleset.txt and nft-ruleset.json (\`nft [-j] -a"
  echo "list ruleset\` after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 TCP from 41001, 41002, and → $HOST_IP:8080 from 41003. 2. web :43001, :43002 →"
  echo "$UPLINK_IP:9000 TCP. 3. web :43003 → $UPLINK_IP:9001 UDP. 4. app :43004 → $UPLINK_IP:9000 TCP."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's SYNs to the published port (frames $f_syn_pub), at either of the node's addresses, were DNATed"
  echo "  ($n_dnat) and accepted by the port's rule ($n_port); they left on $WIF as frames $f_syn_dnat with the client's"
  echo "  source kept, and web's SYN-ACKs left eth0 from the address each client had asked for (frames $f_synack): the"
  echo "  replies are un-DNATed by conntrack, the network's SNAT rule never sees them."
  echo "- web's egress: OUTGOING, then nat-postrouting-out__$BR2's SNAT ($n_snat: two TCP connections, one UDP flow); it"
  echo "  left eth0 from $HOST_IP (frames $f_snat, UDP $f_udp), the servers saw $HOST_IP, and their replies reached web"
  echo "  un-SNATed (frames $f_snat_back)."
  echo "- app's egress (docker0): nat-postrouting-out__docker0's MASQUERADE ($n_masq_app; frame $f_masq leaves from"
  echo "  $NODE_IP, the address of the route's preferred source)."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
