#!/usr/bin/env bash
# bridged-dnat-ttl: whether br_netfilter's bridged DNAT (a packet from a bridge port DNATed in PREROUTING to an address
# on the same bridge, which the bridge then forwards to that address's port) meets ip_forward's TTL check, the fact
# KernelNodePath.forward's bridgedDnat rests on. Three namespaces (pkp-dk-xn the node with bridge br0 10.98.0.1/24 and
# ports va, vb; pkp-dk-xa 10.98.0.2, pkp-dk-xb 10.98.0.3; deleted on exit), bridge-nf-call-iptables=1, a DNAT of
# 10.98.0.1:8080 to 10.98.0.3:80. Run as root; a sends one SYN with TTL 1 and one with TTL 64 to 10.98.0.1:8080, and one
# with TTL 1 to 10.98.0.3:80 straight (bridged, not DNATed), and prints what b received and the node's counters:
# both DNATed SYNs reach b with their TTL unchanged (ttl 1 and ttl 64: no ip_forward, no decrement, no ICMP time
# exceeded), FORWARD counts the 3 SYNs, and the node sends no ICMP time exceeded (its output counter stays 0).
set -u
N=pkp-dk-xn; A=pkp-dk-xa; B=pkp-dk-xb
cleanup() { [ -n "${TD:-}" ] && kill "$TD" 2>/dev/null; for n in $N $A $B; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
cleanup
for n in $N $A $B; do ip netns add $n; ip -n $n link set lo up; done
ip -n $N link add br0 type bridge; ip -n $N link set br0 up; ip -n $N addr add 10.98.0.1/24 dev br0
ip -n $N link add va type veth peer name eth0 netns $A; ip -n $N link add vb type veth peer name eth0 netns $B
ip -n $N link set va master br0 up; ip -n $N link set vb master br0 up
ip -n $A addr add 10.98.0.2/24 dev eth0; ip -n $A link set eth0 up
ip -n $B addr add 10.98.0.3/24 dev eth0; ip -n $B link set eth0 up
ip netns exec $N sysctl -qw net.ipv4.ip_forward=1
ip netns exec $N sysctl -qw net.bridge.bridge-nf-call-iptables=1 || { echo "br_netfilter absent"; exit 1; }
ip netns exec $N nft -f - <<'E'
table ip t {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.98.0.1 tcp dport 8080 counter dnat to 10.98.0.3:80
	}
	chain fw {
		type filter hook forward priority 0; policy accept;
		ip daddr 10.98.0.3 tcp dport 80 counter
	}
	chain out {
		type filter hook output priority 0; policy accept;
		icmp type time-exceeded counter
	}
}
E
sleep 2   # the bridge's port state settles (forwarding) before the SYNs
timeout 8 ip netns exec $B tcpdump -i eth0 -n -v -c 3 'tcp dst port 80' > /tmp/pkp-dk-xb.txt 2>/dev/null & TD=$!
sleep 1
ip netns exec $A ping -c 1 -W 1 10.98.0.1 > /dev/null   # ARP for the gateway
ip netns exec $A python3 - <<'PY'
import socket, struct, time
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def syn(src, dst, sport, dport, ttl):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, 0x02, 64240, 0, 0)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 7, 0x4000, ttl, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip + tcp, (dst, 0)); s.close()
for sport, dst, dport, ttl in ((41001, "10.98.0.1", 8080, 1), (41002, "10.98.0.1", 8080, 64), (41003, "10.98.0.3", 80, 1)):
    syn("10.98.0.2", dst, sport, dport, ttl); time.sleep(0.3)
PY
sleep 1; wait "$TD" 2>/dev/null; TD=
echo "b received:"; grep -E 'ttl|>' /tmp/pkp-dk-xb.txt | paste - - | sed -E 's/.*ttl ([0-9]+).*(10\.98\.0\.2\.[0-9]+ > [0-9.]+).*/  ttl \1  \2/'
rm -f /tmp/pkp-dk-xb.txt
ip netns exec $N nft list table ip t | grep -E 'chain|counter'
