#!/usr/bin/env bash
# nft-ct-mark-noct: what nft's conntrack-mark expressions do to a packet without a conntrack entry, the facts pktpath's
# translation of them rests on (NftStatements.markFromCtMark, NftStatements.ctMarkSet, NftSelectors.ctMark), checked in
# two namespaces (pkp-nft-ct-mark-xc the client, pkp-nft-ct-mark-xn the node; deleted on exit). Run as root; prints
# what the kernel did. The node's chain at prerouting priority -300 runs before conntrack's lookup (-200), where no
# packet has an entry yet; three pings are sent.
#   1. `meta mark set ct mark counter accept`: the ct expression breaks the rule, the counter after it stays 0 and the
#      accept is not taken (the next rule counts every packet).
#   2. `ct mark set 0x1 counter`: the set does nothing and the rule goes on, its counter counts every packet.
#   3. `ct mark 0x0 counter` and `ct mark != 0x1 counter`: neither matches (0 each).
#   4. After conntrack's lookup (priority -150) the same rules count every packet but the first ct-mark test (the
#      entry's mark 0x1, from rule 2 there, is read).
set -u
C=pkp-nft-ct-mark-xc; N=pkp-nft-ct-mark-xn
cleanup() { ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $C; ip netns add $N
ip -n $C link set lo up; ip -n $N link set lo up
ip -n $N link add eth0 type veth peer name eth0 netns $C
ip -n $N addr add 10.50.0.1/24 dev eth0; ip -n $C addr add 10.50.0.2/24 dev eth0
ip -n $N link set eth0 up; ip -n $C link set eth0 up
ip netns exec $N nft -f - <<'N'
table ip pkp_noct {
	chain before {
		type filter hook prerouting priority -300; policy accept;
		icmp type echo-request meta mark set ct mark counter accept
		icmp type echo-request counter
		icmp type echo-request ct mark set 0x00000001 counter
		icmp type echo-request ct mark 0x00000000 counter
		icmp type echo-request ct mark != 0x00000001 counter
	}
	chain after {
		type filter hook prerouting priority -150; policy accept;
		icmp type echo-request ct mark set 0x00000001 counter
		icmp type echo-request ct mark 0x00000000 counter
		icmp type echo-request ct mark != 0x00000002 counter
		icmp type echo-request meta mark set ct mark counter
		icmp type echo-request meta mark 0x00000001 counter
	}
}
N
timeout 10 ip netns exec $C ping -c 3 -i 0.2 -W 1 -q 10.50.0.1 | grep -E 'packets transmitted'
ip netns exec $N nft list table ip pkp_noct | grep -E 'chain|counter'
