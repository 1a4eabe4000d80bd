#!/bin/sh
# The iptables-nft (and ip6tables-nft) rules behind iptables-nft.txt / iptables-nft.json, run in an empty namespace.
X="iptables-nft"
$X -N KUBE-X; $X -A KUBE-X -s 10.244.0.0/16 -j RETURN; $X -A KUBE-X -j MARK --set-xmark 0x4000/0x4000
$X -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
$X -A INPUT -p tcp -m multiport --dports 22,80 -m comment --comment "web ssh" -j ACCEPT
$X -A INPUT -s 10.0.0.0/8 -i eth0 -j DROP
$X -A INPUT -m mark --mark 0x4000/0x4000 -j ACCEPT
$X -A INPUT -m recent --name x --rcheck -j DROP
$X -A INPUT -p icmp --icmp-type echo-request -j ACCEPT
$X -A INPUT -j KUBE-X
$X -A INPUT -p udp --dport 53 -j LOG --log-prefix "dns "
$X -A INPUT -j REJECT --reject-with icmp-host-prohibited
$X -t nat -A POSTROUTING -m addrtype --src-type LOCAL -j MASQUERADE
$X -t nat -A POSTROUTING -o eth0 -j MASQUERADE --random-fully
$X -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.5:8080
$X -t nat -A OUTPUT -m statistic --mode random --probability 0.5 -j ACCEPT
$X -t mangle -A PREROUTING -j MARK --set-xmark 0x4000/0x4000
$X -t raw -A PREROUTING -p udp -j CT --notrack
ip6tables-nft -A INPUT -p ipv6-icmp --icmpv6-type 135 -j ACCEPT
ip6tables-nft -A INPUT -s fd00::/8 -p tcp --dport 22 -j ACCEPT
