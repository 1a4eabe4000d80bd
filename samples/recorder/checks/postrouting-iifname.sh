#!/usr/bin/env bash
# postrouting-iifname: which input device nft's `iifname` sees at POSTROUTING, the fact Evaluation.inName() and
# KernelNodePath.bridged rest on (Docker 29's `iifname vmap @nat-postrouting-out-jumps`). Three namespaces
# (pkp-dknf-xn the node with bridge br0 10.99.0.1/24 and ports va, vb; pkp-dknf-xa 10.99.0.2, pkp-dknf-xb 10.99.0.3;
# deleted on exit), bridge-nf-call-iptables=1. Run as root; prints the counters after three pings a -> b, which the
# bridge forwards (br_netfilter runs the IP hooks):
#   FORWARD: `iifname "br0"` counts 3 (the bridge is the input device there);
#   POSTROUTING: `iifname "br0"` 0, `iifname "va"` 0, `iifname != "br0"` 3, `oifname "br0"` 3: br_nf_post_routing calls
#   the hook without an input device. (A routed packet's input device is the one it came in on: ip_output hands the hook
#   skb->dev; samples/bundles/docker-nftables recorded it, the egress masqueraded through `iifname vmap`.)
set -u
N=pkp-dknf-xn; A=pkp-dknf-xa; B=pkp-dknf-xb
cleanup() { for n in $N $A $B; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT
cleanup
for n in $N $A $B; do ip netns add $n; ip -n $n link set lo up; done
ip -n $N link add br0 type bridge; ip -n $N link set br0 up; ip -n $N addr add 10.99.0.1/24 dev br0
ip -n $N link add va type veth peer name eth0 netns $A; ip -n $N link add vb type veth peer name eth0 netns $B
ip -n $N link set va master br0 up; ip -n $N link set vb master br0 up
ip -n $A addr add 10.99.0.2/24 dev eth0; ip -n $A link set eth0 up
ip -n $B addr add 10.99.0.3/24 dev eth0; ip -n $B link set eth0 up
ip netns exec $N sysctl -qw net.bridge.bridge-nf-call-iptables=1 || { echo "br_netfilter absent"; exit 1; }
ip netns exec $N nft -f - <<'E'
table ip t {
	chain post {
		type filter hook postrouting priority 0; policy accept;
		ip saddr 10.99.0.2 ip daddr 10.99.0.3 iifname "br0" counter
		ip saddr 10.99.0.2 ip daddr 10.99.0.3 iifname "va" counter
		ip saddr 10.99.0.2 ip daddr 10.99.0.3 iifname != "br0" counter
		ip saddr 10.99.0.2 ip daddr 10.99.0.3 oifname "br0" counter
	}
	chain fw {
		type filter hook forward priority 0; policy accept;
		ip saddr 10.99.0.2 ip daddr 10.99.0.3 iifname "br0" counter
	}
}
E
timeout 5 ip netns exec $A ping -c 3 -i 0.2 -W 1 10.99.0.3 | tail -2
ip netns exec $N nft list table ip t | grep -E 'chain|counter'
