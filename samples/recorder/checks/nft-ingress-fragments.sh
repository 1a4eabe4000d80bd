#!/usr/bin/env bash
# nft-ingress-fragments: what nftables ingress chains see of a fragmented datagram, the facts pktpath's replay of
# ingress chains rests on (ReplayLoop: each received fragment walks them before nf_defrag, KernelNodePath.fragmentIngress),
# checked in two namespaces (pkp-ing6-xc the client, pkp-ing6-xn the node; deleted on exit). Run as root; prints what
# the kernel did. The node has conntrack in use (an inet prerouting chain with `ct state new`), a netdev ingress chain
# and an inet ingress chain on eth0 counting what they see. The client sends, over a veth of MTU 1500, one UDP datagram
# of 3000 bytes (three fragments) per port and family: to 5000 (let through), to 5001 (`udp dport 5001 counter drop`
# drops its first fragment), and to 5002 from a second address whose non-first fragments a rule drops (`ip frag-off &
# 0x1fff != 0`, `frag frag-off != 0`). Each server prints what it received. On kernel 6.18 (nftables 1.0.6):
#   1. every fragment walks both chains: `meta l4proto udp counter` counted 9 packets per family in the netdev chain
#      (3 datagrams of 3 fragments) and 18 in the inet chain; the non-first-fragment rules counted 6 per family;
#   2. `udp dport` and `th dport` matched the first fragments only (3 per family): a non-first fragment has no
#      transport header (nft_payload_eval fails a transport-header load when pkt->fragoff is not 0);
#   3. only the datagrams to 5000 were received: a drop of the first fragment, or of the later ones, loses the
#      datagram; the inet prerouting chain counted 2 packets (the two whole datagrams, once each).
set -u
C=pkp-ing6-xc; N=pkp-ing6-xn
cleanup() { ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $C; ip netns add $N
for ns in $C $N; do
  ip -n $ns link set lo up
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 >/dev/null
done
ip -n $N link add eth0 type veth peer name eth0 netns $C
ip -n $N addr add 10.60.0.1/24 dev eth0; ip -n $C addr add 10.60.0.2/24 dev eth0; ip -n $C addr add 10.60.0.3/24 dev eth0
ip -n $N addr add fd00:60::1/64 dev eth0 nodad; ip -n $C addr add fd00:60::2/64 dev eth0 nodad
ip -n $C addr add fd00:60::3/64 dev eth0 nodad
ip -n $N link set eth0 up; ip -n $C link set eth0 up
ip netns exec $N nft -f - <<'N'
table netdev pkp_fr {
	chain ing {
		type filter hook ingress device "eth0" priority filter; policy accept;
		meta protocol ip meta l4proto udp counter
		meta protocol ip6 meta l4proto udp counter
		meta protocol ip udp dport { 5000, 5001, 5002 } counter
		meta protocol ip6 udp dport { 5000, 5001, 5002 } counter
		meta protocol ip th dport { 5000, 5001, 5002 } counter
		meta protocol ip6 th dport { 5000, 5001, 5002 } counter
		meta protocol ip ip frag-off & 0x1fff != 0 counter
		meta protocol ip6 frag frag-off != 0 counter
		udp dport 5001 counter drop
		ip saddr 10.60.0.3 ip frag-off & 0x1fff != 0 counter drop
		ip6 saddr fd00:60::3 frag frag-off != 0 counter drop
	}
}
table inet pkp_fi {
	chain ing {
		type filter hook ingress device "eth0" priority filter - 10; policy accept;
		meta l4proto udp counter
		udp dport { 5000, 5001, 5002 } counter
	}
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		ct state new meta l4proto udp counter
		meta l4proto udp counter
	}
}
N
srv() { # FAMILY ADDR PORT
  timeout 12 ip netns exec $N python3 -u -c '
import socket, sys, select, time
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((sys.argv[2], int(sys.argv[3])))
end = time.time() + 8
while time.time() < end:
    r, _, _ = select.select([s], [], [], 0.5)
    if r:
        d, p = s.recvfrom(65535); print("server %s port %s got %d bytes from %s" % (sys.argv[1], sys.argv[3], len(d), p[0]), flush=True)
' "$@" &
}
for p in 5000 5001 5002; do srv 4 10.60.0.1 $p; srv 6 fd00:60::1 $p; done
sleep 1
send() { # FAMILY SRC DST PORT
  timeout 3 ip netns exec $C python3 -c '
import socket, sys
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((sys.argv[2], 0)); s.sendto(b"x" * 3000, (sys.argv[3], int(sys.argv[4])))
print("client %s sent 3000 bytes to port %s" % (sys.argv[1], sys.argv[4]))' "$@"
  sleep 0.3
}
send 4 10.60.0.2 10.60.0.1 5000; send 4 10.60.0.2 10.60.0.1 5001; send 4 10.60.0.3 10.60.0.1 5002
send 6 fd00:60::2 fd00:60::1 5000; send 6 fd00:60::2 fd00:60::1 5001; send 6 fd00:60::3 fd00:60::1 5002
sleep 1
ip netns exec $N nft list ruleset | grep -E 'chain|counter'
ip netns exec $N nstat -az 2>/dev/null | grep -E '^Ip6?(ReasmReqds|ReasmOKs|ReasmFails|InDelivers)|Ip6Reasm' | awk '{print $1, $2}'
wait
