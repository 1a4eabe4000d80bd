#!/usr/bin/env bash
# cni-hostport-nft: cni-hostport's topology and traffic with containernetworking/plugins' nftables backends: the portmap
# plugin's `table ip cni_hostport` (plugins/meta/portmap/portmap_nftables.go: prerouting and output, type nat priority
# -100, `fib daddr type local jump hostports_all`; hostports_all jumps to hostip_hostports and hostports; hostports holds
# `tcp dport 8080 dnat to <pod>:80 comment "<container id>"`; masquerading, type nat hook postrouting priority 100, holds
# the hairpin `ip saddr <pod> ip daddr <pod> masquerade` and the localhost `ip saddr 127.0.0.1 ip daddr <pod>
# masquerade`; no mark) and the bridge plugin's ipMasq `table inet cni_plugins_masquerade` (pkg/ip/ipmasq_nftables_linux.go:
# postrouting, type nat priority 100: multicast `return`s, then `goto masq_checks`; masq_checks holds per container
# `ip saddr == <pod> ip daddr != <pod subnet> masquerade comment "<hash>, net: ..., if: ..., id: ..."`). Each rule carries a
# `counter` (the plugins write none) so that nft-ruleset.txt holds the kernel's counts. route_localnet=1 on cni0 (the
# portmap plugin sets it with snat on, whatever the backend). iptables holds only raw's TRACE rules.
source "$(dirname "$0")/../lib.sh"
pkp_init cni-hostport-nft
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-cni-hostport-nft-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

NET=cbr0
WEB_ID=5f0c1a9e3b7d42c8a6e1f0b9d2c4e7a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1
CLI_ID=9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f
# commentForInstance: hex(sha512(network))[:16] + "-" + hex(sha512(ifname + ":" + container id))[:16] + ", net: <network>,
# if: <ifname>, id: <container id>", cut to knftables.CommentLengthMax (128).
masq_comment() {
  python3 -c 'import hashlib,sys; n,i,c=sys.argv[1:]; h=lambda s: hashlib.sha512(s.encode()).hexdigest()[:16]
print(("%s-%s, net: %s, if: %s, id: %s" % (h(n), h(i + ":" + c), n, i, c))[:128])' "$1" eth0 "$2"
}
MC_WEB=$(masq_comment "$NET" "$WEB_ID")
MC_CLI=$(masq_comment "$NET" "$CLI_ID")

make_node_ns; make_uplink_ns
make_bridge cni0 10.244.1.1/24
add_bridge_pod web 10.244.1.2/24 10.244.1.1 cni0 hairpin
add_bridge_pod cli 10.244.1.3/24 10.244.1.1 cni0 hairpin
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CLI_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.cni0.route_localnet=1 >/dev/null

# The bridge plugin's ipMasq transaction for one container (setupIPMasqNFTablesWithInterface): table, chains, postrouting
# flushed and refilled, the container's masq_checks rule.
ipmasq_tx() { # ipmasq_tx POD_ADDRESS SUBNET COMMENT
  cat <<T
add table inet cni_plugins_masquerade { comment "Masquerading for plugins from github.com/containernetworking/plugins" ; }
add chain inet cni_plugins_masquerade masq_checks { comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet" ; }
add chain inet cni_plugins_masquerade postrouting { type nat hook postrouting priority 100 ; }
flush chain inet cni_plugins_masquerade postrouting
add rule inet cni_plugins_masquerade postrouting ip daddr == 224.0.0.0/4 counter return
add rule inet cni_plugins_masquerade postrouting ip6 daddr == ff00::/8 counter return
add rule inet cni_plugins_masquerade postrouting counter goto masq_checks
add rule inet cni_plugins_masquerade masq_checks ip saddr == $1 ip daddr != $2 counter masquerade comment "$3"
T
}
# The portmap plugin's transaction for web (forwardPorts, snat on, no conditions, no hostIP, masqAll false).
{
  ipmasq_tx 10.244.1.2 10.244.1.0/24 "$MC_WEB"
  cat <<T
add table ip cni_hostport { comment "CNI portmap plugin" ; }
add chain ip cni_hostport hostports
add chain ip cni_hostport hostip_hostports
add chain ip cni_hostport hostports_all
flush chain ip cni_hostport hostports_all
add rule ip cni_hostport hostports_all counter jump hostip_hostports
add rule ip cni_hostport hostports_all counter jump hostports
add chain ip cni_hostport prerouting { type nat hook prerouting priority -100 ; }
flush chain ip cni_hostport prerouting
add rule ip cni_hostport prerouting fib daddr type local counter jump hostports_all
add chain ip cni_hostport output { type nat hook output priority -100 ; }
flush chain ip cni_hostport output
add rule ip cni_hostport output fib daddr type local counter jump hostports_all
add chain ip cni_hostport masquerading { type nat hook postrouting priority 100 ; }
add rule ip cni_hostport hostports tcp dport 8080 counter dnat to 10.244.1.2:80 comment "$WEB_ID"
add rule ip cni_hostport masquerading ip saddr 10.244.1.2 ip daddr 10.244.1.2 counter masquerade comment "$WEB_ID"
add rule ip cni_hostport masquerading ip saddr 127.0.0.1 ip daddr 10.244.1.2 counter masquerade comment "$WEB_ID"
T
  ipmasq_tx 10.244.1.3 10.244.1.0/24 "$MC_CLI"
} > "$WORK/cni.nft"
# iptables: only raw's TRACE rules (load_rules)
printf '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.raw"
cp "$WORK/rules.raw" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.raw"
b_serve web tcp 80 40
b_serve up tcp 9000 40

# cni0's IGMP reports are over before the plugins' tables are loaded (their counters start at zero, as the replay takes
# them) and before the capture starts
sleep 3
b_nft_load "$WORK/cni.nft"
snapshot_state before
start_capture; start_trace nft
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - 4600$i 3; sleep 0.3; done      # external client to the hostPort
for i in 1 2; do b_probe node tcp 127.0.0.1 8080 - 4601$i 3; sleep 0.3; done     # node to 127.0.0.1:hostPort
b_probe node tcp "$NODE_IP" 8080 - 46021 3; sleep 0.3                            # node to its own address:hostPort
for i in 1 2; do b_probe web tcp "$NODE_IP" 8080 - 4603$i 3; sleep 0.3; done     # the pod to its own hostPort (hairpin)
b_probe cli tcp "$NODE_IP" 8080 - 46041 3; sleep 0.3                             # second pod on the bridge to the hostPort
b_probe cli tcp 10.244.1.2 80 - 46051 3; sleep 0.3                               # pod to pod on the bridge
b_probe web tcp "$UPLINK_IP" 9000 - 46061 3; sleep 0.3                           # pod egress (bridge plugin's ipMasq)
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j -a list ruleset > "$BUNDLE/nft-ruleset.json"
b_keep_probes

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
saw() { # saw DESCRIPTION COUNT ERE: COUNT probe lines match
  local n; n=$(grep -cE -- "$3" "$P" || true); [ "$n" = "$2" ] || b_fail "$1: $n of $2 probe lines match $3"
}
saw "uplink to the hostPort, source kept" 2 "^\[up\] tcp $NODE_IP:8080 from $UPLINK_IP:4600[12] result=connected reply='web port 80 saw $UPLINK_IP:4600[12]'"
saw "node to 127.0.0.1:8080, masqueraded to cni0's address" 2 "^\[node\] tcp 127.0.0.1:8080 from 127.0.0.1:4601[12] result=connected reply='web port 80 saw 10.244.1.1:4601[12]'"
saw "node to its own address, source kept" 1 "^\[node\] tcp $NODE_IP:8080 from $NODE_IP:46021 result=connected reply='web port 80 saw $NODE_IP:46021'"
saw "web to its own hostPort, masqueraded" 2 "^\[web\] tcp $NODE_IP:8080 from 10.244.1.2:4603[12] result=connected reply='web port 80 saw 10.244.1.1:4603[12]'"
saw "cli to the hostPort, source kept" 1 "^\[cli\] tcp $NODE_IP:8080 from 10.244.1.3:46041 result=connected reply='web port 80 saw 10.244.1.3:46041'"
saw "cli to web on the bridge, not masqueraded" 1 "^\[cli\] tcp 10.244.1.2:80 from 10.244.1.3:46051 result=connected reply='web port 80 saw 10.244.1.3:46051'"
saw "web egress masqueraded" 1 "^\[web\] tcp $UPLINK_IP:9000 from 10.244.1.2:46061 result=connected reply='up port 9000 saw $NODE_IP:46061'"
nc() { # nc NAME TEXT EXPECTED: the counter of the nft-ruleset.txt rule holding TEXT, checked equal to EXPECTED
  local v; v=$(nft_count "$2"); [ "$v" = "$3" ] || b_fail "nft-ruleset.txt: $1 counted ${v:-nothing}, not $3"; echo "$v"
}
dnat=$(nc dnat 'tcp dport 8080 counter' 8)
pre=$(nc prerouting 'fib daddr type local counter' 5)
out=$(grep -A3 'chain output' "$BUNDLE/nft-ruleset.txt" | sed -n 's/.*fib daddr type local counter packets \([0-9]*\) .*/\1/p')
[ "$out" = 3 ] || b_fail "output counted ${out:-nothing}, not 3"
hp=$(nc hairpin 'ip saddr 10.244.1.2 ip daddr 10.244.1.2 counter' 2)
lo=$(nc localhost 'ip saddr 127.0.0.1 ip daddr 10.244.1.2 counter' 2)
goto=$(nc goto 'goto masq_checks' 6)
mq_web=$(nc "web's ipMasq" 'ip saddr 10.244.1.2 ip daddr != 10.244.1.0/24 counter' 1)
mq_cli=$(nc "cli's ipMasq" 'ip saddr 10.244.1.3 ip daddr != 10.244.1.0/24 counter' 0)
mcast=$(nc multicast 'ip daddr 224.0.0.0/4 counter' 0)
grep -q 'hostip_hostports' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks hostip_hostports"
grep -qE 'cni_hostport|cni_plugins' "$BUNDLE/iptables-save.txt" && b_fail "iptables-save shows the plugins' tables"
# the trace: the hairpin and localhost SYNs masqueraded by cni_hostport's chain, never reaching cni_plugins_masquerade's
t_hp=$(tr_n 'ip cni_hostport masquerading rule ip saddr 10\.244\.1\.2 ip daddr 10\.244\.1\.2 .*\(verdict accept\)')
t_lo=$(tr_n 'ip cni_hostport masquerading rule ip saddr 127\.0\.0\.1 ip daddr 10\.244\.1\.2 .*\(verdict accept\)')
[ "$t_hp" = 2 ] && [ "$t_lo" = 2 ] || b_fail "nft-trace.txt: hairpin $t_hp, localhost $t_lo masquerades (not 2 and 2)"
f_up=$(b_expect_frames "uplink SYNs DNATed to web, source kept" "$WIF +Out +IP $UPLINK_IP\.4600[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_lo=$(b_expect_frames "node's 127.0.0.1 SYNs leaving to web from cni0's address" "$WIF +Out +IP 10\.244\.1\.1\.4601[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_own=$(b_expect_frames "node's own-address SYN to web" "$WIF +Out +IP $NODE_IP\.46021 > 10\.244\.1\.2\.80: Flags \[S\]" 1)
f_hpin=$(b_expect_frames "web's SYNs to its hostPort in on its port" "$WIF +(In|P) +IP 10\.244\.1\.2\.4603[12] > $NODE_IP\.8080: Flags \[S\]" 2)
f_hpout=$(b_expect_frames "web's SYNs back out of its own port, masqueraded" "$WIF +Out +IP 10\.244\.1\.1\.4603[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_cliin=$(b_expect_frames "cli's SYN to the hostPort in on its port" "$CIF +(In|P) +IP 10\.244\.1\.3\.46041 > $NODE_IP\.8080: Flags \[S\]" 1)
f_cliout=$(b_expect_frames "cli's SYN out to web, source kept" "$WIF +Out +IP 10\.244\.1\.3\.46041 > 10\.244\.1\.2\.80: Flags \[S\]" 1)
f_cliback=$(b_expect_frames "web's SYN-ACK back to cli from the hostPort" "$CIF +Out +IP $NODE_IP\.8080 > 10\.244\.1\.3\.46041: Flags \[S\.\]" 1)
f_egress=$(b_expect_frames "web's egress masqueraded" "eth0 +Out +IP $NODE_IP\.46061 > $UPLINK_IP\.9000: Flags \[S\]" 1)
grep -qE "src=127.0.0.1 dst=127.0.0.1 sport=46011 dport=8080 src=10.244.1.2 dst=10.244.1.1 sport=80 dport=46011 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: the node's 127.0.0.1 connection not DNATed and masqueraded"
grep -qE "src=10.244.1.2 dst=$NODE_IP sport=46031 dport=8080 src=10.244.1.2 dst=10.244.1.1 sport=80 dport=46031 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: web's hairpin connection not DNATed and masqueraded"
grep -qE "src=10.244.1.3 dst=$NODE_IP sport=46041 dport=8080 src=10.244.1.2 dst=10.244.1.3 sport=80 dport=46041 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: cli's connection not DNATed with its source kept"
grep -q '^net.ipv4.conf.cni0.route_localnet = 1$' "$BUNDLE/sysctl.txt" || b_fail "sysctl.txt: cni0 route_localnet not 1"
for hif in "$WIF" "$CIF"; do
  grep -A3 "^[0-9]*: $hif@" "$BUNDLE/ip-d-link.txt" | grep -q 'hairpin on' || b_fail "ip-d-link.txt: $hif not hairpin on"
done
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
[ "$bnf" = 1 ] || b_fail "bridge-nf-call-iptables=$bnf"
env_put HOSTPORT "$NODE_IP:8080/tcp->10.244.1.2:80"
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put EXPECT_DNAT_COUNT "$dnat"; env_put EXPECT_HAIRPIN_MASQ_COUNT "$hp"; env_put EXPECT_LOCALHOST_MASQ_COUNT "$lo"

{
  echo "# cni-hostport-nft: a pod's hostPort published by the CNI portmap plugin's nftables backend (br_netfilter, hairpin mode)"
  echo
  b_readme_topology
  echo "cni-hostport's topology and traffic (client ports 46xxx instead of 45xxx). Node \`$NODE_NS\` (ip_forward=1,"
  echo "net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side $UPLINK_IP) and the CNI bridge"
  echo "plugin's \`cni0\` 10.244.1.1/24 (isGateway, hairpinMode true: both ports \`hairpin on\` in ip-d-link.txt;"
  echo "\`net.ipv4.conf.cni0.route_localnet=1\`, which the portmap plugin sets with snat on whatever its backend). Pod \`web\`"
  echo "10.244.1.2/24 (port \`$WIF\`, server on :80, \`hostPort: 8080\`) and pod \`cli\` 10.244.1.3/24 (port \`$CIF\`)."
  echo
  echo "## Rules (nft-input.txt; rules-input.txt holds only iptables' raw table for the TRACE rules)"
  echo
  echo "The transactions containernetworking/plugins' nftables backends run (knftables \`nft -f\` input, numeric priorities"
  echo "as knftables writes them) for web's ADD (bridge with ipMasq, then portmap with snat on, no conditions, no hostIP,"
  echo "masqAll false) and cli's ADD (bridge), network \`$NET\`, container interface eth0. The one change: every rule"
  echo "carries a \`counter\` (the plugins write none) so that nft-ruleset.txt holds the kernel's counts."
  echo
  echo "- \`table ip cni_hostport\` (portmap_nftables.go): \`prerouting\` (nat, prerouting, -100) and \`output\` (nat, output,"
  echo "  -100): \`fib daddr type local jump hostports_all\`; \`hostports_all\`: \`jump hostip_hostports\` (kept empty for"
  echo "  upgrades), \`jump hostports\`; \`hostports\`: \`tcp dport 8080 dnat to 10.244.1.2:80 comment \"<web's id>\"\`;"
  echo "  \`masquerading\` (nat, postrouting, 100): \`ip saddr 10.244.1.2 ip daddr 10.244.1.2 masquerade\` (hairpin: the pod's"
  echo "  own address only, not its subnet as the iptables backend's \`-s 10.244.1.2/24\`) and \`ip saddr 127.0.0.1 ip daddr"
  echo "  10.244.1.2 masquerade\` (localhost). No mark: the iptables backend's CNI-HOSTPORT-SETMARK / 0x2000 has no counterpart."
  echo "- \`table inet cni_plugins_masquerade\` (pkg/ip/ipmasq_nftables_linux.go): \`postrouting\` (nat, postrouting, 100):"
  echo "  \`ip daddr == 224.0.0.0/4 return\`, \`ip6 daddr == ff00::/8 return\`, \`goto masq_checks\`; \`masq_checks\`: per"
  echo "  container \`ip saddr == <pod> ip daddr != 10.244.1.0/24 masquerade comment \"<hash>, net: $NET, if: eth0, id: <id>\"\`."
  echo "- Both postrouting chains are nat chains at 100; the kernel ran cni_hostport's \`masquerading\` (created later) first."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink :46001 and :46002 → $NODE_IP:8080. 2. the node: 127.0.0.1:46011 and :46012 → 127.0.0.1:8080. 3. the node:"
  echo "$NODE_IP:46021 → $NODE_IP:8080. 4. web :46031 and :46032 → $NODE_IP:8080 (its own hostPort). 5. cli :46041 →"
  echo "$NODE_IP:8080. 6. cli :46051 → 10.244.1.2:80 (pod to pod). 7. web :46061 → $UPLINK_IP:9000 (egress). 300 ms apart."
  echo
  echo "## What the kernel did (nft-ruleset.txt counters, nft-trace.txt, conntrack-L.txt, the capture)"
  echo
  echo "- \`hostports\`' DNAT counted $dnat connections (2 uplink, 2 + 1 node, 2 web, 1 cli), entered $pre times from"
  echo "  prerouting and $out from output."
  echo "- The uplink's SYNs were DNATed and left on $WIF with the client's source (frames $f_up)."
  echo "- The node's connections to 127.0.0.1:8080 were DNATed in output, rerouted out cni0 (route_localnet) and"
  echo "  masqueraded by the localhost rule ($lo) to cni0's address (frames $f_lo; web saw 10.244.1.1)."
  echo "- The node's connection to $NODE_IP:8080 was DNATed and kept its source (frame $f_own)."
  echo "- web's SYNs to its own hostPort (frames $f_hpin) were DNATed by br_netfilter's prerouting, bridged back out of its"
  echo "  own port (hairpin on) and masqueraded by the hairpin rule ($hp) to 10.244.1.1 (frames $f_hpout)."
  echo "- cli's SYN to the hostPort (frame $f_cliin) was DNATed and bridged to $WIF with its own source (frame $f_cliout;"
  echo "  web saw 10.244.1.3: unlike the iptables backend, whose hairpin rule marks the whole pod subnet, the nftables"
  echo "  backend masquerades only the pod's own address). web answered cli directly over the bridge; conntrack un-DNATed"
  echo "  the answer to $NODE_IP:8080 (frame $f_cliback)."
  echo "- cni_plugins_masquerade's \`goto masq_checks\` counted $goto: the connections without a binding yet when it ran"
  echo "  (the 4 masqueraded by cni_hostport's chain, which ran first, never reached it); web's egress was masqueraded by"
  echo "  web's masq_checks rule ($mq_web; frame $f_egress); cli's rule counted $mq_cli (its traffic stayed on 10.244.1.0/24);"
  echo "  the multicast return $mcast."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
