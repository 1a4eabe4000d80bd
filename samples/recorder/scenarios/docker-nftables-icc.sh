#!/usr/bin/env bash
# docker-nftables-icc: a Docker Engine 29 host with `--firewall-backend=nftables` and `--icc=false` (userland proxy on):
# the default bridge network (docker0 172.17.0.1/16) holds container web 172.17.0.2 publishing 8080->80/tcp and
# container cli 172.17.0.3. `table ip docker-bridges` is written in the shape of moby's
# daemon/libnetwork/drivers/bridge/internal/nftabler for ICC off (its TestNftabler golden file
# "hairpin=false,internal=false,icc=false,masq=true,snat=false,gwm=nat,bindlh=false"): filter-forward-in__docker0's
# `iifname "docker0" counter drop comment "ICC"`, before the published port's accept, so two containers of the network
# cannot talk while the published port stays reachable from outside. With the proxy on, the DNAT rule carries `iifname
# != "docker0"`, so a container's connection to the host's published port goes to docker-proxy on the host: a TCP
# server on the node's :8080 stands in for it. br_netfilter's bridge-nf-call-iptables=1 as on a Docker host (the ICC
# drop needs it: a frame bridged between two containers reaches FORWARD only through br_netfilter).
PKP_TAG="dlic"
source "$(dirname "$0")/../lib.sh"
pkp_init docker-nftables-icc
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-dlic-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

make_node_ns; make_uplink_ns
nsx "$NODE_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 >/dev/null 2>&1 || log "br_netfilter absent"
make_bridge docker0 172.17.0.1/16
add_bridge_pod web 172.17.0.2/16 172.17.0.1 docker0
add_bridge_pod cli 172.17.0.3/16 172.17.0.1 docker0
sleep 3

{
  docker_nft_table ip on docker0 \
    'iifname != "docker0" tcp dport 8080 counter packets 0 bytes 0 dnat to 172.17.0.2:80 comment "DNAT"' \
    "$(docker_nft_direct ip 172.17.0.2 docker0; docker_nft_direct ip 172.17.0.3 docker0)"
  # --icc=false: the ICC rule drops, before the published port's accept
  docker_nft_bridge docker0 'ip saddr 172.17.0.0/16' 'ip daddr 172.17.0.2 tcp dport 80 counter packets 0 bytes 0 accept' \
    '' drop
  echo '}'
  docker_nft_table ip6 on '' '' ''
  echo '}'
} > "$WORK/docker.nft"
docker_nft_load "$WORK/docker.nft"


b_serve web tcp 80 40
b_serve cli tcp 80 40
b_serve node tcp 8080 40                                    # docker-proxy's stand-in on the host's published port
b_serve up tcp 9000 40

snapshot_state before
nsx "$NODE_NS" nft list table ip docker-bridges | grep -E 'counter packets [1-9]' \
  && b_fail "Docker's counters moved before the capture (verify takes them as counted from zero)"
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - $((41000 + i)) 3; sleep 0.3; done   # published port from outside
b_probe cli tcp 172.17.0.2 80 - 42001 2; sleep 0.3          # cli -> web on the bridge: ICC drop
b_probe web tcp 172.17.0.3 80 - 42002 2; sleep 0.3          # web -> cli on the bridge: ICC drop
b_probe cli tcp "$NODE_IP" 8080 - 42003 3; sleep 0.3        # cli to the host's published port: no DNAT, docker-proxy's
b_probe web tcp "$UPLINK_IP" 9000 - 42004 3; sleep 0.3      # web's egress: OUTGOING, MASQUERADE
b_probe cli tcp "$UPLINK_IP" 9000 - 42005 3; sleep 0.3      # cli's egress
docker_nft_after

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
[ "$(grep -c "\[up\] tcp $NODE_IP:8080 from $UPLINK_IP:4100[12] result=connected reply='web port 80 saw $UPLINK_IP:" "$P")" = 2 ] \
  || b_fail "published port: not every connection answered by web with the client's own address"
ck "cli to web unanswered" "\[cli\] tcp 172.17.0.2:80 result=timeout"
ck "web to cli unanswered" "\[web\] tcp 172.17.0.3:80 result=timeout"
ck "cli to the host's port answered by the host" "\[cli\] tcp $NODE_IP:8080 from 172.17.0.3:42003 result=connected reply='node port 8080 saw 172.17.0.3:42003"
ck "web's egress masqueraded" "\[web\] tcp $UPLINK_IP:9000 from 172.17.0.2:42004 result=connected reply='up port 9000 saw $NODE_IP:"
ck "cli's egress masqueraded" "\[cli\] tcp $UPLINK_IP:9000 from 172.17.0.3:42005 result=connected reply='up port 9000 saw $NODE_IP:"
grep -q 'table ip docker-bridges' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks docker-bridges"
n_dnat=$(tr_n 'ip docker-bridges nat-prerouting-and-output rule iifname != "docker0" tcp dport 8080 .*dnat to 172.17.0.2:80 .*\(verdict accept\)')
n_icc=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule iifname "docker0" .*comment "ICC" \(verdict drop\)')
n_pub=$(tr_n 'ip docker-bridges filter-forward-in__docker0 rule ip daddr 172.17.0.2 tcp dport 80 .*\(verdict accept\)')
n_masq=$(tr_n 'ip docker-bridges nat-postrouting-out__docker0 rule oifname != .* masquerade comment "MASQUERADE" \(verdict accept\)')
n_outg=$(tr_n 'ip docker-bridges filter-forward-out__docker0 rule .*comment "OUTGOING" \(verdict accept\)')
[ "$n_dnat" = 2 ] || b_fail "DNAT rule traced $n_dnat times (the uplink's two)"
[ "$n_pub" = 2 ] || b_fail "published-port accept traced $n_pub times"
[ "$n_icc" -ge 4 ] || b_fail "ICC drop traced $n_icc times (two SYNs and their retransmissions)"
[ "$n_masq" = 2 ] || b_fail "MASQUERADE traced $n_masq times (web's and cli's egress)"
[ "$n_outg" = 2 ] || b_fail "OUTGOING traced $n_outg times"
[ "$(nft_count 'dnat to 172.17.0.2:80')" = "$n_dnat" ] || b_fail "DNAT counter vs trace"
[ "$(nft_count 'comment "ICC"')" = "$n_icc" ] || b_fail "ICC counter vs trace"
CT="$BUNDLE/conntrack-L.txt"
ctk() { grep -qE -- "$2" "$CT" || b_fail "conntrack: $1"; }
ctk "the uplink's DNAT" "src=$UPLINK_IP dst=$NODE_IP sport=41001 dport=8080 src=172.17.0.2 dst=$UPLINK_IP sport=80 dport=41001 "
ctk "cli at the host's port, not DNATed" "src=172.17.0.3 dst=$NODE_IP sport=42003 dport=8080 src=$NODE_IP dst=172.17.0.3 sport=8080 dport=42003 "
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CLI_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
f_icc=$(b_expect_frames "cli's SYNs to web on cli's port (to another host's MAC: P)" "$CIF +P +IP 172\.17\.0\.3\.42001 > 172\.17\.0\.2\.80: Flags \[S\]" 2)
b_expect_none "cli's SYN reaching web's port" "$WIF +Out +IP 172\.17\.0\.3\.42001 > "
b_expect_none "web's SYN reaching cli's port" "$CIF +Out +IP 172\.17\.0\.2\.42002 > "
f_pub=$(b_expect_frames "the uplink's SYNs on web's port" "$WIF +Out +IP $UPLINK_IP\.4100[12] > 172\.17\.0\.2\.80: Flags \[S\]" 2)
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put USERLAND_PROXY true
env_put ICC false
env_put PUBLISHED_TCP "0.0.0.0:8080/tcp->172.17.0.2:80"
env_put CONTAINER_WEB_IP 172.17.0.2; env_put CONTAINER_CLI_IP 172.17.0.3
env_put NFT_TRACE_DNAT "$n_dnat"; env_put NFT_TRACE_ICC_DROP "$n_icc"; env_put NFT_TRACE_PUBLISHED_ACCEPT "$n_pub"
env_put NFT_TRACE_MASQUERADE "$n_masq"; env_put NFT_TRACE_OUTGOING "$n_outg"

{
  echo "# docker-nftables-icc: Docker 29's nftables backend with --icc=false"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP). \`docker0\` 172.17.0.1/16 holds \`web\` 172.17.0.2 (port \`$WIF\`, TCP server :80, \`-p 8080:80\`) and"
  echo "\`cli\` 172.17.0.3 (port \`$CIF\`, TCP server :80). The userland proxy is on: a TCP server on the node's :8080 stands in"
  echo "for docker-proxy. A TCP server on the uplink at :9000."
  echo
  echo "Rules: \`table ip docker-bridges\` (nft-input.txt) in the shape of moby's nftabler with ICC off, as its TestNftabler"
  echo "golden file for hairpin=false, icc=false, masq=true, gwm=nat lists it: filter-forward-in__docker0's \`iifname \"docker0\""
  echo "counter drop comment \"ICC\"\` before the published port's \`ip daddr 172.17.0.2 tcp dport 80 accept\` (nft 1.0.6 refuses"
  echo "\`priority dstnat\` on the output hook, so -100). iptables holds only raw's TRACE rules; nft-trace.txt holds every packet;"
  echo "nft-ruleset.txt and nft-ruleset.json (after the traffic) hold Docker's counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink → $NODE_IP:8080 from 41001, 41002. 2. cli :42001 → 172.17.0.2:80; web :42002 → 172.17.0.3:80 (2 s timeouts)."
  echo "3. cli :42003 → $NODE_IP:8080. 4. web :42004 and cli :42005 → $UPLINK_IP:9000."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's connections were DNATed ($n_dnat) and accepted by the published port's rule ($n_pub; frames $f_pub)."
  echo "- cli's and web's SYNs to each other (cli's: frames $f_icc), bridged on docker0, reached FORWARD through br_netfilter"
  echo "  with docker0 as both devices and were dropped by ICC ($n_icc, the SYNs and their retransmissions)."
  echo "- cli's connection to $NODE_IP:8080 skipped the DNAT (\`iifname != \"docker0\"\`) and was answered by the host (docker-proxy's"
  echo "  place)."
  echo "- web's and cli's egress: OUTGOING ($n_outg), MASQUERADE ($n_masq): ICC off does not touch traffic leaving the network."
  b_readme_tail 'DROP|REJECT|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
