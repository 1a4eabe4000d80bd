#!/usr/bin/env bash
# overlay-vxlan: flannel's VXLAN backend between two nodes. The node has flannel.1 (VNI 1, UDP 8472,
# local 172.18.0.2 on eth0, nolearning, static FDB and neighbor entries as flanneld installs them) and a
# Calico-style pod pair in 10.244.1.0/24; the uplink namespace plays the remote node 172.18.0.1 with its own
# flannel.1 and the remote pod address 10.244.2.5 (on its lo). flannel's FLANNEL-POSTRTG/FLANNEL-FWD rules and a
# kube-proxy ClusterIP whose only endpoint is the remote pod. Every inter-node packet is captured twice: the inner
# packet on flannel.1 and the encapsulated UDP datagram on eth0.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="vx"
pkp_init overlay-vxlan
source "$PKP_LIB_DIR/lib-extra.sh"

# Every inner packet is traced twice (itself and its VXLAN datagram), in bursts of a few milliseconds per connection:
# xtables-monitor runs at a higher priority so that it drains its netlink socket before ENOBUFS on a busy machine.
start_trace() {
  pkp_bg xtmon nice -n -10 ip netns exec "$NODE_NS" xtables-monitor --trace; PKP_TRACE_PID=$PKP_LAST_PID
  sleep 0.7
  kill -0 "$PKP_TRACE_PID" 2>/dev/null || die "xtables-monitor died: $(cat "$WORK/xtmon.err")"
}

NODE_VTEP_MAC=22:6e:f1:01:00:00
UP_VTEP_MAC=22:6e:f1:02:00:00
REMOTE_POD=10.244.2.5
CLUSTER_IP=10.96.0.20

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web 10.244.1.3

# flannel.1 on both nodes, as flanneld (vxlan backend) creates it: no learning, the remote VTEP's MAC as a
# permanent neighbor of the remote subnet's .0 address, an FDB entry sending that MAC to the remote node.
vtep() { # vtep NS LOCAL_IP MAC ADDR REMOTE_SUBNET REMOTE_GW REMOTE_MAC REMOTE_IP
  ip -n "$1" link add flannel.1 type vxlan id 1 local "$2" dev eth0 dstport 8472 nolearning
  ip -n "$1" link set flannel.1 address "$3" mtu 1450
  ip -n "$1" addr add "$4/32" dev flannel.1
  ip -n "$1" link set flannel.1 up
  ip -n "$1" route add "$5" via "$6" dev flannel.1 onlink
  ip -n "$1" neigh replace "$6" lladdr "$7" dev flannel.1 nud permanent
  nsx "$1" bridge fdb append "$7" dev flannel.1 dst "$8"
}
vtep "$NODE_NS" "$NODE_IP" "$NODE_VTEP_MAC" 10.244.1.0 10.244.2.0/24 10.244.2.0 "$UP_VTEP_MAC" "$UPLINK_IP"
vtep "$UPLINK_NS" "$UPLINK_IP" "$UP_VTEP_MAC" 10.244.2.0 10.244.1.0/24 10.244.1.0 "$NODE_VTEP_MAC" "$NODE_IP"
ip -n "$UPLINK_NS" addr add "$REMOTE_POD/32" dev lo

kp_reset
kp_service default/web-remote:http tcp "$CLUSTER_IP" 80 30080 cluster "$REMOTE_POD:8080"
kp_write_rules "$WORK/kp.v4"
# flannel's rules (v0.22+, vxlan backend, --iptables-forward-rules), added at the end of each table.
awk '
  /^\*/ { t = substr($0, 2) }
  /^COMMIT/ && t == "nat" {
    print ":FLANNEL-POSTRTG - [0:0]"
    print "-A POSTROUTING -m comment --comment \"flanneld masq\" -j FLANNEL-POSTRTG"
    print "-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment \"flanneld masq\" -j RETURN"
    print "-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment \"flanneld masq\" -j RETURN"
    print "-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment \"flanneld masq\" -j RETURN"
    print "-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment \"flanneld masq\" -j RETURN"
    print "-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully"
    print "-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment \"flanneld masq\" -j MASQUERADE --random-fully"
  }
  /^COMMIT/ && t == "filter" {
    print ":FLANNEL-FWD - [0:0]"
    print "-A FORWARD -m comment --comment \"flanneld forward\" -j FLANNEL-FWD"
    print "-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT"
    print "-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment \"flanneld forward\" -j ACCEPT"
  }
  { print }
' "$WORK/kp.v4" > "$WORK/rules.v4"
# Probe rules (not flannel's) that show which fwmark each packet carries across the tunnel: the ping is marked before
# encapsulation and the VXLAN datagram that carries it is matched by that mark in OUTPUT; every received VXLAN datagram
# is marked in PREROUTING and the packet decapsulated from it is matched by that mark on flannel.1.
cat >> "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -p udp -m udp --dport 8472 -m comment --comment "pktpath probe: mark received VXLAN datagrams" -j MARK --set-xmark 0x200/0x200
-A PREROUTING -i flannel.1 -m mark --mark 0x200/0x200 -m comment --comment "pktpath probe: the decapsulated packet keeps the outer packet mark" -j ACCEPT
-A FORWARD -o flannel.1 -p icmp -m comment --comment "pktpath probe: mark the ping before encapsulation" -j MARK --set-xmark 0x100/0x100
-A OUTPUT -p udp -m udp --dport 8472 -m mark --mark 0x100/0x100 -m comment --comment "pktpath probe: the VXLAN datagram keeps the inner packet mark" -j ACCEPT
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve up tcp 8080 40 "$REMOTE_POD"
b_serve up udp 5300 40 "$REMOTE_POD"
b_serve web tcp 8080 40
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
# The VXLAN devices' parameters and forwarding entries (not part of the usual bundle files).
nsx "$NODE_NS" ip -d link show flannel.1 > "$BUNDLE/ip-d-link-flannel.txt"
nsx "$NODE_NS" bridge fdb show dev flannel.1 > "$BUNDLE/bridge-fdb.txt"

snapshot_state before
start_capture; start_trace
b_probe client tcp "$REMOTE_POD" 8080 - 46001; sleep 0.3        # pod -> remote pod, TCP through flannel.1
b_probe client udp "$REMOTE_POD" 5300 - 46002; sleep 0.3        # pod -> remote pod, UDP
b_probe client tcp "$CLUSTER_IP" 80 - 46003; sleep 0.3          # pod -> ClusterIP, DNATed to the remote pod
b_probe up tcp 10.244.1.3 8080 "$REMOTE_POD" 47001; sleep 0.3   # remote pod -> local pod (decapsulated here)
b_probe client rawicmp 10.244.1.2 "$REMOTE_POD" 8 4343 1; sleep 0.3   # ping the remote pod
b_probe up tcp "$NODE_IP" 30080 - 47002; sleep 0.3              # NodePort from the remote node: DNAT to the remote pod,
                                                                # masqueraded to flannel.1's address, back through the tunnel
b_probe node tcp "$REMOTE_POD" 8080 - 47003; sleep 0.5          # the node itself to the remote pod (source flannel.1's address)
stop_trace; stop_capture
snapshot_state after
b_keep_probes
# tcpdump prints the packet inside each VXLAN datagram on a line of its own: join it to its frame's line, so that every
# line of the listing is one frame (frame lookups and the frame count read it).
awk '/^ *[0-9]+ +[0-9]/ { if (l != "") print l; l = $0; next } { l = l " | inner: " $0 } END { if (l != "") print l }' \
  "$WORK/frames.txt" > "$WORK/frames.joined" && mv "$WORK/frames.joined" "$WORK/frames.txt"

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "pod to remote tcp" "tcp $REMOTE_POD:8080 from 10.244.1.2:46001 result=connected reply='up port 8080 saw 10.244.1.2:46001'"
ck "pod to remote udp" "udp $REMOTE_POD:5300 from 10.244.1.2:46002 result=reply reply='up port 5300 saw 10.244.1.2:46002'"
ck "pod to clusterip" "tcp $CLUSTER_IP:80 from 10.244.1.2:46003 result=connected reply='up port 8080 saw 10.244.1.2:46003'"
ck "nodeport from the remote node" "tcp $NODE_IP:30080 from $UPLINK_IP:47002 result=connected reply='up port 8080 saw 10.244.1.0:[0-9]+'"
ck "node to remote pod" "tcp $REMOTE_POD:8080 from 10.244.1.0:47003 result=connected reply='up port 8080 saw 10.244.1.0:47003'"
ck "remote to local pod" "tcp 10.244.1.3:8080 from $REMOTE_POD:47001 result=connected reply='web port 8080 saw $REMOTE_POD:47001'"
f_syn_in=$(b_expect_frames "inner SYN out flannel.1" "flannel.1 +Out +IP 10\.244\.1\.2\.46001 > $REMOTE_POD\.8080: Flags \[S\]" 1)
f_syn_out=$(b_expect_frames "outer VXLAN" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.8472: OTV" 1)
f_vx_in=$(b_expect_frames "outer VXLAN received" "eth0 +In +IP $UPLINK_IP\.[0-9]+ > $NODE_IP\.8472: OTV" 1)
f_cip=$(b_expect_frames "DNATed SYN on flannel.1" "flannel.1 +Out +IP 10\.244\.1\.2\.46003 > $REMOTE_POD\.8080: Flags \[S\]" 1)
f_dec=$(b_expect_frames "decapsulated SYN" "flannel.1 +In +IP $REMOTE_POD\.47001 > 10\.244\.1\.3\.8080: Flags \[S\]" 1)
f_dec_out=$(b_expect_frames "decapsulated SYN to web" "$WIF +Out +IP $REMOTE_POD\.47001 > 10\.244\.1\.3\.8080: Flags \[S\]" 1)
f_ping=$(b_expect_frames "ping on flannel.1" "flannel.1 +Out +IP 10\.244\.1\.2 > $REMOTE_POD: ICMP echo request" 1)
n_outer_out=$(grep -cE "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.8472" "$WORK/frames.txt" || true)
n_outer_in=$(grep -cE "eth0 +In +IP $UPLINK_IP\.[0-9]+ > $NODE_IP\.8472" "$WORK/frames.txt" || true)
n_pkt_outer_out=$(grep -cE "^PACKET: 2 [0-9a-f]+ OUT=eth0 .*SRC=$NODE_IP DST=$UPLINK_IP .*DPORT=8472" "$BUNDLE/trace.txt" || true)
n_pkt_outer_post=$(grep -cE "^PACKET: 2 [0-9a-f]+ IN=flannel.1 OUT=eth0 .*SRC=$NODE_IP DST=$UPLINK_IP .*DPORT=8472" "$BUNDLE/trace.txt" || true)
n_pkt_outer_in=$(grep -cE "^PACKET: 2 [0-9a-f]+ IN=eth0 .*SRC=$UPLINK_IP DST=$NODE_IP .*DPORT=8472" "$BUNDLE/trace.txt" || true)
n_pkt_dec=$(grep -cE "^PACKET: 2 [0-9a-f]+ IN=flannel.1 " "$BUNDLE/trace.txt" || true)
n_ct_vx=$(grep -c 'dport=8472' "$BUNDLE/conntrack-L.txt" || true)
masq=$(b_count nat 'kubernetes service traffic requiring SNAT')
f_np=$(b_expect_frames "NodePort SYN masqueraded onto flannel.1" "flannel.1 +Out +IP 10\.244\.1\.0\.[0-9]+ > $REMOTE_POD\.8080: Flags \[S\]" 2)
f_np_in=$(b_expect_frames "NodePort SYN from the remote node" "eth0 +In +IP $UPLINK_IP\.47002 > $NODE_IP\.30080: Flags \[S\]" 1)
mark_out=$(b_count mangle "the VXLAN datagram keeps the inner packet mark")
mark_in=$(b_count mangle "the decapsulated packet keeps the outer packet mark")
mark_rx=$(b_count mangle "mark received VXLAN datagrams")
env_put CLIENT_IP 10.244.1.2; env_put REMOTE_POD_IP "$REMOTE_POD"; env_put CLUSTER_IP "$CLUSTER_IP"
env_put VXLAN_DEV flannel.1; env_put VXLAN_PORT 8472; env_put VXLAN_VNI 1

{
  echo "# overlay-vxlan: flannel's VXLAN overlay (flannel.1, VNI 1, UDP 8472) between the node and a remote node"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): eth0 $NODE_IP/24, pods client 10.244.1.2 (\`$CIF\`) and web 10.244.1.3 (\`$WIF\`),"
  echo "\`flannel.1\` (vxlan id 1 local $NODE_IP dev eth0 dstport 8472 nolearning, MAC $NODE_VTEP_MAC, 10.244.1.0/32, mtu 1450),"
  echo "route \`10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\`, permanent neighbor 10.244.2.0 → $UP_VTEP_MAC,"
  echo "FDB \`$UP_VTEP_MAC dst $UPLINK_IP\` (\`bridge-fdb.txt\`, \`ip-d-link-flannel.txt\`)."
  echo "The uplink namespace \`$UPLINK_NS\` is the remote node $UPLINK_IP with the mirror flannel.1 (10.244.2.0/32, MAC $UP_VTEP_MAC)"
  echo "and the remote pod address $REMOTE_POD on its lo (servers TCP 8080 and UDP 5300 bound to it)."
  echo "Rules (rules-input.txt): kube-proxy's tables with ClusterIP $CLUSTER_IP:80 → $REMOTE_POD:8080 (the remote pod), and flannel's"
  echo "FLANNEL-POSTRTG (mark RETURN, pod↔pod RETURN, MASQUERADE --random-fully for pod traffic leaving 10.244.0.0/16) and FLANNEL-FWD;"
  echo "four mangle probe rules (\"pktpath probe: ...\") that show the fwmark each packet carries across the tunnel."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client 10.244.1.2:46001 → $REMOTE_POD:8080 TCP (handshake, payload, reply, FIN)."
  echo "2. client 10.244.1.2:46002 → $REMOTE_POD:5300 UDP, one datagram and its reply."
  echo "3. client 10.244.1.2:46003 → ClusterIP $CLUSTER_IP:80 TCP, DNATed to $REMOTE_POD:8080 before encapsulation."
  echo "4. remote pod $REMOTE_POD:47001 → web 10.244.1.3:8080 TCP (arrives encapsulated, decapsulated on the node)."
  echo "5. client → $REMOTE_POD ICMP echo request id 4343 (raw socket) and the reply."
  echo "6. remote node $UPLINK_IP:47002 → NodePort $NODE_IP:30080 (ClusterIP's service, endpoint the remote pod)."
  echo "7. the node itself :47003 → $REMOTE_POD:8080 (source flannel.1's address 10.244.1.0)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Every pod packet to 10.244.2.0/24 was forwarded out \`flannel.1\` (e.g. the SYN, frame $f_syn_in) and the vxlan driver sent it"
  echo "  again as a UDP datagram $NODE_IP:<hash port> → $UPLINK_IP:8472 on eth0 ($n_outer_out such frames, e.g. $f_syn_out)."
  echo "- That outer datagram is a locally generated packet: trace.txt has $n_pkt_outer_out \`PACKET:\` lines with OUT=eth0 SRC=$NODE_IP DPORT=8472"
  echo "  in raw, mangle, nat and filter OUTPUT (no IN=), and conntrack-L.txt has $n_ct_vx entries with dport=8472 (each direction"
  echo "  of an inner flow hashes its own source port, so every one of them stays [UNREPLIED])."
  echo "- In POSTROUTING the same datagram shows IN=flannel.1 ($n_pkt_outer_post PACKET lines): ip_output passes the device the"
  echo "  skb was sent on (the vxlan device) as the hook's input device; iptables cannot match -i in POSTROUTING, so no rule sees it."
  echo "- The ClusterIP SYN was DNATed in nat PREROUTING before routing: it left flannel.1 already as → $REMOTE_POD:8080 (frame $f_cip)."
  echo "- Received outer datagrams ($n_outer_in frames, e.g. $f_vx_in) came in on eth0 to $NODE_IP:8472 (trace: $n_pkt_outer_in PACKET lines IN=eth0"
  echo "  DPORT=8472: PREROUTING then INPUT, delivered to the kernel's VXLAN socket); the decapsulated packet went through PREROUTING"
  echo "  again with IN=flannel.1 ($n_pkt_dec PACKET lines) and was forwarded to the pod, e.g. the remote pod's SYN frame $f_dec → frame $f_dec_out."
  echo "- Pod-to-pod traffic RETURNs in FLANNEL-POSTRTG. The NodePort SYN from the remote node (frame $f_np_in) was DNATed to"
  echo "  $REMOTE_POD:8080, marked 0x4000 and MASQUERADEd by KUBE-POSTROUTING ($masq) to flannel.1's address 10.244.1.0 (the SYNs"
  echo "  on flannel.1 from 10.244.1.0: frames $f_np, the second one the node's own connection): the remote pod saw 10.244.1.0."
  echo "- The ping (frame $f_ping) took the same way out and back."
  echo "- fwmarks cross the tunnel within the namespace (iptunnel_xmit/iptunnel_pull_header scrub the skb without clearing"
  echo "  the mark unless the tunnel crosses namespaces): the ping, marked 0x100 in mangle FORWARD, left in a VXLAN datagram that"
  echo "  mangle OUTPUT matched by that mark ($mark_out packet(s)); the $mark_rx received VXLAN datagrams marked 0x200 in mangle PREROUTING"
  echo "  gave the packets decapsulated from them that mark on flannel.1 ($mark_in packet(s) matched \`-i flannel.1 -m mark --mark 0x200/0x200\`)."
  echo "  The conntrack entry is not carried: each datagram and each decapsulated packet is looked up afresh."
  b_readme_tail 'DPORT=8472|8472|flannel|nat:[A-Z-]+:rule|DROP'
} > "$BUNDLE/README.md"
pkp_finish
