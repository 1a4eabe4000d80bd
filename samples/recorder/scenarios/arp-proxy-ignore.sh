#!/usr/bin/env bash
# arp-proxy-ignore: what the node's arp_process does with ARP requests received on interfaces that are not bridge
# ports. A Calico-style pod asks for its gateway 169.254.1.1 (proxy_arp=1 on the cali veth, the route to it leaves by
# eth0: answered with the veth's MAC), for 10.244.9.9 (its route leaves by the cali veth itself: not answered) and for
# the node's eth0 address (a local address, arp_ignore=0: answered). Three plain veths with a /24 each: ign0
# (arp_ignore=1) is asked for its own address (answered), for the address of acc0 (not answered) and, as a DAD probe
# from 0.0.0.0, for its own address (answered); acc0 (arp_ignore=0) is asked for ign0's address (answered, the weak host
# model) and for an address nobody has (not answered); ig2 (arp_ignore=2) is asked for its address from a sender in its
# subnet (answered) and from a sender outside it (not answered). Then a ping from the pod to the uplink (the node
# resolves the uplink and the pod) and one to 172.18.0.77, an address of the uplink subnet nobody owns (the node's
# requests go unanswered, the neighbour entry fails, ICMP host unreachable). arping: iputils-arping.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="arp"
pkp_init arp-proxy-ignore
source "$PKP_LIB_DIR/lib-extra.sh"
command -v arping >/dev/null || die "arping is missing (apt-get install iputils-arping)"

make_node_ns; make_uplink_ns
add_pod calico 10.244.1.2
CIF=$(host_if calico)
ip -n "$NODE_NS" route add 10.244.9.0/24 dev "$CIF" scope link

# plain_client NAME NODE_IF NODE_ADDR/LEN CLIENT_ADDR/LEN ARP_IGNORE: a client namespace on a veth of the node.
plain_client() {
  local name="$1" nif="$2" naddr="$3" caddr="$4" ign="$5" ns
  ns="$(pod_ns "$name")"
  new_ns "$ns"
  ip -n "$NODE_NS" link add "$nif" type veth peer name eth0 netns "$ns"
  ip -n "$NODE_NS" addr add "$naddr" dev "$nif"
  nsx "$NODE_NS" sysctl -qw "net.ipv4.conf.$nif.arp_ignore=$ign" >/dev/null
  ip -n "$NODE_NS" link set "$nif" up
  ip -n "$ns" addr add "$caddr" dev eth0
  ip -n "$ns" link set eth0 up
}
plain_client ign ign0 10.1.0.1/24 10.1.0.2/24 1
plain_client acc acc0 10.2.0.1/24 10.2.0.2/24 0
plain_client ig2 ig20 10.3.0.1/24 10.3.0.2/24 2
ip -n "$(pod_ns ig2)" addr add 10.9.0.5/32 dev eth0
GHOST=172.18.0.77
load_empty_filter
sleep 1.5   # the veths' carrier settles before the capture starts

# ask NAME TARGET [ARPING OPTIONS]: one ARP request from client NAME's eth0, waiting at most 1 s for the answer.
ask() {
  local name="$1" target="$2"; shift 2
  local out
  out=$(timeout 4 ip netns exec "$(resolve_ns "$name")" arping -c 1 -w 1 -I eth0 "$@" "$target" 2>&1 || true)
  echo "arping $name ${*:+$* }$target: $(echo "$out" | grep -cE '^Unicast reply') reply(ies)" >> "$WORK/probes.txt"
  sleep 0.3
}

snapshot_state before
start_capture; start_trace
ask calico 169.254.1.1
ask calico 10.244.9.9
ask calico "$NODE_IP"
ask ign 10.1.0.1
ask ign 10.2.0.1
ask ign 10.1.0.1 -D
ask acc 10.1.0.1
ask acc 10.2.0.99
ask ig2 10.3.0.1
ask ig2 10.3.0.1 -s 10.9.0.5
ping_from calico "$UPLINK_IP" 1 >> "$WORK/probes.txt"
sleep 0.3
timeout 3 ip netns exec "$(pod_ns calico)" ping -n -c 1 -W 1 "$GHOST" >> "$WORK/probes.txt" 2>&1 || true
sleep 3.5   # the node's requests for the ghost: three, 1 s apart, then the entry fails
stop_trace; stop_capture
snapshot_state after
# the ARP sysctls arp_process reads, beside the ones snapshot_state keeps
nsx "$NODE_NS" sysctl -a 2>/dev/null \
  | grep -E '^net\.ipv4\.conf\.[^.]+\.(arp_ignore|arp_filter|arp_announce|arp_accept|proxy_arp_pvlan|medium_id|drop_gratuitous_arp) = ' \
  >> "$BUNDLE/sysctl.txt"
sort -o "$BUNDLE/sysctl.txt" "$BUNDLE/sysctl.txt"
b_keep_probes

IGN_NS=$(pod_ns ign); ACC_NS=$(pod_ns acc); IG2_NS=$(pod_ns ig2)
env_put CALICO_IF "$CIF"; env_put GHOST_IP "$GHOST"
req=$(b_expect_frames "requests received" "(In|B) +ARP, Request who-has" 10)
rep=$(b_expect_frames "replies sent by the node" "Out +ARP, Reply" 6)
b_expect_frames "proxy answer for 169.254.1.1" "$CIF +Out +ARP, Reply 169\.254\.1\.1 is-at ee:ee:ee:ee:ee:ee" 1 >/dev/null
b_expect_none "answer for 10.244.9.9" "Reply 10\.244\.9\.9 is-at"
b_expect_none "answer for 10.2.0.1 on ign0" "ign0 +Out +ARP, Reply 10\.2\.0\.1"
b_expect_none "answer for 10.2.0.99" "Reply 10\.2\.0\.99"
ghost=$(b_expect_frames "the node's requests for the ghost" "eth0 +Out +ARP, Request who-has $GHOST tell $NODE_IP" 3)
neigh=$(grep "^$GHOST " "$BUNDLE/ip-neigh.txt" || echo "$GHOST (no entry)")

{
  echo "# arp-proxy-ignore: arp_process on non-bridge interfaces: proxy_arp, arp_ignore 0/1/2, DAD, unanswered requests"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): eth0 $NODE_IP/24 to the uplink ($UPLINK_IP, default route), the Calico-style pod 10.244.1.2"
  echo "on \`$CIF\` (MAC ee:ee:ee:ee:ee:ee, proxy_arp=1, no address, routes 10.244.1.2/32 and 10.244.9.0/24 through it),"
  echo "ign0 10.1.0.1/24 (arp_ignore=1, client \`$IGN_NS\` 10.1.0.2), acc0 10.2.0.1/24 (arp_ignore=0, client \`$ACC_NS\`"
  echo "10.2.0.2), ig20 10.3.0.1/24 (arp_ignore=2, client \`$IG2_NS\` 10.3.0.2 and 10.9.0.5/32). The ARP sysctls are in"
  echo "sysctl.txt. filter has no rules (the TRACE rules trace the IP packets only)."
  echo
  echo "## Traffic (probes.txt: arping -c 1 -w 1 per request, the replies each got)"
  echo
  echo '```'
  cat "$WORK/probes.txt"
  echo '```'
  echo
  echo "## What the kernel did"
  echo
  echo "- ARP requests received: frames $req; replies the node sent: frames $rep."
  echo "- 169.254.1.1 asked on $CIF was answered with ee:ee:ee:ee:ee:ee (proxy_arp); 10.244.9.9, whose route leaves by $CIF"
  echo "  itself, was not; 10.2.0.1 asked on ign0 (arp_ignore=1, an address of acc0) was not; 10.2.0.99 (nobody's) was not."
  echo "- The node's own requests for $GHOST (frames $ghost) went unanswered; ip neigh after: \`$neigh\`."
  b_readme_tail 'ARP|ICMP'
} > "$BUNDLE/README.md"
pkp_finish
