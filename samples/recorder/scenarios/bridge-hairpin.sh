#!/usr/bin/env bash
# bridge-hairpin: a bridge port's hairpin mode decides whether br_netfilter's bridged DNAT back to the ingress port
# leaves. Docker-style bridge br-hp 172.17.0.1/16 (userland-proxy false: the DNAT of the published ports also applies
# to the bridge's own containers, and a per-container MASQUERADE "-s C -d C -p tcp --dport 80" for the hairpin) with
# container a 172.17.0.2 (published 8080 -> 80, its port with hairpin on, as Docker sets it) and container b
# 172.17.0.3 (published 8081 -> 80, its port with hairpin off, as netavark leaves it). Each container connects to its
# own published port on the node's address: a's connection comes back out of a's port, b's is dropped by the bridge.
source "$(dirname "$0")/../lib.sh"
pkp_init bridge-hairpin
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-bridge-hairpin-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

make_node_ns; make_uplink_ns
make_bridge br-hp 172.17.0.1/16
add_bridge_pod a 172.17.0.2/16 172.17.0.1 br-hp hairpin
add_bridge_pod b 172.17.0.3/16 172.17.0.1 br-hp
AIF=$(grep '^POD_A_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
BIF=$(grep '^POD_B_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
nsx "$NODE_NS" ip -d link show "$AIF" | grep -q ' hairpin on ' || b_fail "$AIF: hairpin not on"
nsx "$NODE_NS" ip -d link show "$BIF" | grep -q ' hairpin off ' || b_fail "$BIF: hairpin not off"

cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o br-hp -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A POSTROUTING -s 172.17.0.3/32 -d 172.17.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
-A DOCKER -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.17.0.3:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
-A FORWARD -o br-hp -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-hp -j DOCKER
-A FORWARD -i br-hp ! -o br-hp -j ACCEPT
-A FORWARD -i br-hp -o br-hp -j ACCEPT
-A DOCKER -d 172.17.0.2/32 ! -i br-hp -o br-hp -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER -d 172.17.0.3/32 ! -i br-hp -o br-hp -p tcp -m tcp --dport 80 -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve a tcp 80 30
b_serve b tcp 80 30

snapshot_state before
start_capture; start_trace
b_probe up tcp "$NODE_IP" 8080 - 44001 3; sleep 0.3          # published port from outside (to a)
for i in 2 3; do b_probe a tcp "$NODE_IP" 8080 - 4400$i 3; sleep 0.3; done   # a to its own published port: hairpin on
b_probe b tcp "$NODE_IP" 8081 - 44004 3; sleep 0.3           # b to its own published port: hairpin off
stop_trace; stop_capture
snapshot_state after
b_keep_probes

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "published from outside" "tcp $NODE_IP:8080 from $UPLINK_IP:44001 result=connected reply='a port 80 saw $UPLINK_IP:44001"
[ "$(grep -cE "tcp $NODE_IP:8080 from 172.17.0.2:4400[23] result=connected reply='a port 80 saw 172.17.0.1:" "$P")" = 2 ] \
  || b_fail "a to itself: not both connections answered by a from the bridge's address (masqueraded hairpin)"
ck "b to itself" "tcp $NODE_IP:8081 .*result=timeout"
grep -A3 "^[0-9]*: $AIF@" "$BUNDLE/ip-d-link.txt" | grep -q 'hairpin on' || b_fail "ip-d-link.txt: $AIF not hairpin on"
grep -A3 "^[0-9]*: $BIF@" "$BUNDLE/ip-d-link.txt" | grep -q 'hairpin off' || b_fail "ip-d-link.txt: $BIF not hairpin off"
dnat_a=$(b_expect_count nat '--to-destination 172.17.0.2:80' -eq 3)
n_bsyn=$(grep -cE " $BIF +(In|P) +IP 172\.17\.0\.3\.44004 > $NODE_IP\.8081: Flags \[S\]" "$WORK/frames.txt" || true)
[ "$n_bsyn" -ge 2 ] || b_fail "b's SYNs to its own port: $n_bsyn (the first and a retransmission expected)"
dnat_b=$(b_expect_count nat '--to-destination 172.17.0.3:80' -eq "$n_bsyn")
masq_a=$(b_expect_count nat '-s 172.17.0.2/32 -d 172.17.0.2/32' -eq 2)
masq_b=$(b_expect_count nat '-s 172.17.0.3/32 -d 172.17.0.3/32' -eq 0)
f_pub=$(b_expect_frames "published SYN out to a" "$AIF +Out +IP $UPLINK_IP\.44001 > 172\.17\.0\.2\.80: Flags \[S\]" 1)
f_ain=$(b_expect_frames "a's SYNs in on its port" "$AIF +(In|P) +IP 172\.17\.0\.2\.4400[23] > $NODE_IP\.8080: Flags \[S\]" 2)
f_aout=$(b_expect_frames "a's SYNs back out of its port, masqueraded" "$AIF +Out +IP 172\.17\.0\.1\.[0-9]+ > 172\.17\.0\.2\.80: Flags \[S\]" 2)
f_bin=$(b_expect_frames "b's SYNs in on its port" "$BIF +(In|P) +IP 172\.17\.0\.3\.44004 > $NODE_IP\.8081: Flags \[S\]" 2)
b_expect_none "b's SYN sent back to b" "$BIF +Out +IP [0-9.]+\.[0-9]+ > 172\.17\.0\.3\.80"
grep -qE "src=172.17.0.2 dst=$NODE_IP sport=4400[23] dport=8080 src=172.17.0.2 dst=172.17.0.1 sport=80 .*ASSURED" \
  "$BUNDLE/conntrack-L.txt" || b_fail "a's hairpin connection not assured in conntrack"
grep -qE "sport=44004 dport=8081" "$BUNDLE/conntrack-L.txt" && b_fail "b's hairpin connection confirmed in conntrack"
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
[ "$bnf" = 1 ] || b_fail "bridge-nf-call-iptables=$bnf"
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"
env_put PUBLISHED_A "$NODE_IP:8080/tcp->172.17.0.2:80"; env_put PUBLISHED_B "$NODE_IP:8081/tcp->172.17.0.3:80"
env_put CONTAINER_A_IP 172.17.0.2; env_put CONTAINER_B_IP 172.17.0.3
env_put HAIRPIN_ON_PORT "$AIF"; env_put HAIRPIN_OFF_PORT "$BIF"
env_put EXPECT_DNAT_A "$dnat_a"; env_put EXPECT_DNAT_B "$dnat_b"; env_put EXPECT_HAIRPIN_MASQ_A "$masq_a"
env_put B_SELF_SYNS "$n_bsyn"

{
  echo "# bridge-hairpin: a bridge port's hairpin mode and br_netfilter's bridged DNAT back to the ingress port"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.bridge.bridge-nf-call-iptables=$bnf) with uplink eth0 $NODE_IP/24 (client side"
  echo "$UPLINK_IP), Docker-style bridge \`br-hp\` 172.17.0.1/16 with container \`a\` 172.17.0.2 (port \`$AIF\`, \`hairpin on\`,"
  echo "as Docker with userland-proxy false sets it) and container \`b\` 172.17.0.3 (port \`$BIF\`, \`hairpin off\`, the"
  echo "kernel's default, as Podman/netavark leaves it); both run a TCP server on :80. ip-d-link.txt (\`ip -d link\`) and"
  echo "ip-j-d-link.json (\`ip -j -d link\`) show each port's \`bridge_slave ... hairpin on|off\`."
  echo
  echo "Rules (rules-input.txt): Docker's shape with userland-proxy false: nat PREROUTING/OUTPUT addrtype LOCAL → DOCKER,"
  echo "\`-A DOCKER -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\` and 8081 → 172.17.0.3:80 (no \`! -i br-hp\`,"
  echo "so the containers' own connections to the node's address are DNATed too), POSTROUTING \`-s C/32 -d C/32 -p tcp --dport"
  echo "80 -j MASQUERADE\` per container (the hairpin masquerade), filter FORWARD policy DROP with \`-i br-hp -o br-hp -j ACCEPT\`."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink :44001 → $NODE_IP:8080 (published, to a). 2. a :44002 and :44003 → $NODE_IP:8080 (a to its own published"
  echo "port). 3. b :44004 → $NODE_IP:8081 (b to its own published port), 3 s client timeout."
  echo
  echo "## What the kernel did"
  echo
  echo "- The uplink's SYN was DNATed to 172.17.0.2:80 and left on $AIF (frame $f_pub)."
  echo "- a's SYNs (frames $f_ain, in on $AIF) were DNATed by br_netfilter's PREROUTING to 172.17.0.2:80, whose route is br-hp"
  echo "  itself: bridged towards a's own port $AIF, which has hairpin on, so the bridge sent them back out of it; FORWARD"
  echo "  (\`-i br-hp -o br-hp -j ACCEPT\`) and POSTROUTING's \`-s 172.17.0.2/32 -d 172.17.0.2/32 ... -j MASQUERADE\` ($masq_a)"
  echo "  ran with the bridge as both interfaces: frames $f_aout leave on $AIF from 172.17.0.1. Both connections completed"
  echo "  (a saw 172.17.0.1; conntrack shows them ASSURED)."
  echo "- b's SYNs (frames $f_bin: $n_bsyn, the first and its retransmissions, each a new connection: the DNAT rule to"
  echo "  172.17.0.3:80 counted $dnat_b) were DNATed the same way towards b's own port $BIF, which has hairpin off: the bridge"
  echo "  dropped each before FORWARD (b's MASQUERADE rule counted $masq_b, nothing left on $BIF, no conntrack entry); the"
  echo "  client timed out."
  echo "- The DNAT rule to 172.17.0.2:80 counted $dnat_a (the uplink's and a's two)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
