#!/usr/bin/env bash
# overlay-calico-ipip: Calico's IP-in-IP mode between two nodes. The node has tunl0 (address 10.244.1.192, the first of
# its block 10.244.1.192/26) and Calico-style pods; the uplink namespace plays the remote node 172.18.0.1 with its own
# tunl0 (10.244.2.0, block 10.244.2.0/26) and a Calico-style pod 10.244.2.5 in a namespace of its own. Felix's routes
# `<remote block> via <remote node> dev tunl0 onlink`, Felix's IPIP filter rules (cali-INPUT accepts IPIP only from the
# hosts of cali40all-hosts-net, cali-OUTPUT sends it only to them), natOutgoing (cali-nat-outgoing: masquerade of pool
# traffic leaving the pools), a kube-proxy ClusterIP whose only endpoint is the remote pod, and a TCPMSS
# --clamp-mss-to-pmtu rule in mangle FORWARD.
#
# The kernel this was recorded on has no IPIP driver (CONFIG_NET_IPIP is not set, no modules): tunl0 is a TUN device
# (no link layer, mtu 1480 as ipip's) served by a small relay in each node namespace that does what ipip's fallback
# tunl0 does (ttl inherit, nopmtudisc, no remote, no local): a packet routed to tunl0 leaves again as an IP protocol 4
# packet from the node's address to the route's gateway (the relay reads that gateway from the same block table Felix
# programmed as routes), TTL and DF copied from the inner packet, sent through a raw socket (IP_HDRINCL) so that it
# passes OUTPUT and POSTROUTING as the node's own packet, as ip_tunnel_xmit's ip_local_out does; a protocol 4 packet
# delivered locally (after PREROUTING and INPUT) is read from a raw socket and its inner packet is written to tunl0,
# where it passes PREROUTING again as ipip_rcv's netif_rx does. What differs from the driver: the encapsulated packet
# does not keep the inner packet's fwmark (nor the decapsulated one the outer's), so no rule here marks a packet that
# crosses the tunnel; the outer packet's IP ID is 0 (a raw socket's DF packet) instead of a hashed one; the capture's
# tunl0 frames have ARPHRD_NONE (tun) instead of ARPHRD_TUNNEL.
source "$(dirname "$0")/../lib.sh"
pkp_init overlay-calico-ipip
source "$PKP_LIB_DIR/lib-extra.sh"

# Every inner packet is traced twice (itself and its IPIP packet): xtables-monitor at a higher priority.
start_trace() {
  pkp_bg xtmon nice -n -10 ip netns exec "$NODE_NS" xtables-monitor --trace; PKP_TRACE_PID=$PKP_LAST_PID
  sleep 0.7
  kill -0 "$PKP_TRACE_PID" 2>/dev/null || die "xtables-monitor died: $(cat "$WORK/xtmon.err")"
}

REMOTE_POD=10.244.2.5
ROGUE_IP=172.18.0.9
CLUSTER_IP=10.96.0.30
OUTSIDE_PORT=9090

make_node_ns; make_uplink_ns
add_pod client 10.244.1.194
add_pod web 10.244.1.195
CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)

# The remote node's pod, Calico style, on the uplink namespace (its node).
RPOD_NS="$(pod_ns rpod)"; RPOD_IF="$(host_if rpod)"
new_ns "$RPOD_NS"
ip -n "$UPLINK_NS" link add "$RPOD_IF" type veth peer name eth0 netns "$RPOD_NS"
ip -n "$UPLINK_NS" link set "$RPOD_IF" address ee:ee:ee:ee:ee:ee
nsx "$UPLINK_NS" sysctl -qw "net.ipv4.conf.$RPOD_IF.proxy_arp=1" "net.ipv4.neigh.$RPOD_IF.proxy_delay=0" \
  net.ipv4.ip_forward=1 >/dev/null
ip -n "$UPLINK_NS" link set "$RPOD_IF" up
ip -n "$RPOD_NS" link set eth0 up
ip -n "$RPOD_NS" addr add "$REMOTE_POD/32" dev eth0
ip -n "$RPOD_NS" route add default via "$POD_GW" dev eth0 onlink
ip -n "$UPLINK_NS" route add "$REMOTE_POD/32" dev "$RPOD_IF" scope link
env_put POD_RPOD_NS "$RPOD_NS"; env_put POD_RPOD_IP "$REMOTE_POD"; env_put POD_RPOD_HOSTIF "$RPOD_IF"
ip -n "$UPLINK_NS" addr add "$ROGUE_IP/24" dev eth0     # a host that is not in cali40all-hosts-net

# The tunl0 relay (see the header): TUN device NAME, lifetime, the node's address, then BLOCK=GATEWAY pairs.
PY_RELAY="$(cat <<'PY'
import fcntl, ipaddress, os, select, socket, struct, sys, time
name, life, local = sys.argv[1], float(sys.argv[2]), sys.argv[3]
blocks = [(ipaddress.ip_network(b), gw) for b, gw in (a.split("=") for a in sys.argv[4:])]
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))   # TUNSETIFF, IFF_TUN|IFF_NO_PI
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
print("ready", flush=True)
end = time.time() + life
while time.time() < end:
    r, _, _ = select.select([fd, raw], [], [], 0.2)
    if fd in r:
        inner = os.read(fd, 65535)
        if len(inner) >= 20 and inner[0] >> 4 == 4:
            dst = ipaddress.ip_address(inner[16:20])
            gw = next((g for b, g in blocks if dst in b), None)
            if gw is not None:
                df = struct.unpack("!H", inner[6:8])[0] & 0x4000
                outer = struct.pack("!BBHHHBBH4s4s", 0x45, inner[1] & 3, 20 + len(inner), 0, df, inner[8], 4, 0,
                                    socket.inet_aton(local), socket.inet_aton(gw))
                raw.sendto(outer + inner, (gw, 0))
    if raw in r:
        pkt = raw.recv(65535)
        os.write(fd, pkt[(pkt[0] & 15) * 4:])
PY
)"
tunl() { # tunl ROLE NS LOCAL_IP TUNL_ADDR REMOTE_BLOCK REMOTE_NODE
  ip -n "$2" tuntap add dev tunl0 mode tun
  ip -n "$2" link set tunl0 mtu 1480
  ip -n "$2" addr add "$4/32" dev tunl0
  ip -n "$2" link set tunl0 up
  pkp_bg "relay-$1" timeout 60 ip netns exec "$2" python3 -u -c "$PY_RELAY" tunl0 50 "$3" "$5=$6"
  local i
  for i in $(seq 1 50); do grep -q ready "$WORK/relay-$1.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$WORK/relay-$1.out" || die "tunl0 relay in $2 did not start: $(cat "$WORK/relay-$1.err")"
  ip -n "$2" route add "$5" via "$6" dev tunl0 onlink
}
tunl node "$NODE_NS" "$NODE_IP" 10.244.1.192 10.244.2.0/26 "$UPLINK_IP"
tunl up "$UPLINK_NS" "$UPLINK_IP" 10.244.2.0 10.244.1.192/26 "$NODE_IP"

# Felix's ipsets: the Calico hosts, the IP pools and the pools with natOutgoing.
nsx "$NODE_NS" ipset create cali40all-hosts-net hash:net family inet maxelem 1048576
nsx "$NODE_NS" ipset add cali40all-hosts-net "$UPLINK_IP/32"
nsx "$NODE_NS" ipset add cali40all-hosts-net "$NODE_IP/32"
nsx "$NODE_NS" ipset create cali40all-ipam-pools hash:net family inet maxelem 1048576
nsx "$NODE_NS" ipset add cali40all-ipam-pools 10.244.0.0/16
nsx "$NODE_NS" ipset create cali40masq-ipam-pools hash:net family inet maxelem 1048576
nsx "$NODE_NS" ipset add cali40masq-ipam-pools 10.244.0.0/16
nsx "$NODE_NS" ipset save > "$BUNDLE/ipset-save.txt"

kp_reset
kp_service default/web-remote:http tcp "$CLUSTER_IP" 80 - cluster "$REMOTE_POD:8080"
kp_write_rules "$WORK/kp.v4"
# Felix's rules in their shape (IPIP mode, natOutgoing), added to kube-proxy's tables; the TCPMSS clamp in mangle.
awk '
  /^\*/ { t = substr($0, 2) }
  /^COMMIT/ && t == "filter" {
    print ":cali-INPUT - [0:0]"
    print ":cali-OUTPUT - [0:0]"
    print "-A INPUT -m comment --comment \"cali:Cz_u1IQiXIMmKD4c\" -j cali-INPUT"
    print "-A OUTPUT -m comment --comment \"cali:tVnHkvAo15HuiPy0\" -j cali-OUTPUT"
    print "-A cali-INPUT -p ipencap -m comment --comment \"cali:PajejrV4aFdkZojI\" -m comment --comment \"Allow IPIP packets from Calico hosts\" -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL -j ACCEPT"
    print "-A cali-INPUT -p ipencap -m comment --comment \"cali:_wjq-Yrma8Ly1Svo\" -m comment --comment \"Drop IPIP packets from non-Calico hosts\" -j DROP"
    print "-A cali-OUTPUT -o cali+ -m comment --comment \"cali:69FkRTJDvD5Vu6Vl\" -j RETURN"
    print "-A cali-OUTPUT -p ipencap -m comment --comment \"cali:AXL5l4mF2xVdNAPu\" -m comment --comment \"Allow IPIP packets to other Calico hosts\" -m set --match-set cali40all-hosts-net dst -m addrtype --src-type LOCAL -j ACCEPT"
  }
  /^COMMIT/ && t == "nat" {
    print ":cali-POSTROUTING - [0:0]"
    print ":cali-nat-outgoing - [0:0]"
    print "-A POSTROUTING -m comment --comment \"cali:O3lYWMrLQYEMJtB5\" -j cali-POSTROUTING"
    print "-A cali-POSTROUTING -m comment --comment \"cali:Z-c7XtVd2Bq7s_hA\" -j cali-nat-outgoing"
    print "-A cali-POSTROUTING -o tunl0 -m comment --comment \"cali:SXWvdsbh4Mw7wOln\" -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE --random-fully"
    print "-A cali-nat-outgoing -m comment --comment \"cali:flqWnvo8yq4ULQLa\" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully"
  }
  { print }
' "$WORK/kp.v4" > "$WORK/rules.v4"
cat >> "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -m comment --comment "clamp MSS to path MTU" -j TCPMSS --clamp-mss-to-pmtu
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve rpod tcp 8080 40
b_serve up tcp "$OUTSIDE_PORT" 40 "$UPLINK_IP"
b_serve web tcp 8080 40
ip netns exec "$NODE_NS" ss -tulnp > "$BUNDLE/ss-tulnp.txt"
nsx "$NODE_NS" ip -d link show tunl0 > "$BUNDLE/ip-d-link-tunl0.txt"

# An IPIP packet from a host outside cali40all-hosts-net: an ICMP echo from the remote pod to web inside.
PY_ROGUE="$B_PY_CHECKSUM
$(cat <<'PY'
import socket, struct, sys
src, dst, inner_src, inner_dst = sys.argv[1:5]
icmp = struct.pack("!BBHHH", 8, 0, 0, 4646, 1) + b"pktpath-rogue"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 778, 0x4000, 64, 1, 0,
                 socket.inet_aton(inner_src), socket.inet_aton(inner_dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + icmp
outer = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(ip), 0, 0x4000, 64, 4, 0, socket.inet_aton(src), socket.inet_aton(dst))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
s.sendto(outer + ip, (dst, 0))
print("rogue ipip %s -> %s inner %s -> %s icmp echo sent" % (src, dst, inner_src, inner_dst))
PY
)"

snapshot_state before
start_capture; start_trace
b_probe client tcp "$REMOTE_POD" 8080 - 46201; sleep 0.3          # pod -> remote pod through tunl0
b_probe client tcp "$CLUSTER_IP" 80 - 46202; sleep 0.3            # pod -> ClusterIP, DNATed to the remote pod
b_probe rpod tcp 10.244.1.195 8080 - 47201; sleep 0.3             # remote pod -> local pod (decapsulated here)
b_probe client tcp "$UPLINK_IP" "$OUTSIDE_PORT" - 46203; sleep 0.3  # pod -> outside the pools: natOutgoing
out="$(timeout 5 ip netns exec "$UPLINK_NS" python3 -c "$PY_ROGUE" "$ROGUE_IP" "$NODE_IP" "$REMOTE_POD" 10.244.1.195 2>&1)"
printf '%s\n' "$out"; printf '[up] %s\n' "$out" >> "$WORK/probes.txt"; sleep 0.5
stop_trace; stop_capture
snapshot_state after
b_keep_probes
awk '/^ *[0-9]+ +[0-9]/ { if (l != "") print l; l = $0; next } { l = l " | inner: " $0 } END { if (l != "") print l }' \
  "$WORK/frames.txt" > "$WORK/frames.joined" && mv "$WORK/frames.joined" "$WORK/frames.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "pod to remote pod" "tcp $REMOTE_POD:8080 from 10.244.1.194:46201 result=connected reply='rpod port 8080 saw 10.244.1.194:46201'"
ck "pod to clusterip" "tcp $CLUSTER_IP:80 from 10.244.1.194:46202 result=connected reply='rpod port 8080 saw 10.244.1.194:46202'"
ck "remote to local pod" "tcp 10.244.1.195:8080 from $REMOTE_POD:47201 result=connected reply='web port 8080 saw $REMOTE_POD:47201'"
ck "pod to outside" "tcp $UPLINK_IP:$OUTSIDE_PORT from 10.244.1.194:46203 result=connected reply='up port $OUTSIDE_PORT saw $NODE_IP:[0-9]+'"
f_out=$(b_expect_frames "outer IPIP sent" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: IP " 1)
f_in=$(b_expect_frames "outer IPIP received" "eth0 +In +IP $UPLINK_IP > $NODE_IP: IP " 1)
f_tun=$(b_expect_frames "inner on tunl0" "tunl0 +Out +IP 10\.244\.1\.194\.46201 > $REMOTE_POD\.8080" 1)
f_rogue=$(b_expect_frames "rogue IPIP" "eth0 +In +IP $ROGUE_IP > $NODE_IP: IP " 1)
b_expect_none "rogue inner decapsulated" "tunl0 +In +IP $REMOTE_POD > 10\.244\.1\.195: ICMP"
n_out=$(grep -cE "eth0 +Out +IP $NODE_IP > $UPLINK_IP: IP " "$WORK/frames.txt" || true)
n_in=$(grep -cE "eth0 +In +IP $UPLINK_IP > $NODE_IP: IP " "$WORK/frames.txt" || true)
syn_cali=$(grep -E "$CIF +In +IP 10\.244\.1\.194\.46201 > $REMOTE_POD\.8080: Flags \[S\]" "$WORK/frames.txt" | grep -oE 'mss [0-9]+' | head -1)
syn_tun=$(grep -E "tunl0 +Out +IP 10\.244\.1\.194\.46201 > $REMOTE_POD\.8080: Flags \[S\]" "$WORK/frames.txt" | grep -oE 'mss [0-9]+' | head -1)
[ -n "$syn_cali" ] && [ -n "$syn_tun" ] || b_fail "no SYN MSS on $CIF or tunl0"
# the SYN-ACK of the same connection: as the remote pod sent it (tunl0 In) and as it reached the pod ($CIF Out)
sa_tun=$(grep -E "tunl0 +In +IP $REMOTE_POD\.8080 > 10\.244\.1\.194\.46201: Flags \[S\.\]" "$WORK/frames.txt" | grep -oE 'mss [0-9]+' | head -1)
sa_cali=$(grep -E "$CIF +Out +IP $REMOTE_POD\.8080 > 10\.244\.1\.194\.46201: Flags \[S\.\]" "$WORK/frames.txt" | grep -oE 'mss [0-9]+' | head -1)
[ -n "$sa_tun" ] && [ -n "$sa_cali" ] || b_fail "no SYN-ACK MSS on tunl0 or $CIF"
allow_out=$(b_count filter 'Allow IPIP packets to other Calico hosts')
allow_in=$(b_count filter 'Allow IPIP packets from Calico hosts')
drop_in=$(b_count filter 'Drop IPIP packets from non-Calico hosts')
masq_out=$(b_count nat 'cali:flqWnvo8yq4ULQLa')
clamp=$(b_count mangle 'clamp MSS to path MTU')
[ "$drop_in" -ge 1 ] || b_fail "the rogue IPIP packet was not dropped by cali-INPUT"
[ "$masq_out" -ge 1 ] || b_fail "cali-nat-outgoing masqueraded nothing"
[ "$allow_out" -ge 1 ] || b_fail "no IPIP packet was accepted by cali-OUTPUT"
env_put CLIENT_IP 10.244.1.194; env_put REMOTE_POD_IP "$REMOTE_POD"; env_put TUNNEL_DEV tunl0; env_put CLUSTER_IP "$CLUSTER_IP"
env_put ROGUE_IP "$ROGUE_IP"; env_put SYN_MSS_POD "${syn_cali#mss }"; env_put SYN_MSS_TUNL0 "${syn_tun#mss }"
env_put SYNACK_MSS_TUNL0 "${sa_tun#mss }"; env_put SYNACK_MSS_POD "${sa_cali#mss }"

{
  echo "# overlay-calico-ipip: Calico's IP-in-IP mode (tunl0), natOutgoing, a ClusterIP to a remote pod, TCPMSS clamp"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): eth0 $NODE_IP/24, pods client 10.244.1.194 (\`$CIF\`) and web 10.244.1.195, tunl0"
  echo "10.244.1.192/32 (mtu 1480, no link layer), route \`10.244.2.0/26 via $UPLINK_IP dev tunl0 onlink\` as Felix programs it."
  echo "The uplink namespace \`$UPLINK_NS\` is the remote node $UPLINK_IP (tunl0 10.244.2.0/32, route \`10.244.1.192/26 via"
  echo "$NODE_IP dev tunl0 onlink\`) with the pod \`$RPOD_NS\` $REMOTE_POD (\`$RPOD_IF\`), and a second address $ROGUE_IP"
  echo "on eth0 that is not in the ipset \`cali40all-hosts-net\` (\`ipset-save.txt\`)."
  echo
  echo "**tunl0 is emulated**: this kernel has no IPIP driver (CONFIG_NET_IPIP is not set). tunl0 is a TUN device served by a"
  echo "relay (see the script's header) that behaves as ipip's fallback tunl0 (ttl inherit, nopmtudisc): it sends each packet"
  echo "routed to tunl0 as IP protocol 4 from $NODE_IP to the route's gateway through a raw socket, so the outer packet passes"
  echo "OUTPUT and POSTROUTING as the node's own packet; a protocol 4 packet delivered locally (after PREROUTING and INPUT) is"
  echo "decapsulated and its inner packet written to tunl0, where it passes PREROUTING again. Unlike the driver the outer packet"
  echo "does not keep the inner packet's fwmark, so no rule here marks a packet that crosses the tunnel, and its IP ID is 0 (a raw"
  echo "socket's DF packet)."
  echo
  echo "Rules (rules-input.txt): kube-proxy's tables with ClusterIP $CLUSTER_IP:80 → $REMOTE_POD:8080; Felix's IPIP rules"
  echo "(cali-INPUT accepts protocol 4 from cali40all-hosts-net to a local address and drops any other, cali-OUTPUT accepts it"
  echo "to those hosts), cali-POSTROUTING with cali-nat-outgoing (MASQUERADE of cali40masq-ipam-pools sources to destinations"
  echo "outside cali40all-ipam-pools) and the tunl0 source rule; mangle FORWARD \`TCPMSS --clamp-mss-to-pmtu\` for SYNs."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client 10.244.1.194:46201 → remote pod $REMOTE_POD:8080 TCP."
  echo "2. client 10.244.1.194:46202 → ClusterIP $CLUSTER_IP:80 TCP, DNATed to $REMOTE_POD:8080 and encapsulated."
  echo "3. remote pod $REMOTE_POD:47201 → web 10.244.1.195:8080 TCP (arrives encapsulated, decapsulated on the node)."
  echo "4. client 10.244.1.194:46203 → $UPLINK_IP:$OUTSIDE_PORT TCP (leaves the pools: natOutgoing)."
  echo "5. an IPIP packet $ROGUE_IP → $NODE_IP (an ICMP echo $REMOTE_POD → web inside)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The pods' packets to the remote block left on tunl0 (e.g. frame $f_tun) and then on eth0 as IP protocol 4"
  echo "  $NODE_IP → $UPLINK_IP ($n_out frames, e.g. $f_out), accepted in OUTPUT by \`Allow IPIP packets to other Calico hosts\`"
  echo "  ($allow_out); neither the inner packets (destination in the pool) nor the outer ones (source outside the pools) were"
  echo "  masqueraded by cali-nat-outgoing."
  echo "- Received IPIP packets from $UPLINK_IP ($n_in frames, e.g. $f_in) were accepted in INPUT by \`Allow IPIP packets from"
  echo "  Calico hosts\` ($allow_in), decapsulated onto tunl0 and forwarded to the pods."
  echo "- The connection to $UPLINK_IP:$OUTSIDE_PORT left eth0 directly, masqueraded by cali-nat-outgoing ($masq_out)."
  echo "- The SYN's MSS: ${syn_cali} on \`$CIF\`, ${syn_tun} on tunl0 (mtu 1480); the SYN-ACK's: ${sa_tun} on tunl0, ${sa_cali}"
  echo "  on \`$CIF\` (the clamp takes the smaller of the route's MTU and the MTU of the route back to the source, here"
  echo "  tunl0's): the clamp counted $clamp SYNs."
  echo "- The IPIP packet from $ROGUE_IP (frame $f_rogue) was dropped by \`Drop IPIP packets from non-Calico hosts\` ($drop_in):"
  echo "  nothing was decapsulated."
  b_readme_tail 'ipencap|DROP|nat:[A-Za-z-]+:rule|MASQ|TCPMSS'
} > "$BUNDLE/README.md"
pkp_finish
