#!/usr/bin/env bash
# overlay-calico-vxlan: Calico's VXLAN mode between two nodes. The node has vxlan.calico (VNI 4096, UDP 4789, local
# 172.18.0.2 on eth0, static FDB and neighbor entries as Felix installs them, VTEP address 10.244.1.192 of its block
# 10.244.1.192/26) and Calico-style pods; the uplink namespace plays the remote node 172.18.0.1 with its own vxlan.calico
# (VTEP 10.244.2.0, block 10.244.2.0/26) and the remote pod address 10.244.2.5. Felix's filter rules in their shape: the
# workload chains set the policy-accept mark 0x10000 and FORWARD accepts by it; cali-OUTPUT accepts a packet that
# already carries that mark first (the VXLAN datagram of a forwarded pod packet inherits it), cali-INPUT accepts VXLAN
# only from the hosts of cali40all-vxlan-net (ipset) and drops it from any other host.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="vx-calico"
pkp_init overlay-calico-vxlan
source "$PKP_LIB_DIR/lib-extra.sh"

# Every inner packet is traced twice (itself and its VXLAN datagram), in bursts: xtables-monitor at a higher priority.
start_trace() {
  pkp_bg xtmon nice -n -10 ip netns exec "$NODE_NS" xtables-monitor --trace; PKP_TRACE_PID=$PKP_LAST_PID
  sleep 0.7
  kill -0 "$PKP_TRACE_PID" 2>/dev/null || die "xtables-monitor died: $(cat "$WORK/xtmon.err")"
}

NODE_VTEP_MAC=66:2e:1a:01:c0:00
UP_VTEP_MAC=66:2e:1a:02:00:00
REMOTE_POD=10.244.2.5
ROGUE_IP=172.18.0.9

make_node_ns; make_uplink_ns
add_pod client 10.244.1.194
add_pod web 10.244.1.195
CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)

vtep() { # vtep NS LOCAL_IP MAC ADDR REMOTE_BLOCK REMOTE_VTEP REMOTE_MAC REMOTE_IP
  ip -n "$1" link add vxlan.calico type vxlan id 4096 local "$2" dev eth0 dstport 4789 nolearning
  ip -n "$1" link set vxlan.calico address "$3" mtu 1450
  ip -n "$1" addr add "$4/32" dev vxlan.calico
  ip -n "$1" link set vxlan.calico up
  ip -n "$1" route add "$5" via "$6" dev vxlan.calico onlink
  ip -n "$1" neigh replace "$6" lladdr "$7" dev vxlan.calico nud permanent
  nsx "$1" bridge fdb append "$7" dev vxlan.calico dst "$8"
}
vtep "$NODE_NS" "$NODE_IP" "$NODE_VTEP_MAC" 10.244.1.192 10.244.2.0/26 10.244.2.0 "$UP_VTEP_MAC" "$UPLINK_IP"
vtep "$UPLINK_NS" "$UPLINK_IP" "$UP_VTEP_MAC" 10.244.2.0 10.244.1.192/26 10.244.1.192 "$NODE_VTEP_MAC" "$NODE_IP"
ip -n "$UPLINK_NS" addr add "$REMOTE_POD/32" dev lo
ip -n "$UPLINK_NS" addr add "$ROGUE_IP/24" dev eth0     # a host that is not in cali40all-vxlan-net

nsx "$NODE_NS" ipset create cali40all-vxlan-net hash:net family inet maxelem 1048576
nsx "$NODE_NS" ipset add cali40all-vxlan-net "$UPLINK_IP/32"
nsx "$NODE_NS" ipset save > "$BUNDLE/ipset-save.txt"

wl() { # workload chains of one cali interface: from-workload (fw) and to-workload (tw), profile kns.default
  local c
  for c in fw tw; do
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-1\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-2\" -m conntrack --ctstate INVALID -j DROP"
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-3\" -j MARK --set-xmark 0x0/0x10000"
    [ "$c" = fw ] && echo "-A cali-$c-$1 -p udp -m comment --comment \"cali:$c-$1-4\" -m comment --comment \"Drop VXLAN encapped packets originating in workloads\" -m multiport --dports 4789 -j DROP"
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-5\" -j cali-pr$( [ $c = fw ] && echo o || echo i)-kns.default"
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-6\" -m comment --comment \"Return if profile accepted\" -m mark --mark 0x10000/0x10000 -j RETURN"
    echo "-A cali-$c-$1 -m comment --comment \"cali:$c-$1-7\" -m comment --comment \"Drop if no profiles matched\" -j DROP"
  done
}
{
  cat <<R
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:cali-FORWARD - [0:0]
:cali-INPUT - [0:0]
:cali-OUTPUT - [0:0]
:cali-cidr-block - [0:0]
:cali-from-hep-forward - [0:0]
:cali-from-wl-dispatch - [0:0]
:cali-to-hep-forward - [0:0]
:cali-to-wl-dispatch - [0:0]
:cali-wl-to-host - [0:0]
:cali-pri-kns.default - [0:0]
:cali-pro-kns.default - [0:0]
:cali-fw-$CIF - [0:0]
:cali-tw-$CIF - [0:0]
:cali-fw-$WIF - [0:0]
:cali-tw-$WIF - [0:0]
-A INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT
-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD
-A FORWARD -m comment --comment "cali:S93hcgKJrXEqnTfs" -m comment --comment "Policy explicitly accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT
-A FORWARD -m comment --comment "cali:mp77cMpurHhyjLrM" -j MARK --set-xmark 0x10000/0x10000
-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT
-A cali-FORWARD -m comment --comment "cali:vjrMJCRpqwy5oRoX" -j MARK --set-xmark 0x0/0xe0000
-A cali-FORWARD -m comment --comment "cali:A_sPAO0mcxbT9mOV" -m mark --mark 0x0/0x10000 -j cali-from-hep-forward
-A cali-FORWARD -i cali+ -m comment --comment "cali:8ZoYfO5HKXWbB3pk" -j cali-from-wl-dispatch
-A cali-FORWARD -o cali+ -m comment --comment "cali:jdEuaPBe14V2hutn" -j cali-to-wl-dispatch
-A cali-FORWARD -m comment --comment "cali:12bc6HljsMKsmfr-" -j cali-to-hep-forward
-A cali-FORWARD -m comment --comment "cali:NOSxoaGx8OIstr1z" -j cali-cidr-block
-A cali-INPUT -p udp -m comment --comment "cali:w7ud0UgQSEi_zKuQ" -m comment --comment "Allow VXLAN packets from allowed hosts" -m multiport --dports 4789 -m set --match-set cali40all-vxlan-net src -m addrtype --dst-type LOCAL -j ACCEPT
-A cali-INPUT -p udp -m comment --comment "cali:4cgmbdWsLmozYhJh" -m comment --comment "Drop VXLAN packets from non-allowed hosts" -m multiport --dports 4789 -m addrtype --dst-type LOCAL -j DROP
-A cali-INPUT -i cali+ -m comment --comment "cali:t45BUBhpu3Wsmi1_" -g cali-wl-to-host
-A cali-INPUT -m comment --comment "cali:NOmsycyknYZaGOFf" -m mark --mark 0x10000/0x10000 -j ACCEPT
-A cali-OUTPUT -m comment --comment "cali:Mq1_rAdXXH3YkrzW" -m mark --mark 0x10000/0x10000 -j ACCEPT
-A cali-OUTPUT -o cali+ -m comment --comment "cali:69FkRTJDvD5Vu6Vl" -j RETURN
-A cali-OUTPUT -p udp -m comment --comment "cali:9MnAjAnjuHYJeUaq" -m comment --comment "Allow VXLAN packets to other allowed hosts" -m multiport --dports 4789 -m addrtype --src-type LOCAL -m set --match-set cali40all-vxlan-net dst -j ACCEPT
-A cali-OUTPUT -m comment --comment "cali:Nfnb-4PVVCfAVDSf" -j MARK --set-xmark 0x0/0xf0000
-A cali-from-wl-dispatch -i $CIF -m comment --comment "cali:from-$CIF" -g cali-fw-$CIF
-A cali-from-wl-dispatch -i $WIF -m comment --comment "cali:from-$WIF" -g cali-fw-$WIF
-A cali-from-wl-dispatch -m comment --comment "cali:eBGxY-rwHmEXBIgU" -m comment --comment "Unknown interface" -j DROP
-A cali-to-wl-dispatch -o $CIF -m comment --comment "cali:to-$CIF" -g cali-tw-$CIF
-A cali-to-wl-dispatch -o $WIF -m comment --comment "cali:to-$WIF" -g cali-tw-$WIF
-A cali-to-wl-dispatch -m comment --comment "cali:7KNphB1nNHw80nIO" -m comment --comment "Unknown interface" -j DROP
-A cali-wl-to-host -m comment --comment "cali:Ee9Sbo10IpVujdIY" -j cali-from-wl-dispatch
-A cali-wl-to-host -m comment --comment "cali:nSZbcOoG1xPONxb8" -m comment --comment "Configured DefaultEndpointToHostAction" -j ACCEPT
-A cali-pri-kns.default -m comment --comment "cali:7Fnh7Pv3_98FtLW7" -j MARK --set-xmark 0x10000/0x10000
-A cali-pri-kns.default -m comment --comment "cali:ZbV6bJXWSRefjK0u" -m mark --mark 0x10000/0x10000 -j RETURN
-A cali-pro-kns.default -m comment --comment "cali:dPgrU3NIKZIMn0fz" -j MARK --set-xmark 0x10000/0x10000
-A cali-pro-kns.default -m comment --comment "cali:KrZuqePfN0kR4h8N" -m mark --mark 0x10000/0x10000 -j RETURN
R
  wl "$CIF"; wl "$WIF"
  echo COMMIT
} > "$WORK/rules.v4"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve up tcp 8080 40 "$REMOTE_POD"
b_serve web tcp 8080 40
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
nsx "$NODE_NS" ip -d link show vxlan.calico > "$BUNDLE/ip-d-link-vxlan.txt"
nsx "$NODE_NS" bridge fdb show dev vxlan.calico > "$BUNDLE/bridge-fdb.txt"

# A VXLAN datagram from a host outside cali40all-vxlan-net: VNI 4096, the node's VTEP MAC, an ICMP echo to web inside.
PY_ROGUE="$B_PY_CHECKSUM
$(cat <<'PY'
import socket, struct, sys
src, dst, vtep_mac, inner_src, inner_dst = sys.argv[1:6]
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
icmp = struct.pack("!BBHHH", 8, 0, 0, 4545, 1) + b"pktpath-rogue"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 777, 0x4000, 64, 1, 0,
                 socket.inet_aton(inner_src), socket.inet_aton(inner_dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
frame = mac(vtep_mac) + mac("66:2e:1a:09:00:00") + b"\x08\x00" + ip + icmp
vxlan = struct.pack("!II", 0x08000000, 4096 << 8)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 40000))
s.sendto(vxlan + frame, (dst, 4789))
print("rogue vxlan %s:40000 -> %s:4789 vni 4096 inner %s -> %s icmp echo sent" % (src, dst, inner_src, inner_dst))
PY
)"

snapshot_state before
start_capture; start_trace
b_probe client tcp "$REMOTE_POD" 8080 - 46101; sleep 0.3         # pod -> remote pod through vxlan.calico
b_probe up tcp 10.244.1.195 8080 "$REMOTE_POD" 47101; sleep 0.3  # remote pod -> local pod (decapsulated here)
out="$(timeout 5 ip netns exec "$UPLINK_NS" python3 -c "$PY_ROGUE" "$ROGUE_IP" "$NODE_IP" "$NODE_VTEP_MAC" "$REMOTE_POD" 10.244.1.195 2>&1)"
printf '%s\n' "$out"; printf '[up] %s\n' "$out" >> "$WORK/probes.txt"; sleep 0.5
stop_trace; stop_capture
snapshot_state after
b_keep_probes
awk '/^ *[0-9]+ +[0-9]/ { if (l != "") print l; l = $0; next } { l = l " | inner: " $0 } END { if (l != "") print l }' \
  "$WORK/frames.txt" > "$WORK/frames.joined" && mv "$WORK/frames.joined" "$WORK/frames.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "pod to remote pod" "tcp $REMOTE_POD:8080 from 10.244.1.194:46101 result=connected reply='up port 8080 saw 10.244.1.194:46101'"
ck "remote to local pod" "tcp 10.244.1.195:8080 from $REMOTE_POD:47101 result=connected reply='web port 8080 saw $REMOTE_POD:47101'"
f_out=$(b_expect_frames "outer VXLAN sent" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.4789: VXLAN" 1)
f_in=$(b_expect_frames "outer VXLAN received" "eth0 +In +IP $UPLINK_IP\.[0-9]+ > $NODE_IP\.4789: VXLAN" 1)
f_rogue=$(b_expect_frames "rogue VXLAN" "eth0 +In +IP $ROGUE_IP\.40000 > $NODE_IP\.4789: VXLAN" 1)
b_expect_none "rogue inner decapsulated" "vxlan.calico +In +IP $REMOTE_POD > 10\.244\.1\.195: ICMP"
n_out=$(grep -cE "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.4789" "$WORK/frames.txt" || true)
mark_out=$(b_count filter 'cali:Mq1_rAdXXH3YkrzW')
allow_out=$(b_count filter 'Allow VXLAN packets to other allowed hosts')
allow_in=$(b_count filter 'Allow VXLAN packets from allowed hosts')
drop_in=$(b_count filter 'Drop VXLAN packets from non-allowed hosts')
fwd_accept=$(b_count filter 'Policy explicitly accepted packet.')
[ "$drop_in" -ge 1 ] || b_fail "the rogue datagram was not dropped by cali-INPUT"
[ "$mark_out" -ge 1 ] || b_fail "no VXLAN datagram was accepted by its inherited mark in cali-OUTPUT"
env_put CLIENT_IP 10.244.1.194; env_put REMOTE_POD_IP "$REMOTE_POD"; env_put VXLAN_DEV vxlan.calico
env_put VXLAN_PORT 4789; env_put VXLAN_VNI 4096; env_put ROGUE_IP "$ROGUE_IP"

{
  echo "# overlay-calico-vxlan: Calico's VXLAN mode (vxlan.calico, VNI 4096, UDP 4789) and Felix's filter rules"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): eth0 $NODE_IP/24, pods client 10.244.1.194 (\`$CIF\`) and web 10.244.1.195 (\`$WIF\`),"
  echo "\`vxlan.calico\` (vxlan id 4096 local $NODE_IP dev eth0 dstport 4789 nolearning, MAC $NODE_VTEP_MAC, VTEP 10.244.1.192/32, mtu"
  echo "1450), route \`10.244.2.0/26 via 10.244.2.0 dev vxlan.calico onlink\`, permanent neighbor 10.244.2.0 → $UP_VTEP_MAC, FDB"
  echo "\`$UP_VTEP_MAC dst $UPLINK_IP\` (\`bridge-fdb.txt\`, \`ip-d-link-vxlan.txt\`). The uplink namespace \`$UPLINK_NS\` is the remote"
  echo "node $UPLINK_IP (mirror vxlan.calico, VTEP 10.244.2.0) with the remote pod address $REMOTE_POD on lo, and a second address"
  echo "$ROGUE_IP on eth0 that is not in the ipset \`cali40all-vxlan-net\` (\`ipset-save.txt\`: $UPLINK_IP/32 only)."
  echo "Rules (rules-input.txt): Felix's filter chains in their shape: cali-FORWARD dispatches to the workload chains, whose profile"
  echo "kns.default sets the policy-accept mark 0x10000, and FORWARD accepts by it; cali-OUTPUT first accepts a packet that already"
  echo "carries 0x10000 (\`cali:Mq1_rAdXXH3YkrzW\`), then VXLAN to the allowed hosts; cali-INPUT accepts VXLAN from the allowed hosts"
  echo "and drops it from any other."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client 10.244.1.194:46101 → remote pod $REMOTE_POD:8080 TCP (handshake, payload, reply, FIN)."
  echo "2. remote pod $REMOTE_POD:47101 → web 10.244.1.195:8080 TCP (arrives encapsulated, decapsulated on the node)."
  echo "3. a VXLAN datagram $ROGUE_IP:40000 → $NODE_IP:4789 (VNI 4096, the node's VTEP MAC, an ICMP echo $REMOTE_POD → web inside)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The pod's packets left vxlan.calico and then eth0 as UDP $NODE_IP:<hash port> → $UPLINK_IP:4789 ($n_out frames, e.g. $f_out),"
  echo "  the node's own packets in OUTPUT. A packet forwarded by policy (the first of each connection: FORWARD's \`Policy explicitly"
  echo "  accepted packet.\` counted $fwd_accept) carries the policy-accept mark 0x10000, and its datagram inherits it: cali-OUTPUT's"
  echo "  \`-m mark --mark 0x10000/0x10000 -j ACCEPT\` (cali:Mq1_rAdXXH3YkrzW) counted $mark_out (the SYN's datagram). The datagrams of"
  echo "  established packets (accepted by the workload chains' RELATED,ESTABLISHED rule before any mark) went on to"
  echo "  \`Allow VXLAN packets to other allowed hosts\` ($allow_out)."
  echo "- Received datagrams from $UPLINK_IP (e.g. frame $f_in) were accepted by \`Allow VXLAN packets from allowed hosts\` ($allow_in),"
  echo "  delivered to the VXLAN socket and decapsulated onto vxlan.calico, then forwarded to the pods."
  echo "- The datagram from $ROGUE_IP (frame $f_rogue) was dropped by \`Drop VXLAN packets from non-allowed hosts\` ($drop_in) in"
  echo "  INPUT: nothing was decapsulated (no vxlan.calico frame of its echo request)."
  b_readme_tail '4789|vxlan|DROP|cali-OUTPUT'
} > "$BUNDLE/README.md"
pkp_finish
