#!/usr/bin/env bash
# docker-nftables-hairpin: a Docker Engine 29 host with `--firewall-backend=nftables` and `--userland-proxy=false`, so the
# kernel does the hairpin NAT that docker-proxy does otherwise. The default bridge network (docker0 172.17.0.1/16) holds
# container web 172.17.0.2 publishing 8080->80/tcp and container cli 172.17.0.3; a user-defined network (br-5f1c2e9a7b3d
# 172.19.0.1/16) holds container app 172.19.0.2. As moby's bridge driver does without the proxy, every container's
# bridge port has hairpin mode on and each bridge has route_localnet=1. `table ip docker-bridges` is written in the
# shape of moby's daemon/libnetwork/drivers/bridge/internal/nftabler for Hairpin=true (its TestNftabler golden files
# "hairpin=true,internal=false,icc=true,masq=true,snat=false,gwm=nat,bindlh=false"): nat-OUTPUT jumps to the DNAT chain
# for every local address (127.0.0.0/8 too: no `ip daddr != 127.0.0.0/8`), the DNAT rule has no `iifname != <bridge>`,
# and nat-postrouting-in__<bridge> holds `fib saddr type local masquerade comment "MASQUERADE FROM HOST"` and, per
# published port, `ip saddr C ip daddr C tcp dport P masquerade comment "MASQ TO OWN PORT"`. br_netfilter's
# bridge-nf-call-iptables=1 as on a Docker host.
PKP_TAG="dkhp"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-hairpin
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dkhp-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

BR2=br-5f1c2e9a7b3d
make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
make_bridge "$BR2" 172.19.0.1/16
for br in docker0 "$BR2"; do nsx "$NODE_NS" sysctl -qw "net.ipv4.conf.$br.route_localnet=1" >/dev/null; done
add_bridge_pod web 172.17.0.2/16 172.17.0.1 docker0 hairpin
add_bridge_pod cli 172.17.0.3/16 172.17.0.1 docker0 hairpin
add_bridge_pod app 172.19.0.2/16 172.19.0.1 "$BR2" hairpin
# The bridges' own IGMP reports (sent when their ports come up, from 172.17.0.1 and 172.19.0.1: MASQUERADE FROM HOST
# would count them) are over before Docker's table is loaded, so its counters count the capture's packets only.
sleep 3

# userland-proxy off: nat-OUTPUT without the loopback skip, the DNAT rule without `iifname != "docker0"`, each
# network's nat-postrouting-in__ masquerading the host's own connections and a container's to its own published port.
FROM_HOST='fib saddr type local counter packets 0 bytes 0 masquerade comment "MASQUERADE FROM HOST"'
{
  docker_nft_table ip off "docker0 $BR2" \
    'tcp dport 8080 counter packets 0 bytes 0 dnat to 172.17.0.2:80 comment "DNAT"' \
    "$(docker_nft_direct ip 172.17.0.2 docker0; docker_nft_direct ip 172.17.0.3 docker0
       docker_nft_direct ip 172.19.0.2 "$BR2")"
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' 'ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 accept' \
    "$FROM_HOST
ip saddr 172.17.0.2 ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 masquerade comment \"MASQ TO OWN PORT\""
  docker_nft_bridge "$BR2" 'ip saddr 172.19.0.0/16' '' "$FROM_HOST"
  echo '}'
  docker_nft_table ip6 off '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"

b_serve web tcp 80 50
b_serve up tcp 9000 50

snapshot_state before
nsx "$NODE_NS" nft list table ip docker-bridges | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published port from outside
b_probe web tcp "$NODE_IP" 8080 - 42001 3; sleep 0.3        # web to its own published port on the host address: hairpin
b_probe web tcp 172.17.0.1 8080 - 42002 3; sleep 0.3        # web to its own published port on the bridge's gateway address
b_probe cli tcp "$NODE_IP" 8080 - 42003 3; sleep 0.3        # another container of docker0: ICC, source kept
b_probe app tcp "$NODE_IP" 8080 - 42004 3; sleep 0.3        # a container of the other network: masqueraded by its network
b_probe node tcp "$NODE_IP" 8080 - 42005 3; sleep 0.3       # the host to its address: MASQUERADE FROM HOST
b_probe node tcp 127.0.0.1 8080 - 42006 3; sleep 0.3        # the host to localhost: DNAT (no proxy), route_localnet, masq
b_probe web tcp "$UPLINK_IP" 9000 - 42007 3; sleep 0.3      # web's egress: MASQUERADE
b_probe up tcp 172.17.0.2 80 - 42008 2; sleep 0.3           # the uplink straight at web's address: DROP DIRECT ACCESS
b_probe app tcp 172.17.0.3 80 - 42009 2; sleep 0.3          # app to cli across networks: DROP DIRECT ACCESS
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "tcp $NODE_IP:8080 from $UPLINK_IP:4100[12] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 2 ] \
  || b_fail "published port: not every connection answered by web with the client's own address"
ck "web hairpin via the host address" "\[web\] tcp $NODE_IP:8080 from 172.17.0.2:42001 result=connected reply='web port 80 saw 172.17.0.1:"
ck "web hairpin via the gateway" "\[web\] tcp 172.17.0.1:8080 from 172.17.0.2:42002 result=connected reply='web port 80 saw 172.17.0.1:"
ck "cli's source kept" "\[cli\] tcp $NODE_IP:8080 from 172.17.0.3:42003 result=connected reply='web port 80 saw 172.17.0.3:42003"
ck "app masqueraded" "\[app\] tcp $NODE_IP:8080 from 172.19.0.2:42004 result=connected reply='web port 80 saw 172.17.0.1:"
ck "the host masqueraded" "\[node\] tcp $NODE_IP:8080 from $NODE_IP:42005 result=connected reply='web port 80 saw 172.17.0.1:"
ck "localhost DNATed and masqueraded" "\[node\] tcp 127.0.0.1:8080 from 127.0.0.1:42006 result=connected reply='web port 80 saw 172.17.0.1:"
ck "web's egress masqueraded" "tcp $UPLINK_IP:9000 from 172.17.0.2:42007 result=connected reply='up port 9000 saw $NODE_IP:"
[ "$(grep -c 'result=timeout' "$P")" = 2 ] || b_fail "the two direct-access probes did not both time out"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
n_dnat=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule tcp dport 8080 .*dnat to 172.17.0.2:80 .*\(verdict accept\)')
n_own=$(tr_n 'ip docker-bridges nat-postrouting-in__docker0 rule .*MASQ TO OWN PORT.*\(verdict accept\)')
n_host=$(tr_n 'ip docker-bridges nat-postrouting-in__docker0 rule fib saddr type local .*MASQUERADE FROM HOST.*\(verdict accept\)')
n_masq=$(tr_n 'ip docker-bridges nat-postrouting-out__\S+ rule oifname != .* masquerade comment "MASQUERADE" \(verdict accept\)')
n_icc=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule iifname "docker0" .*comment "ICC" \(verdict accept\)')
n_pub=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule ip daddr 172.17.0.2 tcp dport 80 .*\(verdict accept\)')
n_out=$(tr_n 'ip docker-bridges nat-OUTPUT rule fib daddr type local .*jump nat-prerouting-and-output')
n_raw=$(tr_n 'ip docker-bridges raw-PREROUTING rule .*DROP DIRECT ACCESS.*\(verdict drop\)')
[ "$n_dnat" = 8 ] || b_fail "DNAT rule traced $n_dnat times (2 uplink, 2 web, cli, app, the node's 2)"
[ "$n_own" = 2 ] || b_fail "MASQ TO OWN PORT traced $n_own times"
[ "$n_host" = 2 ] || b_fail "MASQUERADE FROM HOST traced $n_host times"
[ "$n_masq" = 2 ] || b_fail "MASQUERADE traced $n_masq times (app's hairpin, web's egress)"
[ "$n_icc" = 3 ] || b_fail "ICC traced $n_icc times (web twice, cli)"
[ "$n_pub" = 3 ] || b_fail "published-port accept traced $n_pub times (2 uplink, app)"
[ "$n_out" = 2 ] || b_fail "nat-OUTPUT jump traced $n_out times"
[ "$n_raw" -ge 2 ] || b_fail "DROP DIRECT ACCESS traced $n_raw times"
[ "$(nft_count 'dnat to 172.17.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
[ "$(nft_count 'MASQ TO OWN PORT')" = "$n_own" ] || b_fail "MASQ TO OWN PORT counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
ctk() { grep -qE -- "$2" "$CT" || b_fail "conntrack: $1"; }
ctk "web's hairpin" "src=172.17.0.2 dst=$NODE_IP sport=42001 dport=8080 src=172.17.0.2 dst=172.17.0.1 sport=80 "
ctk "web's hairpin via the gateway" "src=172.17.0.2 dst=172.17.0.1 sport=42002 dport=8080 src=172.17.0.2 dst=172.17.0.1 sport=80 "
ctk "cli's DNAT" "src=172.17.0.3 dst=$NODE_IP sport=42003 dport=8080 src=172.17.0.2 dst=172.17.0.3 sport=80 dport=42003 "
ctk "localhost" "src=127.0.0.1 dst=127.0.0.1 sport=42006 dport=8080 src=172.17.0.2 dst=172.17.0.1 sport=80 "
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CLI_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
AIF=$(grep '^POD_APP_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
# In when docker0 took web's port's MAC (a bridge takes its ports' lowest), P (to another host) when it took cli's
f_hp_in=$(b_expect_frames "web's hairpin SYNs in" "$WIF +(In|P) +IP 172\.17\.0\.2\.4200[12] > ($NODE_IP|172\.17\.0\.1)\.8080: Flags \[S\]" 2)
f_hp_out=$(b_expect_frames "web's hairpin SYNs back out on its own port" "$WIF +Out +IP 172\.17\.0\.1\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 4)
f_cli=$(b_expect_frames "cli's SYN to web, source kept" "$WIF +Out +IP 172\.17\.0\.3\.42003 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
f_lo=$(b_expect_frames "the node's localhost SYN leaves on web's port" "$WIF +Out +IP 172\.17\.0\.1\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 4)
f_direct=$(b_expect_frames "the uplink's SYN at web's address" "eth0 +In +IP $UPLINK_IP\.42008 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
b_expect_none "the uplink's SYN reaching web" "$WIF +Out +IP $UPLINK_IP\.42008 > "
b_expect_none "app's SYN reaching cli" "$CIF +Out +IP 172\.19\.0\.2\.42009 > "
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put USERLAND_PROXY false
env_put PUBLISHED_TCP "0.0.0.0:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2; env_put CONTAINER_CLI_IP 172.17.0.3; env_put CONTAINER_APP_IP 172.19.0.2
env_put DOCKER_NETWORK2_BRIDGE "$BR2"
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_MASQ_TO_OWN_PORT "$n_own"; env_put NFT_TRACE_MASQ_FROM_HOST "$n_host"
env_put NFT_TRACE_MASQUERADE "$n_masq"; env_put NFT_TRACE_ICC "$n_icc"; env_put NFT_TRACE_PUBLISHED_ACCEPT "$n_pub"
env_put NFT_TRACE_DIRECT_ACCESS "$n_raw"

{
  echo "# docker-nftables-hairpin: Docker 29's nftables backend with the userland proxy off (hairpin NAT in the kernel)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP). \`docker0\` 172.17.0.1/16 holds \`web\` 172.17.0.2 (port \`$WIF\`, TCP server :80, \`-p 8080:80\`) and"
  echo "\`cli\` 172.17.0.3 (port \`$CIF\`); \`$BR2\` 172.19.0.1/16 holds \`app\` 172.19.0.2 (port \`$AIF\`). As moby's bridge"
  echo "driver sets them with \`--userland-proxy=false\`: hairpin mode on every container port (ip-d-link.txt), route_localnet=1"
  echo "on both bridges (sysctl.txt). A TCP server on the uplink at :9000."
  echo
  echo "Rules: \`table ip docker-bridges\` (nft-input.txt) in the shape of moby's nftabler with Hairpin=true, as its TestNftabler"
  echo "golden file for hairpin=true, icc=true, masq=true, gwm=nat lists it: nat-OUTPUT's \`fib daddr type local counter jump"
  echo "nat-prerouting-and-output\` without the \`ip daddr != 127.0.0.0/8\` of the proxy's setup (nft 1.0.6 refuses \`priority"
  echo "dstnat\` on the output hook, so -100); the DNAT rule \`tcp dport 8080 counter dnat to 172.17.0.2:80\` without \`iifname !="
  echo "\"docker0\"\`; nat-postrouting-in__<bridge>'s \`fib saddr type local counter masquerade comment \"MASQUERADE FROM HOST\"\` and,"
  echo "for the published port, \`ip saddr 172.17.0.2 ip daddr 172.17.0.2 tcp dport 80 counter masquerade comment \"MASQ TO OWN"
  echo "PORT\"\`. The ip6 table's maps are empty. iptables holds only raw's TRACE rules; nft-trace.txt (\`nft monitor trace\`) holds"
  echo "every packet; nft-ruleset.txt and nft-ruleset.json (after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 from 41001, 41002. 2. web :42001 → $NODE_IP:8080 and web :42002 → 172.17.0.1:8080 (its own"
  echo "published port). 3. cli :42003 → $NODE_IP:8080. 4. app :42004 → $NODE_IP:8080. 5. the node :42005 → $NODE_IP:8080; 6. the"
  echo "node :42006 → 127.0.0.1:8080. 7. web :42007 → $UPLINK_IP:9000. 8. uplink :42008 → 172.17.0.2:80; 9. app :42009 →"
  echo "172.17.0.3:80 (2 s timeouts)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The DNAT rule mapped $n_dnat connections: every SYN to a local address and port 8080, whatever its input device"
  echo "  (nat-PREROUTING for the uplink and the containers, nat-OUTPUT for the node's two)."
  echo "- web's SYNs to its own published port (frames $f_hp_in) came in on $WIF and, DNATed back to 172.17.0.2 on the same bridge,"
  echo "  were bridged (br_netfilter's bridged DNAT) back out of the port they came from (hairpin mode): filter-FORWARD's \`oifname"
  echo "  vmap\` reached filter-forward-in__docker0, where \`iifname \"docker0\" accept comment \"ICC\"\` took them; in nat-POSTROUTING"
  echo "  the \`iifname vmap\` found no input device (a bridged packet's POSTROUTING hook has none) and the \`oifname vmap\` reached"
  echo "  nat-postrouting-in__docker0, whose MASQ TO OWN PORT rule masqueraded them to 172.17.0.1 ($n_own; web saw 172.17.0.1)."
  echo "- cli's connection (frame $f_cli) was accepted by ICC too and kept its source (no rule of nat-postrouting-in__docker0"
  echo "  matched); app's was routed from $BR2, accepted by the published-port rule and masqueraded by nat-postrouting-out__$BR2's"
  echo "  MASQUERADE (oifname docker0 != $BR2), web seeing 172.17.0.1."
  echo "- The node's connections to $NODE_IP:8080 and to 127.0.0.1:8080 went through nat-OUTPUT's jump and the DNAT rule, left"
  echo "  on docker0 (127.0.0.1 as a source allowed by route_localnet) and were masqueraded by MASQUERADE FROM HOST (\`fib saddr"
  echo "  type local\`: $n_host), web seeing 172.17.0.1."
  echo "- web's egress: OUTGOING, then MASQUERADE ($n_masq MASQUERADE hits with app's). The uplink at 172.17.0.2 (frame $f_direct)"
  echo "  and app at cli's address were dropped by raw's DROP DIRECT ACCESS ($n_raw)."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
