#!/usr/bin/env bash
# nft-set-full: what nft_dynset does when a plain set statement (no stateful expression) meets a full set, checked in
# two namespaces (pkp-fs-xc the clients, pkp-fs-xn the node; deleted on exit). Run as root; prints what the kernel did.
# The node's input chain (policy accept) holds, on `set s { type ipv4_addr; size 2; flags dynamic,timeout; timeout 30s; }`:
#   udp dport 7001 add @s { ip saddr } counter accept      (rule A)
#   udp dport 7001 counter drop                            (rule B)
#   udp dport 7002 update @s { ip saddr } counter accept   (rule U)
#   udp dport 7002 counter drop                            (rule V)
# Four clients (10.51.0.11-.14) each send two datagrams to 7001, then .11 (in the set) and .14 (not) one to 7002.
#   1. The first two addresses are added: rule A accepts and counts their packets.
#   2. Once the set is full, a new address's add fails and the rule ends there (NFT_BREAK): rule A neither counts nor
#      accepts; rule B drops the packet.
#   3. An element already in the full set: `add` matches (it exists), `update` refreshes it and matches too; a new
#      address's `update` on the full set fails like the add.
set -u
C=pkp-fs-xc; N=pkp-fs-xn; MON=; TR="${TMPDIR:-/tmp}/pkp-fs-trace.$$"
cleanup() { [ -n "$MON" ] && kill "$MON" 2>/dev/null; ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; rm -f "$TR"; }
trap cleanup EXIT
cleanup
ip netns add $C; ip netns add $N
ip -n $C link set lo up; ip -n $N link set lo up
ip -n $N link add eth0 type veth peer name eth0 netns $C
ip -n $N addr add 10.51.0.1/24 dev eth0
for h in 11 12 13 14; do ip -n $C addr add 10.51.0.$h/24 dev eth0; done
ip -n $N link set eth0 up; ip -n $C link set eth0 up
ip netns exec $N nft -f - <<'N2'
table inet pkp_fs {
	set s { type ipv4_addr; size 2; flags dynamic,timeout; timeout 30s; }
	chain input {
		type filter hook input priority filter; policy accept;
		meta nftrace set 1
		udp dport 7001 add @s { ip saddr } counter accept
		udp dport 7001 counter drop
		udp dport 7002 update @s { ip saddr } counter accept
		udp dport 7002 counter drop
	}
}
N2
timeout 20 ip netns exec $N nft monitor trace > "$TR" & MON=$!
sleep 1
# bounded, paced: at most 10 datagrams, 0.2 s apart
timeout 10 ip netns exec $C python3 -c "
import socket, time
plan = [(h, 7001) for h in (11, 12, 13, 14) for _ in range(2)] + [(11, 7002), (14, 7002)]
assert len(plan) <= 10
for h, port in plan:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.51.0.%d' % h, 45000 + h))
    s.sendto(b'x', ('10.51.0.1', port)); s.close(); time.sleep(0.2)
    print('sent 10.51.0.%d -> %d' % (h, port), flush=True)
"
sleep 1
kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null; MON=
echo "--- rules and counters after the traffic:"
ip netns exec $N nft list chain inet pkp_fs input | grep -E 'dport' | sed 's/^\s*//'
echo "--- set elements:"
ip netns exec $N nft list set inet pkp_fs s | grep -E 'size|elements' | sed 's/^\s*//'
echo "--- nft monitor trace (per packet: source, the rule that gave the verdict):"
awk '$1 == "trace" {
       id = $3
       if ($0 ~ /packet: /) for (i = 1; i <= NF; i++) if ($i == "saddr") src[id] = $(i + 1)
       if ($0 ~ / rule / && $0 ~ /verdict/ && $0 !~ /nftrace/) { r = $0; sub(/^.* rule /, "", r); print src[id] ": " r }
     }' "$TR"
