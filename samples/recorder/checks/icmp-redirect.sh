#!/usr/bin/env bash
# icmp-redirect: when the kernel sends an ICMP redirect for a packet it forwards out of the interface it came in on, its
# rate limit, and whether nf_nat lets it out, the facts IcmpRedirects and KernelNodePath.forward rest on. Two namespaces
# (pkp-rdr-n the node with va 10.97.0.1/24, a route to 10.97.1.0/24 via 10.97.0.3 on va (a permanent neighbour that is
# no namespace), pkp-rdr-a 10.97.0.2/24 and more sources with 10.97.1.0/24 via 10.97.0.1; deleted on exit). Run as root.
# Each case sends UDP from its own source address of a (the rate limit is per source, the inet_peer of the redirect's
# destination) and prints how many redirects the node generated (an nft counter in a filter chain at output priority
# -300, which runs before nat) and how many reached a (tcpdump on a). Redirects a receives are ignored (accept_redirects 0).
#   1 plain forward, no nat anywhere:                        1 packet           -> generated 1, captured 1
#   2 rate limit, no nat: 40 packets 10 ms apart              (redirect_load 20 ms << n, redirect_number 9)
#   3 send_redirects all=0, va=1 (the kernel ORs them):       1 packet           -> generated 1, captured 1
#   4 send_redirects all=0, va=0:                             1 packet           -> generated 0
#   5 nat table (output hook), a DNAT to 10.97.1.5: 2 packets of one flow 300 ms apart -> generated 2, captured 0
#   6 nat table, no NAT for the flow: 2 packets of one flow 300 ms apart -> generated 2, captured 1 (the second: its
#     connection is confirmed, NAT done and null; the first's is unconfirmed, its source NAT not done, and nf_nat drops it)
# Recorded on kernel 6.18.44-fc-v669: generated/captured 1/1; 4/4 at 0, 52, 133 and 307 ms; 1/1; 0/0; 2/0; 2/1, as listed above.
set -u
N=pkp-rdr-n; A=pkp-rdr-a
cleanup() { [ -n "${TD:-}" ] && kill "$TD" 2>/dev/null; for n in $N $A; do ip netns del $n 2>/dev/null; done; rm -f /tmp/pkp-rdr-cap.txt; }
trap cleanup EXIT
cleanup
for n in $N $A; do ip netns add $n; ip -n $n link set lo up; done
ip -n $N link add va type veth peer name eth0 netns $A
ip -n $N addr add 10.97.0.1/24 dev va; ip -n $N link set va up
for h in 2 4 5 6 7 8 9; do ip -n $A addr add 10.97.0.$h/24 dev eth0; done
ip -n $A link set eth0 up
ip -n $A route add 10.97.1.0/24 via 10.97.0.1
ip netns exec $A sysctl -qw net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.eth0.accept_redirects=0
ip netns exec $N sysctl -qw net.ipv4.ip_forward=1
ip -n $N route add 10.97.1.0/24 via 10.97.0.3 dev va
ip -n $N neigh add 10.97.0.3 lladdr 02:00:00:00:00:03 dev va nud permanent
ip netns exec $N nft -f - <<'E'
table ip pkp_rdr_count {
	chain out {
		type filter hook output priority -300; policy accept;
		icmp type redirect ip daddr 10.97.0.2 counter
		icmp type redirect ip daddr 10.97.0.4 counter
		icmp type redirect ip daddr 10.97.0.5 counter
		icmp type redirect ip daddr 10.97.0.6 counter
		icmp type redirect ip daddr 10.97.0.7 counter
		icmp type redirect ip daddr 10.97.0.8 counter
	}
}
E
sleep 1
timeout 40 ip netns exec $A tcpdump -i eth0 -n -l 'icmp[0] = 5' > /tmp/pkp-rdr-cap.txt 2>/dev/null & TD=$!
sleep 1
send() {   # send SRC DST COUNT GAP_SECONDS SPORT
  ip netns exec $A python3 - "$@" <<'PY'
import socket, sys, time
src, dst, count, gap, sport = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, sport))
for i in range(min(count, 50)):
    s.sendto(b"x" * 32, (dst, 9)); time.sleep(gap)
PY
}
captured() { grep -c "IP 10.97.0.1 > $1: ICMP redirect" /tmp/pkp-rdr-cap.txt; }
send 10.97.0.2 10.97.1.5 1 0.1 40001
send 10.97.0.4 10.97.1.5 40 0.01 40002
ip netns exec $N sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.va.send_redirects=1
send 10.97.0.5 10.97.1.5 1 0.1 40003
ip netns exec $N sysctl -qw net.ipv4.conf.va.send_redirects=0
send 10.97.0.6 10.97.1.5 1 0.1 40004
ip netns exec $N sysctl -qw net.ipv4.conf.all.send_redirects=1 net.ipv4.conf.va.send_redirects=1
ip netns exec $N nft -f - <<'E'
table ip pkp_rdr_nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.97.1.9 udp dport 9 counter dnat to 10.97.1.5
	}
	chain out {
		type nat hook output priority -100; policy accept;
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
	}
}
E
send 10.97.0.7 10.97.1.9 2 0.3 40005
send 10.97.0.8 10.97.1.5 2 0.3 40006
sleep 1; kill "$TD" 2>/dev/null; wait "$TD" 2>/dev/null; TD=
echo "case source     generated captured"
c=1; for h in 2 4 5 6 7 8; do
  gen=$(ip netns exec $N nft list chain ip pkp_rdr_count out | grep "daddr 10.97.0.$h " | sed -E 's/.*packets ([0-9]+).*/\1/')
  printf '%-4s 10.97.0.%-2s %-9s %s\n' "$c" "$h" "$gen" "$(captured 10.97.0.$h)"; c=$((c+1))
done
echo "rate limit (case 2) redirect times, ms after the first:"
grep "> 10.97.0.4: ICMP redirect" /tmp/pkp-rdr-cap.txt | awk '{split($1,t,":"); s=t[1]*3600+t[2]*60+t[3]; if (!f) f=s; printf " %d", (s-f)*1000} END {print ""}'
