#!/usr/bin/env bash
# xt-recent-lru: the kernel facts pktpath's replay of `-m recent` lists rests on, checked in one namespace
# (pkp-clusterip-affinity-dualstack-x, deleted on exit; only lo, addresses written into /proc/net/xt_recent, a single
# ping to 127.0.0.1). Run as root; prints what the kernel did.
#   1. A list is one table per --name in the namespace: an iptables and an ip6tables rule with the same name share one
#      /proc/net/xt_recent file holding both families' addresses.
#   2. --reap (after an --rcheck that found the packet's address) drops the list's least recently hit address, of
#      either family, when its last hit is older than --seconds, and never single hit times of the address checked.
#   3. A list holds at most ip_list_tot (100) addresses: a new one drops the least recently hit.
#   4. Hit times kept per address (ip_pkt_list_tot=0): 32 without --hitcount, roundup_pow_of_two(--hitcount) of the
#      largest --hitcount among the list's rules of both families.
#   5. An entry matches only a packet of its own family: an IPv4 entry 127.0.0.1 does not match an IPv6 packet to
#      7f00:1:: (the same 16 bytes in the kernel's nf_inet_addr), an IPv6 entry 7f00:1:: does.
set -u
NS=pkp-clusterip-affinity-dualstack-x
cleanup() { ip netns del $NS 2>/dev/null; }
trap cleanup EXIT
x() { timeout 5 ip netns exec $NS "$@"; }
held() { x cat "/proc/net/xt_recent/$1" | awk -v a="$2" '$1 == "src=" a { n = split($0, s, ","); print n }'; }
cleanup; ip netns add $NS; ip -n $NS link set lo up
echo "module: ip_list_tot=$(cat /sys/module/xt_recent/parameters/ip_list_tot) ip_pkt_list_tot=$(cat /sys/module/xt_recent/parameters/ip_pkt_list_tot)"

x iptables -A OUTPUT -o lo -p icmp -m recent --name L --rcheck --seconds 1 --reap --rdest
x ip6tables -A OUTPUT -o lo -m recent --name L --rcheck --rdest
echo "1. files after an iptables and an ip6tables rule named L: $(x ls /proc/net/xt_recent | tr '\n' ' ')"
x sh -c 'echo +fd00::1 > /proc/net/xt_recent/L; echo +127.0.0.1 > /proc/net/xt_recent/L'
sleep 2
x sh -c 'echo +127.0.0.1 > /proc/net/xt_recent/L'
echo "   L holds: $(x cat /proc/net/xt_recent/L | awk '{ printf "%s ", $1 }')"
x ping -c1 -W1 127.0.0.1 > /dev/null
echo "2. after one ping to 127.0.0.1 (--rcheck --seconds 1 --reap; fd00::1 hit 2 s before, 127.0.0.1 2 s and 0 s before):"
echo "   L holds: $(x cat /proc/net/xt_recent/L | awk '{ printf "%s ", $1 }'); hits of 127.0.0.1: $(held L 127.0.0.1)"

x iptables -A OUTPUT -o lo -m recent --name C --rcheck --rdest
x sh -c 'for i in $(seq 1 100); do echo +10.0.1.$i > /proc/net/xt_recent/C; done; echo +fd00::9 > /proc/net/xt_recent/C'
echo "3. C after 100 IPv4 addresses (10.0.1.1 first) and fd00::9: $(x cat /proc/net/xt_recent/C | wc -l) addresses;" \
  "10.0.1.1 $(x grep -c '^src=10.0.1.1 ' /proc/net/xt_recent/C) time(s), fd00::9 $(x grep -c '^src=fd00:' /proc/net/xt_recent/C)"

x iptables -A OUTPUT -o lo -m recent --name S --rcheck --rdest
x iptables -A OUTPUT -o lo -m recent --name H --rcheck --hitcount 3 --rdest
x sh -c 'for i in $(seq 1 40); do echo +10.0.0.1 > /proc/net/xt_recent/S; echo +10.0.0.1 > /proc/net/xt_recent/H; done'
echo "4. hits held after 40: S (no --hitcount) $(held S 10.0.0.1), H (--hitcount 3) $(held H 10.0.0.1)"
x iptables -A OUTPUT -o lo -m recent --name S --rcheck --hitcount 40 --rdest
x ip6tables -A OUTPUT -o lo -m recent --name H --rcheck --hitcount 10 --rdest
x sh -c 'for i in $(seq 1 70); do echo +10.0.0.1 > /proc/net/xt_recent/S; echo +10.0.0.1 > /proc/net/xt_recent/H; done'
echo "   after 70 more, with an iptables --hitcount 40 rule on S and an ip6tables --hitcount 10 rule on H:" \
  "S $(held S 10.0.0.1), H $(held H 10.0.0.1)"

x sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
x ip -6 addr add 7f00:1::/128 dev lo nodad
x ip6tables -A OUTPUT -o lo -d 7f00:1:: -m recent --name F --rcheck --rdest
x iptables -A OUTPUT -o lo -m recent --name F --rcheck --rdest
x sh -c 'echo +127.0.0.1 > /proc/net/xt_recent/F'
x ping -6 -c1 -W1 7f00:1:: > /dev/null
n1=$(x ip6tables -L OUTPUT -v -n -x | awk '/name: F / { print $1 }')
x sh -c 'echo +7f00:1:: > /proc/net/xt_recent/F'
x ping -6 -c1 -W1 7f00:1:: > /dev/null
n2=$(x ip6tables -L OUTPUT -v -n -x | awk '/name: F / { print $1 }')
echo "5. ip6tables --rcheck --rdest on a ping to 7f00:1:: (request and reply): with only 127.0.0.1 in F $n1 packets matched;" \
  "with 7f00:1:: added $((n2 - n1))"
