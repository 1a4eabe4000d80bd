#!/usr/bin/env bash
# cni-hostport: a Kubernetes pod's hostPort published by the CNI portmap plugin (containernetworking/plugins,
# plugins/meta/portmap, iptables backend, snat on, markMasqBit 13) chained after the bridge plugin (bridge cni0,
# isGateway, ipMasq, hairpinMode true), in the exact chain shapes both plugins write: nat PREROUTING and OUTPUT
# `-m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT`, a multiport jump per container to CNI-DN-<sha512 of network
# name + container id>, which marks the pod's own subnet (the hairpin rule's `-s <pod address>/<prefix>`) and
# 127.0.0.1 for masquerade in CNI-HOSTPORT-SETMARK (0x2000/0x2000) before its DNAT; POSTROUTING's first rule (the
# plugin prepends it) jumps to CNI-HOSTPORT-MASQ, which masquerades that mark; after it the bridge plugin's
# per-container CNI-<hash> chains (ACCEPT the pod subnet, MASQUERADE all but multicast). route_localnet=1 on cni0
# (the plugin sets it on the interface routing the pod). Clients: the uplink, the node (127.0.0.1 and its own
# address), the pod itself (hairpin through its own bridge port) and a second pod on the bridge.
source "$(dirname "$0")/../lib.sh"
pkp_init cni-hostport
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-cni-hostport-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

NET=cbr0
WEB_ID=5f0c1a9e3b7d42c8a6e1f0b9d2c4e7a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1
CLI_ID=9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f
# utils.MustFormatChainNameWithPrefix: "CNI-" + prefix + hex(sha512(network name + container id)), cut to 28 chars.
cni_chain() { python3 -c 'import hashlib,sys; print(("CNI-" + sys.argv[1] + hashlib.sha512(sys.argv[2].encode()).hexdigest())[:28])' "$1" "$2"; }
DN_WEB=$(cni_chain DN- "$NET$WEB_ID")
MASQ_WEB=$(cni_chain "" "$NET$WEB_ID")
MASQ_CLI=$(cni_chain "" "$NET$CLI_ID")

make_node_ns; make_uplink_ns
make_bridge cni0 10.244.1.1/24
add_bridge_pod web 10.244.1.2/24 10.244.1.1 cni0 hairpin
add_bridge_pod cli 10.244.1.3/24 10.244.1.1 cni0 hairpin
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CLI_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.cni0.route_localnet=1 >/dev/null

# Rules in the order the plugins leave them after web's ADD (bridge, then portmap) and cli's ADD (bridge):
# the bridge plugin appends its POSTROUTING jump, portmap prepends CNI-HOSTPORT-MASQ's and appends its DNAT jumps.
cat > "$WORK/rules.v4" <<R
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:$MASQ_WEB - [0:0]
:$MASQ_CLI - [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
:CNI-HOSTPORT-MASQ - [0:0]
:CNI-HOSTPORT-DNAT - [0:0]
:$DN_WEB - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A POSTROUTING -s 10.244.1.2 -j $MASQ_WEB -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A POSTROUTING -s 10.244.1.3 -j $MASQ_CLI -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A $MASQ_WEB -d 10.244.1.2/24 -j ACCEPT -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A $MASQ_WEB ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A $MASQ_CLI -d 10.244.1.3/24 -j ACCEPT -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A $MASQ_CLI ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A $DN_WEB -p tcp --dport 8080 -s 10.244.1.2/24 -j CNI-HOSTPORT-SETMARK
-A $DN_WEB -p tcp --dport 8080 -s 127.0.0.1 -j CNI-HOSTPORT-SETMARK
-A $DN_WEB -p tcp --dport 8080 -j DNAT --to-destination 10.244.1.2:80
-A CNI-HOSTPORT-DNAT -m comment --comment "dnat name: \"$NET\" id: \"$WEB_ID\"" -m multiport -p tcp --destination-ports 8080 -j $DN_WEB
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web tcp 80 40
b_serve up tcp 9000 40

# cni0's IGMP reports (sent when it came up, repeated 1 s later) are over before the capture starts: xtables-monitor
# starts a moment after tcpdump, and a report in between would be captured but not traced
sleep 3
snapshot_state before
start_capture; start_trace
for i in 1 2; do b_probe up tcp "$NODE_IP" 8080 - 4500$i 3; sleep 0.3; done      # external client to the hostPort
for i in 1 2; do b_probe node tcp 127.0.0.1 8080 - 4501$i 3; sleep 0.3; done     # node to 127.0.0.1:hostPort
b_probe node tcp "$NODE_IP" 8080 - 45021 3; sleep 0.3                            # node to its own address:hostPort
for i in 1 2; do b_probe web tcp "$NODE_IP" 8080 - 4503$i 3; sleep 0.3; done     # the pod to its own hostPort (hairpin)
b_probe cli tcp "$NODE_IP" 8080 - 45041 3; sleep 0.3                             # second pod on the bridge to the hostPort
b_probe cli tcp 10.244.1.2 80 - 45051 3; sleep 0.3                               # pod to pod on the bridge
b_probe web tcp "$UPLINK_IP" 9000 - 45061 3; sleep 0.3                           # pod egress (bridge plugin's ipMasq)
stop_trace; stop_capture
snapshot_state after
b_keep_probes

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
saw() { # saw DESCRIPTION COUNT ERE: COUNT probe lines match
  local n; n=$(grep -cE -- "$3" "$P" || true); [ "$n" = "$2" ] || b_fail "$1: $n of $2 probe lines match $3"
}
saw "uplink to the hostPort, source kept" 2 "^\[up\] tcp $NODE_IP:8080 from $UPLINK_IP:4500[12] result=connected reply='web port 80 saw $UPLINK_IP:4500[12]'"
saw "node to 127.0.0.1:8080, masqueraded to cni0's address" 2 "^\[node\] tcp 127.0.0.1:8080 from 127.0.0.1:4501[12] result=connected reply='web port 80 saw 10.244.1.1:4501[12]'"
saw "node to its own address, source kept" 1 "^\[node\] tcp $NODE_IP:8080 from $NODE_IP:45021 result=connected reply='web port 80 saw $NODE_IP:45021'"
saw "web to its own hostPort, masqueraded" 2 "^\[web\] tcp $NODE_IP:8080 from 10.244.1.2:4503[12] result=connected reply='web port 80 saw 10.244.1.1:4503[12]'"
saw "cli to the hostPort, masqueraded" 1 "^\[cli\] tcp $NODE_IP:8080 from 10.244.1.3:45041 result=connected reply='web port 80 saw 10.244.1.1:45041'"
saw "cli to web on the bridge, not masqueraded" 1 "^\[cli\] tcp 10.244.1.2:80 from 10.244.1.3:45051 result=connected reply='web port 80 saw 10.244.1.3:45051'"
saw "web egress masqueraded" 1 "^\[web\] tcp $UPLINK_IP:9000 from 10.244.1.2:45061 result=connected reply='up port 9000 saw $NODE_IP:45061'"
dnat=$(b_expect_count nat '-j DNAT --to-destination 10.244.1.2:80' -eq 8)
mark_pods=$(b_expect_count nat '-s 10.244.1.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK' -eq 3)
mark_lo=$(b_expect_count nat '-s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK' -eq 2)
setmark=$(b_expect_count nat '-j MARK --set-xmark 0x2000/0x2000' -eq 5)
masq=$(b_expect_count nat '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE' -eq 5)
pre=$(b_expect_count nat '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT' -eq 5)
out=$(b_expect_count nat '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT' -eq 3)
acc_cli=$(b_expect_count nat "-A $MASQ_CLI -d 10.244.1.0/24" -eq 1)
masq_web=$(b_expect_count nat "-A $MASQ_WEB ! -d 224.0.0.0/4" -eq 1)
f_up=$(b_expect_frames "uplink SYNs DNATed to web, source kept" "$WIF +Out +IP $UPLINK_IP\.4500[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_lo=$(b_expect_frames "node's 127.0.0.1 SYNs leaving to web from cni0's address" "$WIF +Out +IP 10\.244\.1\.1\.4501[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_own=$(b_expect_frames "node's own-address SYN to web" "$WIF +Out +IP $NODE_IP\.45021 > 10\.244\.1\.2\.80: Flags \[S\]" 1)
f_hpin=$(b_expect_frames "web's SYNs to its hostPort in on its port" "$WIF +(In|P) +IP 10\.244\.1\.2\.4503[12] > $NODE_IP\.8080: Flags \[S\]" 2)
f_hpout=$(b_expect_frames "web's SYNs back out of its own port, masqueraded" "$WIF +Out +IP 10\.244\.1\.1\.4503[12] > 10\.244\.1\.2\.80: Flags \[S\]" 2)
f_cliin=$(b_expect_frames "cli's SYN to the hostPort in on its port" "$CIF +(In|P) +IP 10\.244\.1\.3\.45041 > $NODE_IP\.8080: Flags \[S\]" 1)
f_cliout=$(b_expect_frames "cli's SYN out to web, masqueraded" "$WIF +Out +IP 10\.244\.1\.1\.45041 > 10\.244\.1\.2\.80: Flags \[S\]" 1)
f_egress=$(b_expect_frames "web's egress masqueraded" "eth0 +Out +IP $NODE_IP\.45061 > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_nbr=$(b_frames "cni0 +Out +IP 10\.244\.1\.2\.80 > 10\.244\.1\.3\.45041")
grep -qE "src=127.0.0.1 dst=127.0.0.1 sport=45011 dport=8080 src=10.244.1.2 dst=10.244.1.1 sport=80 dport=45011 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: the node's 127.0.0.1 connection not DNATed and masqueraded"
grep -qE "src=10.244.1.2 dst=$NODE_IP sport=45031 dport=8080 src=10.244.1.2 dst=10.244.1.1 sport=80 dport=45031 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: web's hairpin connection not DNATed and masqueraded"
grep -q '^net.ipv4.conf.cni0.route_localnet = 1$' "$BUNDLE/sysctl.txt" || b_fail "sysctl.txt: cni0 route_localnet not 1"
for hif in "$WIF" "$CIF"; do
  grep -A3 "^[0-9]*: $hif@" "$BUNDLE/ip-d-link.txt" | grep -q 'hairpin on' || b_fail "ip-d-link.txt: $hif not hairpin on"
done
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
[ "$bnf" = 1 ] || b_fail "bridge-nf-call-iptables=$bnf"
env_put HOSTPORT "$NODE_IP:8080/tcp->10.244.1.2:80"; env_put DNAT_CHAIN "$DN_WEB"
env_put MASQ_CHAIN_WEB "$MASQ_WEB"; env_put MASQ_CHAIN_CLI "$MASQ_CLI"
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put EXPECT_DNAT_COUNT "$dnat"; env_put EXPECT_SETMARK_COUNT "$setmark"; env_put EXPECT_MASQ_COUNT "$masq"

{
  echo "# cni-hostport: a pod's hostPort published by the CNI portmap plugin on a CNI bridge (br_netfilter, hairpin mode)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP) and the CNI bridge plugin's \`cni0\` 10.244.1.1/24 (isGateway, hairpinMode true: both ports \`hairpin on\`"
  echo "in ip-d-link.txt; \`net.ipv4.conf.cni0.route_localnet=1\` as the portmap plugin sets it on the interface routing the"
  echo "pod, sysctl.txt). Pod \`web\` 10.244.1.2/24 (port \`$WIF\`, server on :80, \`hostPort: 8080\`) and pod \`cli\`"
  echo "10.244.1.3/24 (port \`$CIF\`, no hostPort); host-local IPAM hands each pod its address with the /24 prefix."
  echo
  echo "## Rules (rules-input.txt)"
  echo
  echo "The nat table as containernetworking/plugins leaves it after web's ADD (bridge with ipMasq, then portmap with snat"
  echo "on and the default markMasqBit 13) and cli's ADD (bridge): network name \`$NET\`, chain names"
  echo "\"CNI-\" [+ \"DN-\"] + hex(sha512(network name + container id)) cut to 28 characters:"
  echo
  echo "- PREROUTING and OUTPUT: \`-m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT\` (appended)."
  echo "- CNI-HOSTPORT-DNAT: per container \`-p tcp -m comment --comment \"dnat name: ... id: ...\" -m multiport --dports 8080 -j $DN_WEB\`."
  echo "- $DN_WEB (per hostPort, in this order): \`-s 10.244.1.0/24 -p tcp --dport 8080 -j CNI-HOSTPORT-SETMARK\` (the"
  echo "  hairpin rule: the plugin writes the pod's address with its prefix, \`-s 10.244.1.2/24\`, which iptables stores as"
  echo "  the pod's whole subnet), \`-s 127.0.0.1/32 ... -j CNI-HOSTPORT-SETMARK\` (localhost, IPv4 only), then"
  echo "  \`-j DNAT --to-destination 10.244.1.2:80\`."
  echo "- CNI-HOSTPORT-SETMARK: \`-m comment --comment \"CNI portfwd masquerade mark\" -j MARK --set-xmark 0x2000/0x2000\`."
  echo "- POSTROUTING: first (prepended) \`-m comment --comment \"CNI portfwd requiring masquerade\" -j CNI-HOSTPORT-MASQ\`"
  echo "  (\`-m mark --mark 0x2000/0x2000 -j MASQUERADE\`), then the bridge plugin's \`-s <pod>/32 -j CNI-<hash>\` per pod"
  echo "  ($MASQ_WEB for web, $MASQ_CLI for cli: \`-d 10.244.1.0/24 -j ACCEPT\`, \`! -d 224.0.0.0/4 -j MASQUERADE\`)."
  echo "- filter: the built-in chains, policy ACCEPT, no rules."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink :45001 and :45002 → $NODE_IP:8080. 2. the node: 127.0.0.1:45011 and :45012 → 127.0.0.1:8080. 3. the node:"
  echo "$NODE_IP:45021 → $NODE_IP:8080. 4. web :45031 and :45032 → $NODE_IP:8080 (its own hostPort). 5. cli :45041 →"
  echo "$NODE_IP:8080. 6. cli :45051 → 10.244.1.2:80 (pod to pod). 7. web :45061 → $UPLINK_IP:9000 (egress). 300 ms apart."
  echo
  echo "## What the kernel did"
  echo
  echo "- The DNAT rule counted $dnat connections (every one to :8080: 2 uplink, 2 + 1 node, 2 web, 1 cli), entered $pre"
  echo "  times from PREROUTING and $out from OUTPUT. CNI-HOSTPORT-SETMARK marked $setmark ($mark_pods through the pod-subnet"
  echo "  rule: web's two and cli's one; $mark_lo through the 127.0.0.1 rule) and CNI-HOSTPORT-MASQ masqueraded the same $masq."
  echo "- The uplink's SYNs were DNATed and left on $WIF with the client's source (frames $f_up; web saw $UPLINK_IP)."
  echo "- The node's connections to 127.0.0.1:8080 were marked and DNATed in nat OUTPUT, rerouted out cni0 (allowed by"
  echo "  cni0's route_localnet) and masqueraded to cni0's address (frames $f_lo: 10.244.1.1 → 10.244.1.2:80; web saw 10.244.1.1)."
  echo "- The node's connection to its own address $NODE_IP:8080 was DNATed but not marked (its source is neither the pod"
  echo "  subnet nor 127.0.0.1) and kept its source (frame $f_own; web saw $NODE_IP)."
  echo "- web's SYNs to its own hostPort (frames $f_hpin, in on $WIF) were DNATed by br_netfilter's PREROUTING to"
  echo "  10.244.1.2:80, whose route is cni0 itself (bridged DNAT), marked by the pod-subnet rule, masqueraded by"
  echo "  CNI-HOSTPORT-MASQ and sent back out of the same port (hairpin on): frames $f_hpout from 10.244.1.1."
  echo "- cli's SYN to the hostPort (frame $f_cliin) was marked by the same pod-subnet rule (cli is in web's /24), DNATed,"
  echo "  bridged to $WIF and masqueraded (frame $f_cliout; web saw 10.244.1.1). web's answers to 10.244.1.1 were un-masqueraded in"
  echo "  br_netfilter's PREROUTING to 10.244.1.3, bridged back (bridged DNAT) and un-DNATed to $NODE_IP:8080 in POSTROUTING."
  if [ -n "$f_nbr" ]; then
    echo "  Frames $f_nbr are those answers on cni0 itself between PREROUTING and POSTROUTING (10.244.1.2:80 → 10.244.1.3):"
    echo "  the neighbour entry of 10.244.1.3 was not connected, so br_nf_pre_routing_finish_bridge passed each to the"
    echo "  neighbour's output on cni0, whose transmit gave it back to the bridge; each then left on $CIF from $NODE_IP:8080."
  fi
  echo "- cli → 10.244.1.2:80 was bridged and not NATed: POSTROUTING jumped to $MASQ_CLI, whose \`-d 10.244.1.0/24 -j ACCEPT\`"
  echo "  counted $acc_cli. web's egress to the uplink was masqueraded by $MASQ_WEB's MASQUERADE ($masq_web; frame $f_egress)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
