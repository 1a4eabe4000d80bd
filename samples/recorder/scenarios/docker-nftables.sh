#!/usr/bin/env bash
# docker-nftables: a Docker Engine 29 host started with `--firewall-backend=nftables` ("firewall-backend": "nftables" in
# daemon.json; userland-proxy on, so no hairpin NAT). The default bridge network (docker0 172.17.0.1/16) holds container
# web 172.17.0.2 publishing 8080->80/tcp; a user-defined bridge network (br-5f1c2e9a7b3d 172.19.0.1/16: Docker skips
# 172.18.0.0/16, which the node's uplink uses) holds container app 172.19.0.2. The node holds `table ip docker-bridges`
# and `table ip6 docker-bridges` in the shape of moby's daemon/libnetwork/drivers/bridge/internal/nftabler (nftabler.go:
# base chains filter-FORWARD, nat-PREROUTING, nat-OUTPUT, nat-POSTROUTING, raw-PREROUTING and the four ifname verdict
# maps; network.go: per-network filter-forward-in__/-out__ and nat-postrouting-in__/-out__ chains; port.go: the DNAT
# rule in nat-prerouting-and-output and the accept in filter-forward-in__docker0; endpoint.go: raw's "DROP DIRECT ACCESS"
# per endpoint), every rule with a `counter`, as its TestNftabler golden files list them. iptables holds only the raw
# TRACE rules; br_netfilter's bridge-nf-call-iptables=1 as on a Docker host.
PKP_TAG="dknf"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dknf-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

BR2=br-5f1c2e9a7b3d
make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
make_bridge "$BR2" 172.19.0.1/16
add_bridge_pod web 172.17.0.2/16 172.17.0.1 docker0
add_bridge_pod app 172.19.0.2/16 172.19.0.1 "$BR2"

{
  docker_nft_table ip on "docker0 $BR2" \
    'iifname != "docker0" tcp dport 8080 counter packets 0 bytes 0 dnat to 172.17.0.2:80 comment "DNAT"' \
    "$(docker_nft_direct ip 172.17.0.2 docker0; docker_nft_direct ip 172.19.0.2 "$BR2")"
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' 'ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 accept'
  docker_nft_bridge "$BR2" 'ip saddr 172.19.0.0/16' ''
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"


b_serve web tcp 80 50
b_serve app tcp 80 50
b_serve up tcp 9000 50
sleep 2   # the bridges' unsolicited IGMP reports (sent when their ports come up) are over before the capture starts

snapshot_state before
start_capture; start_trace nft
for i in 1 2 3; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published port from outside
b_probe web tcp "$UPLINK_IP" 9000 - 43001 3; sleep 0.3      # container egress: OUTGOING, MASQUERADE
b_probe app tcp "$UPLINK_IP" 9000 - 43002 3; sleep 0.3      # the other network's egress
b_probe app tcp 172.17.0.2 80 - 43003 2; sleep 0.3          # app -> web across networks: DROP DIRECT ACCESS (raw)
b_probe app tcp 172.17.0.3 80 - 43004 2; sleep 0.3          # app -> docker0's subnet, no endpoint: UNPUBLISHED PORT DROP
b_probe web tcp 172.19.0.2 80 - 43005 2; sleep 0.3          # web -> app across networks: DROP DIRECT ACCESS (raw)
b_probe up tcp 172.17.0.2 80 - 43006 2; sleep 0.3           # the uplink straight at web's address: DROP DIRECT ACCESS
b_probe node tcp "$NODE_IP" 8080 - 43007 3; sleep 0.3       # the host to its own published port: nat-OUTPUT DNAT
b_probe node tcp 127.0.0.1 8080 - 43008 2; sleep 0.3        # localhost: skipped by daddr != 127.0.0.0/8 (docker-proxy's)
b_probe web tcp "$NODE_IP" 8080 - 43009 2; sleep 0.3        # web to its host port: iifname docker0 skips the DNAT
b_probe node tcp 172.17.0.2 80 - 43010 3; sleep 0.3         # the host straight at web (not PREROUTING: allowed)
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:4100[123] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 3 ] \
  || b_fail "published port: not every connection answered by web with the client's own address"
ck "web's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.17.0.2:43001 result=connected reply='up port 9000 saw $NODE_IP:"
ck "app's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.19.0.2:43002 result=connected reply='up port 9000 saw $NODE_IP:"
[ "$(grep -c 'result=timeout' "$P")" = 4 ] || b_fail "the four isolation and direct-access probes did not all time out"
ck "host to its published port" "tcp $NODE_IP:8080 from $NODE_IP:43007 result=connected reply='web port 80 saw $NODE_IP:43007"
ck "localhost not DNATed" "tcp 127.0.0.1:8080 result=ECONNREFUSED"
ck "web to its host port not DNATed" "\[web\] tcp $NODE_IP:8080 result=ECONNREFUSED"
ck "host straight to web" "tcp 172.17.0.2:80 from 172.17.0.1:43010 result=connected"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
grep -q 'docker' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows Docker's rules"
# per rule: the packets nft monitor trace saw (the listing's counters say the same: checked below)
n_dnat=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule iifname != "docker0" tcp dport 8080 .*dnat to 172.17.0.2:80 .*\(verdict accept\)')
n_pub=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule ip daddr 172.17.0.2 tcp dport 80 .*\(verdict accept\)')
n_raw1=$(tr_n 'ip docker-bridges raw-PREROUTING rule ip daddr 172.17.0.2 iifname != "docker0" .*\(verdict drop\)')
n_raw2=$(tr_n "ip docker-bridges raw-PREROUTING rule ip daddr 172.19.0.2 iifname != \"$BR2\" .*\(verdict drop\)")
n_unpub=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule .*UNPUBLISHED PORT DROP.*\(verdict drop\)')
n_masq=$(tr_n 'ip docker-bridges nat-postrouting-out__\S+ rule oifname != .* masquerade comment "MASQUERADE" \(verdict accept\)')
n_out=$(tr_n 'ip docker-bridges nat-OUTPUT rule ip daddr != 127.0.0.0/8 fib daddr type local .*jump nat-prerouting-and-output')
n_pre=$(tr_n 'ip docker-bridges nat-PREROUTING rule fib daddr type local .*jump nat-prerouting-and-output')
[ "$n_dnat" = 4 ] || b_fail "DNAT rule traced $n_dnat times (3 uplink connections, the node's)"
[ "$n_pub" = 3 ] || b_fail "published-port accept traced $n_pub times"
[ "$n_raw1" -ge 2 ] && [ "$n_raw2" -ge 1 ] || b_fail "DROP DIRECT ACCESS traced $n_raw1 / $n_raw2 times"
[ "$n_unpub" -ge 1 ] || b_fail "UNPUBLISHED PORT DROP traced $n_unpub times"
[ "$n_masq" = 2 ] || b_fail "masquerade traced $n_masq times"
[ "$n_out" = 1 ] || b_fail "nat-OUTPUT jump traced $n_out times"
[ "$(nft_count 'ip daddr 172.17.0.2 iifname != "docker0"')" = "$n_raw1" ] || b_fail "raw counter vs trace"
[ "$(nft_count "ip daddr 172.19.0.2 iifname != \"$BR2\"")" = "$n_raw2" ] || b_fail "raw counter (2) vs trace"
[ "$(nft_count 'UNPUBLISHED PORT DROP')" = "$n_unpub" ] || b_fail "unpublished-port counter vs trace"
[ "$(nft_count 'dnat to 172.17.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
for c in 41001 41002 41003; do
  grep -qE "src=$UPLINK_IP dst=$NODE_IP sport=$c dport=8080 src=172.17.0.2 dst=$UPLINK_IP sport=80 dport=$c " \
    "$BUNDLE/conntrack-L.txt" || b_fail "published ct $c"
done
grep -qE "src=$NODE_IP dst=$NODE_IP sport=43007 dport=8080 src=172.17.0.2 dst=$NODE_IP sport=80 " "$BUNDLE/conntrack-L.txt" \
  || b_fail "the node's DNATed ct"
grep -qE "src=172.17.0.2 dst=$UPLINK_IP sport=43001 dport=9000 src=$UPLINK_IP dst=$NODE_IP " "$BUNDLE/conntrack-L.txt" \
  || b_fail "web's masqueraded ct"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
AIF=$(grep '^POD_APP_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_syn_pub=$(b_expect_frames "published SYNs in on eth0" "eth0 +In +IP $UPLINK_IP\.4100[123] > $NODE_IP\.8080: Flags \[S\]" 3)
f_syn_dnat=$(b_expect_frames "DNATed SYNs out to web" "$WIF +Out +IP $UPLINK_IP\.4100[123] > 172\.17\.0\.2\.80: Flags \[S\]" 3)
f_masq=$(b_expect_frames "masqueraded egress SYNs" "eth0 +Out +IP $NODE_IP\.4300[12] > $UPLINK_IP\.9000: Flags \[S\]" 2)
f_iso=$(b_expect_frames "app's SYNs to web" "$AIF +(In|P) +IP 172\.19\.0\.2\.43003 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "app's SYN reaching web" "$WIF +Out +IP 172\.19\.0\.2\.43003 > "
f_unpub=$(b_expect_frames "app's SYNs to 172.17.0.3" "$AIF +(In|P) +IP 172\.19\.0\.2\.43004 > 172\.17\.0\.3\.80: Flags \[S\]" 1)
f_iso2=$(b_expect_frames "web's SYNs to app" "$WIF +(In|P) +IP 172\.17\.0\.2\.43005 > 172\.19\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "web's SYN reaching app" "$AIF +Out +IP 172\.17\.0\.2\.43005 > "
f_direct=$(b_expect_frames "the uplink's SYNs to web's address" "eth0 +In +IP $UPLINK_IP\.43006 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "the uplink's SYN reaching web" "$WIF +Out +IP $UPLINK_IP\.43006 > "
f_node=$(b_expect_frames "the node's DNATed SYN to web" "$WIF +Out +IP $NODE_IP\.43007 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
f_rst=$(b_expect_frames "RST to web's SYN to the host port" "$WIF +Out +IP $NODE_IP\.8080 > 172\.17\.0\.2\.43009: Flags \[R\.\]" 1)
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put PUBLISHED_TCP "$NODE_IP:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2; env_put CONTAINER_APP_IP 172.19.0.2; env_put DOCKER_NETWORK2_BRIDGE "$BR2"
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_PUBLISHED_ACCEPT "$n_pub"; env_put NFT_TRACE_MASQUERADE "$n_masq"
env_put NFT_TRACE_DIRECT_ACCESS_DOCKER0 "$n_raw1"; env_put NFT_TRACE_DIRECT_ACCESS_NET2 "$n_raw2"
env_put NFT_TRACE_UNPUBLISHED_DROP "$n_unpub"

{
  echo "# docker-nftables: Docker Engine 29's nftables firewall backend (published port, masquerade, isolation, direct access)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP). Docker's default bridge network: \`docker0\` 172.17.0.1/16 with container \`web\` 172.17.0.2 (port \`$WIF\`,"
  echo "TCP server :80, \`-p 8080:80\`); a user-defined bridge network: \`$BR2\` 172.19.0.1/16 with container \`app\` 172.19.0.2"
  echo "(port \`$AIF\`, TCP server :80, nothing published). A TCP server on the uplink at :9000."
  echo
  echo "Rules: \`table ip docker-bridges\` and \`table ip6 docker-bridges\` (nft-input.txt, loaded with \`nft -f\`) written in"
  echo "the shape of moby's daemon/libnetwork/drivers/bridge/internal/nftabler (the rules as its TestNftabler golden files list"
  echo "them): base chains filter-FORWARD (\`oifname vmap @filter-forward-in-jumps\`, \`iifname vmap @filter-forward-out-jumps\`),"
  echo "nat-PREROUTING (\`fib daddr type local counter jump nat-prerouting-and-output\`), nat-OUTPUT (the same after \`ip daddr"
  echo "!= 127.0.0.0/8\`: userland-proxy on, no hairpin NAT; nft 1.0.6 refuses \`priority dstnat\` on the output hook, so -100),"
  echo "nat-POSTROUTING (\`iifname vmap @nat-postrouting-out-jumps\`, \`oifname vmap @nat-postrouting-in-jumps\`), raw-PREROUTING"
  echo "(one \`ip daddr <endpoint> iifname != <its bridge> counter drop comment \"DROP DIRECT ACCESS\"\` per endpoint); per network"
  echo "filter-forward-in__/-out__ and nat-postrouting-in__/-out__ chains; the published port's \`iifname != \"docker0\" tcp dport"
  echo "8080 counter dnat to 172.17.0.2:80\` and \`ip daddr 172.17.0.2 tcp dport 80 counter accept\`. The ip6 table's maps are"
  echo "empty (no IPv6 network). iptables holds only raw's TRACE rules, loaded after Docker's table so that they run first at"
  echo "the same priority; xtables-monitor stops at Docker's first rule (it cannot print an \`ip\` table's native rule),"
  echo "nft-trace.txt (\`nft monitor trace\`) holds every packet; nft-ruleset.txt and nft-ruleset.json (\`nft [-j] -a list"
  echo "ruleset\` after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 TCP from 41001..41003. 2. web :43001 and app :43002 → $UPLINK_IP:9000 (egress)."
  echo "3. app :43003 → web 172.17.0.2:80; 4. app :43004 → 172.17.0.3:80 (docker0's subnet, no endpoint); 5. web :43005 → app"
  echo "172.19.0.2:80; 6. uplink :43006 → web 172.17.0.2:80 directly; 2 s timeouts."
  echo "7. the node :43007 → $NODE_IP:8080; 8. the node → 127.0.0.1:8080; 9. web → $NODE_IP:8080; 10. the node :43010 → web :80."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's SYNs (frames $f_syn_pub) met nat-PREROUTING's \`fib daddr type local\` jump and the DNAT rule (iifname eth0)"
  echo "  and left on $WIF as frames $f_syn_dnat with the client's source kept; filter-FORWARD's \`oifname vmap\` jumped to"
  echo "  filter-forward-in__docker0, whose \`ip daddr 172.17.0.2 tcp dport 80 accept\` took them ($n_pub); the rest of each"
  echo "  connection went by the \`ct state established,related accept\` rules of the in and out chains."
  echo "- The DNAT rule mapped $n_dnat connections (3 from the uplink, the node's own through nat-OUTPUT: frame $f_node, source"
  echo "  $NODE_IP kept, nat-postrouting-in__docker0 being empty). 127.0.0.1 is skipped by nat-OUTPUT (\`ip daddr != 127.0.0.0/8\`)"
  echo "  and web's own SYN to the host port by \`iifname != \"docker0\"\` (docker-proxy's job, not running here): RST (frame $f_rst)."
  echo "- Egress from both networks: \`iifname vmap @filter-forward-out-jumps\` → \`counter accept comment \"OUTGOING\"\`, then"
  echo "  nat-POSTROUTING's \`iifname vmap @nat-postrouting-out-jumps\` (the input device of a forwarded packet, as ip_output hands"
  echo "  it to the hook) → \`oifname != <bridge> ip saddr <subnet> masquerade\` ($n_masq; frames $f_masq leave from $NODE_IP)."
  echo "- Isolation: app → web (frames $f_iso) and web → app (frames $f_iso2) were dropped in raw-PREROUTING by the other"
  echo "  endpoint's DROP DIRECT ACCESS rule (iifname is the sending bridge; $n_raw1 drops for 172.17.0.2 in all, $n_raw2 for"
  echo "  172.19.0.2); app → 172.17.0.3 (no endpoint, no raw rule; frames $f_unpub) reached filter-forward-in__docker0 and its"
  echo "  \`counter drop comment \"UNPUBLISHED PORT DROP\"\` ($n_unpub)."
  echo "- The uplink straight at 172.17.0.2 (frames $f_direct) was dropped by DROP DIRECT ACCESS (iifname eth0); the node's own"
  echo "  connection to 172.17.0.2:80 does not pass PREROUTING and was answered."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
