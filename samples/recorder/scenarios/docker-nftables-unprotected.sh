#!/usr/bin/env bash
# docker-nftables-unprotected: Docker Engine 29 with `--firewall-backend=nftables` and a user-defined bridge network
# created with `-o com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected` (br-7b2e4d91c0a6 172.19.0.1/16, container
# web 172.19.0.2 publishing 8080->80/tcp and serving :81 too, unpublished), beside the default bridge network (docker0
# 172.17.0.1/16, gateway mode nat, container app 172.17.0.2 serving :80, nothing published). `table ip docker-bridges`
# in the shape of moby's nftabler golden file for gwm=nat-unprotected (hairpin=false, icc=true, masq=true): the network's
# filter-forward-in chain ends in `counter accept comment "UNPROTECTED"` instead of UNPUBLISHED PORT DROP, the published
# port gets its DNAT but no per-port accept (port.go), and web gets no DROP DIRECT ACCESS rule in raw-PREROUTING
# (endpoint.go); docker0's app keeps its own. iptables holds only the raw TRACE rules; bridge-nf-call-iptables=1.
PKP_TAG="dkup"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-unprotected
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dkup-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

BR2=br-7b2e4d91c0a6
make_node_ns; make_uplink_ns
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
    "$(docker_nft_direct ip 172.17.0.2 docker0)"
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' ''
  docker_nft_bridge "$BR2" 'ip saddr 172.19.0.0/16' '' '' accept nat-unprotected
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve web tcp 80 45
b_serve web tcp 81 45
b_serve app tcp 80 45
b_serve up tcp 9000 45

snapshot_state before
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published port from outside
b_probe up tcp 172.19.0.2 81 - 43001 3; sleep 0.3     # the uplink straight at web's unpublished port: UNPROTECTED
b_probe up tcp 172.19.0.2 80 - 43002 3; sleep 0.3     # ... and at the published port's container port, un-NATed
b_probe up tcp 172.17.0.2 80 - 43003 2; sleep 0.3     # the uplink straight at app (docker0, gateway mode nat): dropped
b_probe web tcp "$UPLINK_IP" 9000 - 43004 3; sleep 0.3   # web's egress: OUTGOING, MASQUERADE
b_probe app tcp 172.19.0.2 81 - 43005 3; sleep 0.3    # app -> web across networks: no raw rule for web, UNPROTECTED
b_probe web tcp 172.17.0.2 80 - 43006 2; sleep 0.3    # web -> app across networks: app's DROP DIRECT ACCESS
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:4100[12] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 2 ] \
  || b_fail "published port: not every connection answered by web with the client's own address"
ck "web's unpublished port from outside" "tcp 172.19.0.2:81 from $UPLINK_IP:43001 result=connected reply='web port 81 saw $UPLINK_IP:43001'"
ck "web's container port from outside" "tcp 172.19.0.2:80 from $UPLINK_IP:43002 result=connected reply='web port 80 saw $UPLINK_IP:43002'"
ck "app from outside" "\[up\] tcp 172.17.0.2:80 result=timeout"
ck "web's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.19.0.2:43004 result=connected reply='up port 9000 saw $NODE_IP:"
ck "app to web's unpublished port" "tcp 172.19.0.2:81 from 172.17.0.2:43005 result=connected reply='web port 81 saw "
ck "web to app" "\[web\] tcp 172.17.0.2:80 result=timeout"
[ "$(grep -c 'result=timeout' "$P")" = 2 ] || b_fail "not exactly the two probes at app timed out"
APP_SAW=$(sed -n "s/.*from 172.17.0.2:43005 result=connected reply='web port 81 saw \([0-9.]*\):.*/\1/p" "$P")
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
grep -q 'docker' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows Docker's rules"
# per rule: the packets nft monitor trace saw (the listing's counters say the same: checked below)
n_dnat=$(tr_n "ip docker-bridges nat-prerouting-and-output rule iifname != \"$BR2\" tcp dport 8080 .*dnat to 172.19.0.2:80 .*\(verdict accept\)")
n_unprot=$(tr_n "ip docker-bridges filter-forward-in__$BR2 rule counter .*accept comment \"UNPROTECTED\" \(verdict accept\)")
n_raw=$(tr_n 'ip docker-bridges raw-PREROUTING rule ip daddr 172.17.0.2 iifname != "docker0" .*\(verdict drop\)')
n_masq_web=$(tr_n "ip docker-bridges nat-postrouting-out__$BR2 rule oifname != \"$BR2\" .*masquerade comment \"MASQUERADE\" \(verdict accept\)")
n_masq_app=$(tr_n 'ip docker-bridges nat-postrouting-out__docker0 rule oifname != "docker0" .*masquerade comment "MASQUERADE" \(verdict accept\)')
n_unpub=$(tr_n 'UNPUBLISHED PORT DROP')
[ "$n_dnat" = 2 ] || b_fail "DNAT rule traced $n_dnat times (the uplink's 2 connections)"
[ "$n_unprot" = 5 ] || b_fail "UNPROTECTED accept traced $n_unprot times (2 published, 2 direct from the uplink, app's)"
[ "$n_raw" -ge 2 ] || b_fail "app's DROP DIRECT ACCESS traced $n_raw times"
[ "$n_masq_web" = 1 ] || b_fail "web's masquerade traced $n_masq_web times"
[ "$n_masq_app" = 1 ] || b_fail "docker0's masquerade traced $n_masq_app times (app's connection to web)"
[ "$APP_SAW" = 172.19.0.1 ] || b_fail "web saw app's connection from $APP_SAW, not its network's gateway"
[ "$n_unpub" = 0 ] || b_fail "UNPUBLISHED PORT DROP traced $n_unpub times"
grep -q "raw-PREROUTING rule ip daddr 172.19.0.2" "$BUNDLE/nft-trace.txt" && b_fail "a raw rule for web's address traced"
[ "$(nft_count 'ip daddr 172.17.0.2 iifname != "docker0"')" = "$n_raw" ] || b_fail "raw counter vs trace"
[ "$(nft_count 'comment "UNPROTECTED"')" = "$n_unprot" ] || b_fail "UNPROTECTED counter vs trace"
[ "$(nft_count 'dnat to 172.19.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
for c in 41001 41002; do
  grep -qE "src=$UPLINK_IP dst=$NODE_IP sport=$c dport=8080 src=172.19.0.2 dst=$UPLINK_IP sport=80 dport=$c " \
    "$BUNDLE/conntrack-L.txt" || b_fail "published ct $c"
done
grep -qE "src=$UPLINK_IP dst=172.19.0.2 sport=43001 dport=81 src=172.19.0.2 dst=$UPLINK_IP sport=81 dport=43001 " \
  "$BUNDLE/conntrack-L.txt" || b_fail "the uplink's un-NATed ct to web:81"
grep -qE "src=172.19.0.2 dst=$UPLINK_IP sport=43004 dport=9000 src=$UPLINK_IP dst=$NODE_IP " "$BUNDLE/conntrack-L.txt" \
  || b_fail "web's masqueraded ct"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
AIF=$(grep '^POD_APP_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_syn_pub=$(b_expect_frames "published SYNs in on eth0" "eth0 +In +IP $UPLINK_IP\.4100[12] > $NODE_IP\.8080: Flags \[S\]" 2)
f_syn_dnat=$(b_expect_frames "DNATed SYNs out to web" "$WIF +Out +IP $UPLINK_IP\.4100[12] > 172\.19\.0\.2\.80: Flags \[S\]" 2)
f_direct=$(b_expect_frames "the uplink's SYNs reaching web directly" "$WIF +Out +IP $UPLINK_IP\.4300[12] > 172\.19\.0\.2\.8[01]: Flags \[S\]" 2)
f_drop=$(b_expect_frames "the uplink's SYNs to app" "eth0 +In +IP $UPLINK_IP\.43003 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "the uplink's SYN reaching app" "$AIF +Out +IP $UPLINK_IP\.43003 > "
f_masq=$(b_expect_frames "web's masqueraded egress SYN" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_cross=$(b_expect_frames "app's SYN reaching web" "$WIF +Out +IP [0-9.]+\.43005 > 172\.19\.0\.2\.81: Flags \[S\]" 1)
f_back=$(b_expect_frames "web's SYNs to app" "$WIF +(In|P) +IP 172\.19\.0\.2\.43006 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "web's SYN reaching app" "$AIF +Out +IP 172\.19\.0\.2\.43006 > "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put GATEWAY_MODE_IPV4 "$BR2=nat-unprotected docker0=nat"
env_put PUBLISHED_TCP "$NODE_IP:8080/tcp->172.19.0.2:80"
env_put CONTAINER_WEB_IP 172.19.0.2; env_put CONTAINER_APP_IP 172.17.0.2
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_UNPROTECTED_ACCEPT "$n_unprot"
env_put NFT_TRACE_DIRECT_ACCESS_APP "$n_raw"; env_put NFT_TRACE_MASQUERADE_WEB "$n_masq_web"
env_put NFT_TRACE_MASQUERADE_APP "$n_masq_app"; env_put APP_TO_WEB_SEEN_AS "$APP_SAW"

{
  echo "# docker-nftables-unprotected: Docker Engine 29's nftables backend, a network with gateway mode nat-unprotected"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP, default route via the node). A user-defined bridge network created with"
  echo "\`-o com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected\`: \`$BR2\` 172.19.0.1/16 with container \`web\`"
  echo "172.19.0.2 (port \`$WIF\`, TCP servers :80 and :81, \`-p 8080:80\`). Docker's default bridge network (gateway mode"
  echo "nat): \`docker0\` 172.17.0.1/16 with container \`app\` 172.17.0.2 (port \`$AIF\`, TCP server :80, nothing published)."
  echo "A TCP server on the uplink at :9000."
  echo
  echo "Rules: \`table ip docker-bridges\` and \`table ip6 docker-bridges\` (nft-input.txt, loaded with \`nft -f\`) in the shape"
  echo "of moby's nftabler golden file for gwm=nat-unprotected: filter-forward-in__$BR2 is \`ct state established,related"
  echo "accept\`, \`iifname \"$BR2\" accept comment \"ICC\"\`, \`counter accept comment \"UNPROTECTED\"\` (no per-port accept, no"
  echo "UNPUBLISHED PORT DROP); the published port's \`iifname != \"$BR2\" tcp dport 8080 dnat to 172.19.0.2:80\`;"
  echo "raw-PREROUTING holds DROP DIRECT ACCESS for app only (moby's filterDirectAccess skips an unprotected network's"
  echo "endpoints). The rest as in docker-nftables (nat-OUTPUT with priority -100: nft 1.0.6 refuses \`dstnat\` on output)."
  echo "iptables holds only raw's TRACE rules, loaded after Docker's table so that they run first at the same priority;"
  echo "nft-trace.txt (\`nft monitor trace\`) holds every packet; nft-ruleset.txt and nft-ruleset.json (\`nft [-j] -a list"
  echo "ruleset\` after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 TCP from 41001, 41002. 2. uplink :43001 → web 172.19.0.2:81 (unpublished) and :43002 →"
  echo "172.19.0.2:80, straight at the container's address. 3. uplink :43003 → app 172.17.0.2:80 (2 s timeout). 4. web :43004"
  echo "→ $UPLINK_IP:9000. 5. app :43005 → web 172.19.0.2:81. 6. web :43006 → app 172.17.0.2:80 (2 s timeout)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's SYNs to the published port (frames $f_syn_pub) were DNATed ($n_dnat) and left on $WIF as frames"
  echo "  $f_syn_dnat with the client's source kept; filter-forward-in__$BR2 has no accept for the port: its"
  echo "  \`counter accept comment \"UNPROTECTED\"\` took them."
  echo "- The uplink straight at web's address reached both ports, the unpublished :81 too (frames $f_direct): no raw rule for"
  echo "  web, UNPROTECTED accepted them un-NATed ($n_unprot UNPROTECTED accepts in all: 2 published, 2 direct, app's)."
  echo "- The uplink straight at app (frames $f_drop) was dropped in raw-PREROUTING by app's DROP DIRECT ACCESS (iifname"
  echo "  eth0), as was web's SYN to app (frames $f_back; iifname $BR2): $n_raw drops with the retransmissions."
  echo "- web's egress: OUTGOING, then nat-postrouting-out__$BR2's MASQUERADE ($n_masq_web; frame $f_masq leaves from"
  echo "  $NODE_IP)."
  echo "- app → web :81 across networks (frame $f_cross reaches web): nothing in raw for web, filter-forward-in__$BR2's"
  echo "  UNPROTECTED accepted it, and nat-postrouting-out__docker0's MASQUERADE (iifname docker0, oifname $BR2; $n_masq_app)"
  echo "  rewrote its source: web saw $APP_SAW."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
