#!/usr/bin/env bash
# nft-nat-order: the kernel facts pktpath's replay of native nftables nat chains rests on, checked in two namespaces
# (pkp-nkp-xc the client, pkp-nkp-xn the node; deleted on exit). Run as root; prints what the kernel did.
#   1. The nat chains of one hook (iptables-nft's nat table and nft's own) run in priority order and the first that
#      gives the connection a mapping ends the walk: a later chain's rule is not even counted.
#   2. A nat chain that only counts lets the next one map.
#   3. At equal priority the chain registered later runs first.
#   4. Only a connection's first packet walks the nat chains (two datagrams, counters of 1).
#   5. A nat chain runs at the nat core's priority (-100 at prerouting), whatever its own: one at -110 runs after a
#      filter chain at -105 (nft monitor trace).
set -u
C=pkp-nkp-xc; N=pkp-nkp-xn; MON=
cleanup() { [ -n "$MON" ] && kill "$MON" 2>/dev/null; ip netns del $C 2>/dev/null; ip netns del $N 2>/dev/null; }
trap cleanup EXIT
setup() {
  cleanup
  ip netns add $C; ip netns add $N
  ip -n $C link set lo up; ip -n $N link set lo up
  ip -n $N link add eth0 type veth peer name eth0 netns $C
  ip -n $N addr add 10.50.0.1/24 dev eth0; ip -n $C addr add 10.50.0.2/24 dev eth0
  ip -n $N link set eth0 up; ip -n $C link set eth0 up
  ip -n $C route add default via 10.50.0.1
  ip -n $N addr add 10.9.0.2/32 dev lo; ip -n $N addr add 10.9.0.3/32 dev lo
}
send() { # two datagrams of one flow to 10.7.0.1:80
  timeout 5 ip netns exec $C python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.50.0.2', $1))
for i in range(2): s.sendto(b'x', ('10.7.0.1', 80))
"
}
show() {
  echo "--- $1"
  ip netns exec $N conntrack -L -p udp 2>/dev/null | grep 10.7.0.1 | sed 's/ *\[UNREPLIED\]//; s/  */ /g'
  echo "iptables nat PREROUTING DNAT rule: $(ip netns exec $N iptables -t nat -L PREROUTING -v -n | awk 'NR==3 {print $1}') packet(s)"
  echo "nft chain: $(ip netns exec $N nft list table ip early | grep -E 'counter' | sed 's/^\s*//')"
}
order() { # order NFT_PRIORITY ipt-first|nft-first NFT_STATEMENT
  setup
  local prio="$1" stmt="$3"
  ipt() { ip netns exec $N iptables -t nat -A PREROUTING -p udp --dport 80 -j DNAT --to-destination 10.9.0.2; }
  nf() { printf 'table ip early { chain pre { type nat hook prerouting priority %s; policy accept; udp dport 80 counter %s; }; }\n' \
      "$prio" "$stmt" | ip netns exec $N nft -f -; }
  if [ "$2" = nft-first ]; then nf; ipt; else ipt; nf; fi
  send 40000; show "nft chain at $1 ($2 loaded first), its rule: 'udp dport 80 counter $3'"
}
order "dstnat - 10" ipt-first "dnat to 10.9.0.3"
order "dstnat + 10" ipt-first "dnat to 10.9.0.3"
order "dstnat - 10" ipt-first ""
order "dstnat" ipt-first "dnat to 10.9.0.3"
order "dstnat" nft-first "dnat to 10.9.0.3"

setup
ip netns exec $N nft -f - <<'N2'
table ip t {
  chain tr { type filter hook prerouting priority -300; policy accept; meta nftrace set 1; }
  chain natpre { type nat hook prerouting priority -110; policy accept; udp dport 80 counter dnat to 10.9.0.3; }
  chain filt { type filter hook prerouting priority -105; policy accept; udp dport 80 counter; }
}
N2
timeout 8 ip netns exec $N nft monitor trace > "${TMPDIR:-/tmp}/pkp-nkp-trace.$$" & MON=$!
sleep 1; send 40001; sleep 1
kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null; MON=
echo "--- nat chain at -110 and filter chain at -105 on prerouting, nft monitor trace of the two datagrams (chains in the order they ran; the second walks no nat chain):"
awk '$1 == "trace" && $6 != "tr" {print "packet " $3 ": chain " $6}' "${TMPDIR:-/tmp}/pkp-nkp-trace.$$" | uniq
rm -f "${TMPDIR:-/tmp}/pkp-nkp-trace.$$"
