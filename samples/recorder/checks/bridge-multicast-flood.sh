#!/usr/bin/env bash
# bridge-multicast-flood: what br_netfilter runs for a multicast a bridge port receives, the fact
# KernelNodePath.bridgedFlood and ReplayLoop.floodedOnBridge rest on. Four namespaces (pkp-bmf-n the node with bridge
# br0 10.98.0.1/24 fd00:98::1/64 and ports va, vb, vc; pkp-bmf-a .2/::2 behind va, pkp-bmf-b .3/::3 behind vb,
# pkp-bmf-c .4/::4 behind vc; deleted on exit), bridge-nf-call-iptables=1 and bridge-nf-call-ip6tables=1. Run as root.
# Per phase (hairpin mode of the sender's port va off, then on) a sends one UDP datagram to 239.1.1.1 (TTL 1) and, its
# neighbour cache flushed, pings the bridge's fd00:98::1 once (its neighbour solicitation to ff02::1:ff00:1) and
# ff02::1 once (an echo request to all nodes, from its link-local address), and sends one unicast datagram to
# 10.98.0.3 (bridged a -> b, for the nat POSTROUTING comparison); the script prints each counter (rules count only, matching the sender's
# address and the group, so the ports' own MLD/DAD do not count) and one xtables-monitor trace of each packet.
#
# What kernel 6.18.44 (iptables 1.8.9 nf_tables) showed, per packet (the UDP datagram to 239.1.1.1, the neighbour
# solicitation to ff02::1:ff00:1 and the echo request to ff02::1 alike):
#   raw PREROUTING counts 1 (br_nf_pre_routing on the port, --physdev-in va; its trace line prints IN=br0);
#   FORWARD counts 1 per port the bridge floods it to, each under its own --physdev-out: vb 1 and vc 1 with hairpin
#   off (va 0: should_deliver refuses the ingress port), va 1, vb 1 and vc 1 with hairpin on; each FORWARD pass is
#   traced under a new trace id with IN=br0 OUT=br0 (br_nf_forward_ip on each clone br_flood made), and each clone then
#   passes POSTROUTING (mangle POSTROUTING counts 2 with hairpin off, 3 with it on, for the one datagram);
#   INPUT counts 1 for the copy the bridge hands its own IP stack when the group is the node's (ff02::1:ff00:1, br0's
#   solicited-node group; ff02::1), traced under a new id with IN=br0, and raw PREROUTING stays at 1: no second
#   PREROUTING (ip_sabotage_in lets the bridge's copy skip the hook); 239.1.1.1, a group br0 has not joined, counts 0
#   in INPUT;
#   the trace order is PREROUTING, the FORWARD passes, then INPUT (br_handle_frame_finish floods before
#   br_pass_frame_up).
# (nat POSTROUTING counted 0 for the multicast and for the unicast datagram a -> b alike here: the check says nothing
# about NAT.)
set -u
N=pkp-bmf-n; A=pkp-bmf-a; B=pkp-bmf-b; C=pkp-bmf-c
MON=""
cleanup() {
    [ -n "$MON" ] && kill "$MON" 2>/dev/null
    for n in $N $A $B $C; do ip netns del $n 2>/dev/null; done
}
trap cleanup EXIT
cleanup
for n in $N $A $B $C; do ip netns add $n; ip -n $n link set lo up; done
ip -n $N link add br0 type bridge mcast_snooping 0; ip -n $N link set br0 up
ip -n $N addr add 10.98.0.1/24 dev br0; ip -n $N addr add fd00:98::1/64 dev br0 nodad
i=2
for pair in "va $A" "vb $B" "vc $C"; do
    set -- $pair
    ip -n $N link add "$1" type veth peer name eth0 netns "$2"
    ip -n $N link set "$1" master br0 up
    ip -n "$2" addr add 10.98.0.$i/24 dev eth0; ip -n "$2" addr add fd00:98::$i/64 dev eth0 nodad
    ip -n "$2" link set eth0 up; ip -n "$2" route add 239.0.0.0/8 dev eth0
    i=$((i + 1))
done
ip netns exec $N sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 \
    || { echo "br_netfilter absent"; exit 1; }
sleep 2   # the ports reach forwarding state (no STP: at once), the links settle
ip netns exec $N iptables-restore <<'E'
*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -s 10.98.0.2 -d 239.1.1.1 -m physdev --physdev-in va
-A PREROUTING -s 10.98.0.2 -d 239.1.1.1 -j TRACE
COMMIT
*mangle
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.98.0.2 -d 239.1.1.1
COMMIT
*nat
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.98.0.2 -d 239.1.1.1
-A POSTROUTING -s 10.98.0.2 -d 10.98.0.3
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
-A INPUT -s 10.98.0.2 -d 239.1.1.1
-A FORWARD -s 10.98.0.2 -d 239.1.1.1 -m physdev --physdev-out va
-A FORWARD -s 10.98.0.2 -d 239.1.1.1 -m physdev --physdev-out vb
-A FORWARD -s 10.98.0.2 -d 239.1.1.1 -m physdev --physdev-out vc
COMMIT
E
ip netns exec $N ip6tables-restore <<'E'
*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -s fd00:98::2 -d ff02::1:ff00:1 -p icmpv6 --icmpv6-type 135 -m physdev --physdev-in va
-A PREROUTING -d ff02::1 -p icmpv6 --icmpv6-type 128 -m physdev --physdev-in va
-A PREROUTING -d ff02::/16 -p icmpv6 -m physdev --physdev-in va -j TRACE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
-A INPUT -s fd00:98::2 -d ff02::1:ff00:1 -p icmpv6 --icmpv6-type 135
-A INPUT -d ff02::1 -p icmpv6 --icmpv6-type 128
-A FORWARD -s fd00:98::2 -d ff02::1:ff00:1 -p icmpv6 --icmpv6-type 135 -m physdev --physdev-out va
-A FORWARD -s fd00:98::2 -d ff02::1:ff00:1 -p icmpv6 --icmpv6-type 135 -m physdev --physdev-out vb
-A FORWARD -s fd00:98::2 -d ff02::1:ff00:1 -p icmpv6 --icmpv6-type 135 -m physdev --physdev-out vc
-A FORWARD -d ff02::1 -p icmpv6 --icmpv6-type 128 -m physdev --physdev-out va
-A FORWARD -d ff02::1 -p icmpv6 --icmpv6-type 128 -m physdev --physdev-out vb
-A FORWARD -d ff02::1 -p icmpv6 --icmpv6-type 128 -m physdev --physdev-out vc
COMMIT
E
TRACE=$(mktemp)
for hairpin in off on; do
    ip -n $N link set va type bridge_slave hairpin $hairpin
    ip netns exec $N iptables -Z; ip netns exec $N iptables -t raw -Z; ip netns exec $N iptables -t nat -Z
    ip netns exec $N iptables -t mangle -Z; ip netns exec $N ip6tables -Z; ip netns exec $N ip6tables -t raw -Z
    : > "$TRACE"
    timeout 10 ip netns exec $N xtables-monitor --trace > "$TRACE" 2>/dev/null &
    MON=$!
    sleep 0.5
    # bounded: one datagram, one solicitation (one ping), one echo to all nodes
    timeout 3 ip netns exec $A bash -c 'echo flood > /dev/udp/239.1.1.1/5001'
    sleep 0.2
    ip -n $A neigh replace 10.98.0.3 lladdr "$(ip -n $B -br link show eth0 | awk '{print $3}')" dev eth0
    timeout 3 ip netns exec $A bash -c 'echo unicast > /dev/udp/10.98.0.3/5002'
    sleep 0.2
    ip -n $A neigh flush dev eth0
    timeout 3 ip netns exec $A ping -6 -c 1 -W 1 fd00:98::1 > /dev/null
    sleep 0.2
    timeout 3 ip netns exec $A ping -6 -c 1 -W 1 ff02::1%eth0 > /dev/null
    sleep 0.5
    kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null; MON=""
    echo "== hairpin $hairpin on va"
    for t in raw mangle nat filter; do
        ip netns exec $N iptables -t $t -L -v -n -x | awk -v t=$t '/^Chain/ {c=$2} /239.1.1.1|10.98.0.3/ {print "ip  " t " " c ": " $1 " pkts  " $0}' \
            | sed 's/  */ /g'
    done
    for t in raw filter; do
        ip netns exec $N ip6tables -t $t -L -v -n -x | awk -v t=$t '/^Chain/ {c=$2} /ff02::/ && !/TRACE/ {print "ip6 " t " " c ": " $1 " pkts  " $0}' \
            | sed 's/  */ /g'
    done
    echo "-- trace (xtables-monitor), one line per chain a packet entered:"
    grep -E 'PACKET.* IN=' "$TRACE" | grep -E 'DST=239.1.1.1|DST=ff02::1:ff00:1|DST=ff02::1 ' \
        | sed -E 's/^PACKET: ([0-9]+) ([0-9a-f]+) (IN=[^ ]*)( OUT=[^ ]*)?.* SRC=([^ ]*) DST=([^ ]*).*/family \1 id \2 \3\4 \5 > \6/'
    grep -E '^ TRACE' "$TRACE" | awk '{print $3, $4}' | uniq | sed 's/^/   /' | head -80
done
rm -f "$TRACE"
