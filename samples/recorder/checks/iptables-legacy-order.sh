#!/usr/bin/env bash
# iptables-legacy-order: what the kernel does when one namespace holds iptables-legacy tables (x_tables) AND
# iptables-nft chains at the same hooks and priorities. Namespaces pkp-ileg-xc (client), pkp-ileg-xr (router),
# pkp-ileg-xs (server); deleted on exit. Run as root; prints what the kernel did.
#   1. Order at equal priority (filter FORWARD 0, mangle PREROUTING -150): each backend's first rule accepts a packet
#      carrying the other backend's mark, its second rule sets its own mark; the counters show which ran second.
#      Tried with the legacy rules loaded first and with the nft rules loaded first (fresh namespaces each time), and
#      with the nft rules first and then the whole nft ruleset restored again with iptables-nft-restore (no --noflush).
#   2. NAT: both backends' nat PREROUTING DNAT the same flow to different addresses; conntrack shows which mapped and
#      the counters whether the other nat table was walked at all.
#   3. A DROP in either backend drops whatever the other accepted.
set -u
C=pkp-ileg-xc; R=pkp-ileg-xr; S=pkp-ileg-xs
cleanup() { for n in $C $R $S; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
setup() {
  cleanup
  for n in $C $R $S; do ip netns add $n; ip -n $n link set lo up; done
  ip -n $R link add eth0 type veth peer name eth0 netns $C
  ip -n $R link add eth1 type veth peer name eth0 netns $S
  ip -n $R addr add 10.61.0.1/24 dev eth0; ip -n $C addr add 10.61.0.2/24 dev eth0
  ip -n $R addr add 10.62.0.1/24 dev eth1; ip -n $S addr add 10.62.0.2/24 dev eth0; ip -n $S addr add 10.62.0.3/24 dev eth0
  for n in $C $S; do ip -n $n link set eth0 up; done; ip -n $R link set eth0 up; ip -n $R link set eth1 up
  ip -n $C route add default via 10.61.0.1; ip -n $S route add default via 10.62.0.1
  ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
}
send() { # send PORT COUNT DST: COUNT datagrams of one flow from 10.61.0.2:PORT
  timeout 5 ip netns exec $C python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.61.0.2', $1))
for i in range($2):
    s.sendto(b'x', ('${3:-10.62.0.2}', 80)); time.sleep(0.05)
"
}
cnt() { # cnt BACKEND TABLE CHAIN: the chain's rules as "pkts target-and-match"
  ip netns exec $R iptables-$1-save -c -t "$2" 2>/dev/null | grep -- "-A $3 " | sed 's/^\[\([0-9]*\):[0-9]*\] -A [A-Z]* /\1 /' | paste -sd'|'
}
legacy_rules() {
  ip netns exec $R iptables-legacy -t "$1" -A "$2" -m mark --mark 0x2 -j ACCEPT
  ip netns exec $R iptables-legacy -t "$1" -A "$2" -j MARK --set-mark 0x1
}
nft_rules() {
  ip netns exec $R iptables-nft -t "$1" -A "$2" -m mark --mark 0x1 -j ACCEPT
  ip netns exec $R iptables-nft -t "$1" -A "$2" -j MARK --set-mark 0x2
}
order() { # order TABLE CHAIN legacy-first|nft-first
  setup
  if [ "$3" = legacy-first ]; then legacy_rules "$1" "$2"; nft_rules "$1" "$2"; else nft_rules "$1" "$2"; legacy_rules "$1" "$2"; fi
  send 40000 3
  echo "--- $1 $2, $3: 3 datagrams; a backend whose 'mark 0x(other) ACCEPT' rule counted ran second"
  echo "    legacy: $(cnt legacy "$1" "$2")"
  echo "    nft:    $(cnt nft "$1" "$2")"
}
order filter FORWARD legacy-first
order filter FORWARD nft-first
order mangle PREROUTING legacy-first
order mangle PREROUTING nft-first

setup
nft_rules filter FORWARD; legacy_rules filter FORWARD
ip netns exec $R iptables-nft-save 2>/dev/null > /tmp/pkp-ileg-nft.$$
ip netns exec $R iptables-nft-restore < /tmp/pkp-ileg-nft.$$; rm -f /tmp/pkp-ileg-nft.$$
send 40001 3
echo "--- filter FORWARD, nft first, then iptables-nft-save | iptables-nft-restore (the nft table re-created)"
echo "    legacy: $(cnt legacy filter FORWARD)"
echo "    nft:    $(cnt nft filter FORWARD)"

natorder() { # natorder legacy-first|nft-first
  setup
  l() { ip netns exec $R iptables-legacy -t nat -A PREROUTING -p udp --dport 80 -j DNAT --to-destination 10.62.0.2; }
  n() { ip netns exec $R iptables-nft -t nat -A PREROUTING -p udp --dport 80 -j DNAT --to-destination 10.62.0.3; }
  if [ "$1" = legacy-first ]; then l; n; else n; l; fi
  send 40002 2 10.70.0.1
  echo "--- nat PREROUTING, $1: legacy DNAT to 10.62.0.2, nft DNAT to 10.62.0.3, 2 datagrams of one flow to 10.70.0.1"
  echo "    conntrack: $(ip netns exec $R conntrack -L -p udp 2>/dev/null | grep 10.70.0.1 | sed 's/ *\[UNREPLIED\]//; s/  */ /g')"
  echo "    legacy: $(cnt legacy nat PREROUTING)"
  echo "    nft:    $(cnt nft nat PREROUTING)"
}
natorder legacy-first
natorder nft-first

dropboth() { # dropboth WHICH-DROPS
  setup
  local ldrop=ACCEPT ndrop=ACCEPT
  [ "$1" = legacy ] && ldrop=DROP; [ "$1" = nft ] && ndrop=DROP
  ip netns exec $R iptables-legacy -A FORWARD -p udp --dport 80 -j $ldrop
  ip netns exec $R iptables-nft -A FORWARD -p udp --dport 80 -j $ndrop
  timeout 4 ip netns exec $S tcpdump -ni eth0 -c 10 udp port 80 2>/dev/null > /tmp/pkp-ileg-cap.$$ & local tp=$!
  sleep 0.7; send 40003 3; sleep 0.5; kill $tp 2>/dev/null; wait $tp 2>/dev/null
  echo "--- filter FORWARD, legacy -j $ldrop, nft -j $ndrop (legacy loaded first): datagrams at the server: $(grep -c UDP /tmp/pkp-ileg-cap.$$)"
  echo "    legacy: $(cnt legacy filter FORWARD)"
  echo "    nft:    $(cnt nft filter FORWARD)"
  rm -f /tmp/pkp-ileg-cap.$$
}
dropboth legacy
dropboth nft
dropboth none
