#!/usr/bin/env bash
# nft-set-default-size: how many elements a dynamic set without a declared size (or with `size 0`) takes, checked in
# two namespaces (pkp-ds-xn the node, pkp-ds-xp a peer that only receives; deleted on exit). Run as root; prints what
# the kernel did. The node's output chain holds, on `set s { type ipv4_addr; flags dynamic; }`:
#   ip daddr 10.202.0.0/15 add @s { ip daddr } counter    (rule A)
#   ip daddr 10.202.0.0/15 counter                        (rule B)
# The node sends one UDP datagram to each of 70,000 addresses of 10.202.0.0/15, routed through the peer (one
# neighbour), which drops them. Expected on kernel 6.18 (nft 1.0.6):
#   1. The listing of a set without a size, and of `size 0`, says `size 65535` once a rule adds to it: nft_dynset
#      gives such a set the default size when the rule is loaded.
#   2. The set stops at 65,535 elements: rule A counts 65,535 packets, rule B 70,000 (the rule ends without its counter
#      once the set is full, as with a declared size: checks/nft-set-full.sh).
set -u
N=pkp-ds-xn; P=pkp-ds-xp
cleanup() { ip netns del $N 2>/dev/null; ip netns del $P 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $N; ip netns add $P
ip -n $N link set lo up; ip -n $P link set lo up
ip -n $N link add eth0 type veth peer name eth0 netns $P
ip -n $N addr add 10.199.0.1/30 dev eth0; ip -n $P addr add 10.199.0.2/30 dev eth0
ip -n $N link set eth0 up; ip -n $P link set eth0 up
ip -n $N route add 10.202.0.0/15 via 10.199.0.2
ip netns exec $N nft -f - <<'N2'
table ip pkp_ds {
	set s { type ipv4_addr; flags dynamic; }
	set z { type ipv4_addr; size 0; flags dynamic; }
	chain output {
		type filter hook output priority filter; policy accept;
		ip daddr 10.202.0.0/15 add @s { ip daddr } counter
		ip daddr 10.202.0.0/15 counter
		ip daddr 10.255.255.255 add @z { ip daddr }
	}
}
N2
echo "listing: set s $(ip netns exec $N nft list set ip pkp_ds s | grep -o 'size [0-9]*'), set z $(ip netns exec $N nft list set ip pkp_ds z | grep -o 'size [0-9]*')"
# 70,000 datagrams, bounded by count and by 60 s
timeout 60 ip netns exec $N python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent = 0
for i in range(70000):
    try:
        s.sendto(b"x", (f"10.{202 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}", 9))
        sent += 1
    except OSError:
        pass
print("sent", sent)
PY
ip netns exec $N nft list chain ip pkp_ds output | grep -o 'add @s.*\|^.*counter packets [0-9]*' | sed 's/^[[:space:]]*//'
echo "elements in s: $(ip netns exec $N nft -j list set ip pkp_ds s | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len([x for x in d["nftables"] if "set" in x][0]["set"].get("elem", [])))')"
