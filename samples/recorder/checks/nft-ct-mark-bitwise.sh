#!/usr/bin/env bash
# nft-ct-mark-bitwise: what nft's bitwise forms of `meta mark set ct mark` do to the packet's mark, the facts pktpath's
# translation of them rests on (NftStatements.markFromCtMark), checked in two namespaces (pkp-ctb-c the client,
# pkp-ctb-n the node; deleted on exit). Run as root; prints what the kernel did. Three pings are sent.
# The node's chain at prerouting priority -150 (after conntrack's lookup) sets the entry's mark to 0x12345678, then for
# each form sets the packet's mark to 0xf0f0f0f0, applies the form and counts the packet under the value the form gives
# when the packet's other bits are replaced (the first counter after it) and when they are kept (the second):
#   1. `meta mark set ct mark & 0x0000ffff`: replaced 0x00005678, kept 0xf0f05678.
#   2. `meta mark set ct mark | 0x00000001`: replaced 0x12345679, kept (mark | ctmark | 1) 0xf2f4f6f9.
#   3. `meta mark set ct mark ^ 0x000000ff`: replaced 0x12345687, kept (mark ^ ctmark ^ 0xff) 0xe2c4a677.
#   4. `meta mark set ct mark and 0xffff0000`: replaced 0x12340000, kept 0xf0f0f0f0 with 0x1234 on top 0x1234f0f0.
# A chain at priority -300 (before conntrack's lookup, no entry yet) runs the four forms each followed, in the same
# rule, by a counter: the ct expression breaks the rule without an entry, so those counters stay 0 and the mark stays
# 0xf0f0f0f0 (the last rule there counts every packet). nft lists `and 0xffff0000` as `& 0xffff0000`.
# Kernel 6.18, nft 1.0.6: every "replaced" counter 3, every "kept" counter 0, the four counters before conntrack 0.
set -u
C=pkp-ctb-c; N=pkp-ctb-n
cleanup() { ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; }
trap cleanup EXIT
cleanup
ip netns add $C; ip netns add $N
ip -n $C link set lo up; ip -n $N link set lo up
ip -n $N link add eth0 type veth peer name eth0 netns $C
ip -n $N addr add 10.51.0.1/24 dev eth0; ip -n $C addr add 10.51.0.2/24 dev eth0
ip -n $N link set eth0 up; ip -n $C link set eth0 up
ip netns exec $N nft -f - <<'N'
table ip pkp_ctb {
	chain before {
		type filter hook prerouting priority -300; policy accept;
		icmp type echo-request meta mark set 0xf0f0f0f0
		icmp type echo-request meta mark set ct mark & 0x0000ffff counter
		icmp type echo-request meta mark set ct mark | 0x00000001 counter
		icmp type echo-request meta mark set ct mark ^ 0x000000ff counter
		icmp type echo-request meta mark set ct mark and 0xffff0000 counter
		icmp type echo-request meta mark 0xf0f0f0f0 counter
	}
	chain after {
		type filter hook prerouting priority -150; policy accept;
		icmp type echo-request ct mark set 0x12345678
		icmp type echo-request meta mark set 0xf0f0f0f0
		icmp type echo-request meta mark set ct mark & 0x0000ffff counter
		icmp type echo-request meta mark 0x00005678 counter
		icmp type echo-request meta mark 0xf0f05678 counter
		icmp type echo-request meta mark set 0xf0f0f0f0
		icmp type echo-request meta mark set ct mark | 0x00000001 counter
		icmp type echo-request meta mark 0x12345679 counter
		icmp type echo-request meta mark 0xf2f4f6f9 counter
		icmp type echo-request meta mark set 0xf0f0f0f0
		icmp type echo-request meta mark set ct mark ^ 0x000000ff counter
		icmp type echo-request meta mark 0x12345687 counter
		icmp type echo-request meta mark 0xe2c4a677 counter
		icmp type echo-request meta mark set 0xf0f0f0f0
		icmp type echo-request meta mark set ct mark and 0xffff0000 counter
		icmp type echo-request meta mark 0x12340000 counter
		icmp type echo-request meta mark 0x1234f0f0 counter
		icmp type echo-request ct mark 0x12345678 counter
	}
}
N
timeout 10 ip netns exec $C ping -c 3 -i 0.2 -W 1 -q 10.51.0.1 | grep -E 'packets transmitted'
ip netns exec $N nft list table ip pkp_ctb | grep -E 'chain|counter'
