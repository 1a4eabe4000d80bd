#!/usr/bin/env bash
# flannel-nft: an all-nftables Kubernetes node. kube-proxy in nftables mode (`table ip kube-proxy`, the shape of
# nft-kube-proxy) and flannel's nftables traffic manager (flannel-io/flannel pkg/trafficmngr/nftables: `table ip
# flannel-ipv4` with the chains forward (filter, forward, priority filter) and postrtg (nat, postrouting, priority
# srcnat), loaded with `nft -f` in knftables' transaction form) over flannel's VXLAN overlay (the topology of
# overlay-vxlan: flannel.1 VNI 1 UDP 8472 nolearning, the uplink namespace is the remote node 172.18.0.1 with the mirror
# flannel.1 and the remote pod 10.244.2.5 on its lo). kube-proxy's table is created first, flannel's after it, so at the
# shared srcnat priority flannel's postrtg runs before kube-proxy's nat-postrouting. iptables holds only the raw TRACE
# rules. ClusterIP 10.96.0.20:80 (NodePort 30080) has the remote pod as its only endpoint. nft-trace.txt (`nft monitor
# trace`) is the kernel's whole trace; xtables-monitor exits at the first kube-proxy rule (TRACE_COMPLETE=no).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="fln"
pkp_init flannel-nft
source "$PKP_LIB_DIR/lib-extra.sh"

# Every inner packet is traced twice (itself and its VXLAN datagram): both monitors run at a higher priority so that
# they drain their netlink sockets before ENOBUFS.
start_trace() {
  pkp_bg xtmon nice -n -10 ip netns exec "$NODE_NS" xtables-monitor --trace; PKP_TRACE_PID=$PKP_LAST_PID
  pkp_bg nfttrace nice -n -10 ip netns exec "$NODE_NS" nft monitor trace; PKP_NFTTRACE_PID=$PKP_LAST_PID
  sleep 0.7
  kill -0 "$PKP_TRACE_PID" 2>/dev/null || die "xtables-monitor died: $(cat "$WORK/xtmon.err")"
  kill -0 "$PKP_NFTTRACE_PID" 2>/dev/null || die "nft monitor trace died: $(cat "$WORK/nfttrace.err")"
}

NODE_VTEP_MAC=22:6e:f1:01:00:00
UP_VTEP_MAC=22:6e:f1:02:00:00
REMOTE_POD=10.244.2.5
CLUSTER_IP=10.96.0.20
CLUSTER_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.1.0/24

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web 10.244.1.3

# flannel.1 on both nodes, as flanneld (vxlan backend) creates it (see overlay-vxlan.sh).
vtep() { # vtep NS LOCAL_IP MAC ADDR REMOTE_SUBNET REMOTE_GW REMOTE_MAC REMOTE_IP
  ip -n "$1" link add flannel.1 type vxlan id 1 local "$2" dev eth0 dstport 8472 nolearning
  ip -n "$1" link set flannel.1 address "$3" mtu 1450
  ip -n "$1" addr add "$4/32" dev flannel.1
  ip -n "$1" link set flannel.1 up
  ip -n "$1" route add "$5" via "$6" dev flannel.1 onlink
  ip -n "$1" neigh replace "$6" lladdr "$7" dev flannel.1 nud permanent
  nsx "$1" bridge fdb append "$7" dev flannel.1 dst "$8"
}
vtep "$NODE_NS" "$NODE_IP" "$NODE_VTEP_MAC" 10.244.1.0 10.244.2.0/24 10.244.2.0 "$UP_VTEP_MAC" "$UPLINK_IP"
vtep "$UPLINK_NS" "$UPLINK_IP" "$UP_VTEP_MAC" 10.244.2.0 10.244.1.0/24 10.244.1.0 "$NODE_VTEP_MAC" "$NODE_IP"
ip -n "$UPLINK_NS" addr add "$REMOTE_POD/32" dev lo

# kube-proxy's table (pkg/proxy/nftables names, b_nkp_hash): one service, its only endpoint the remote pod.
SVC="service-$(b_nkp_hash default/web-remote:http/tcp)-default/web-remote/tcp/http"
SVCX="external-$(b_nkp_hash default/web-remote:http/tcp)-default/web-remote/tcp/http"
EP="endpoint-$(b_nkp_hash default/web-remote:http/tcp$REMOTE_POD:8080)-default/web-remote/tcp/http__$REMOTE_POD/8080"
{
  b_nkp_table 4 "$CLUSTER_IP" 10.96.0.0/16 "" "$CLUSTER_IP . tcp . 80 : goto $SVC" "tcp . 30080 : goto $SVCX"
  cat <<N
	chain $SVC { ip daddr $CLUSTER_IP tcp dport 80 ip saddr != $CLUSTER_CIDR jump mark-for-masquerade; numgen random mod 1 vmap { 0 : goto $EP }; }
	chain $SVCX { jump mark-for-masquerade; goto $SVC; }
	chain $EP { ip saddr $REMOTE_POD jump mark-for-masquerade; meta l4proto tcp dnat to $REMOTE_POD:8080; }
}
N
} > "$WORK/kube-proxy.nft"
# flannel's table, in the transactions knftables runs for it (nft -f of `add`/`flush` commands): the table at Init, the
# forward chain (SetupAndEnsureForwardRules), then postrtg (SetupAndEnsureMasqRules; fully-random: the kernel has it).
cat > "$WORK/flannel.nft" <<N
add table ip flannel-ipv4 { comment "rules for flannel-ipv4" ; }
add chain ip flannel-ipv4 forward { type filter hook forward priority filter ; comment "chain to accept flannel traffic" ; }
flush chain ip flannel-ipv4 forward
add rule ip flannel-ipv4 forward ip saddr $CLUSTER_CIDR accept
add rule ip flannel-ipv4 forward ip daddr $CLUSTER_CIDR accept
add chain ip flannel-ipv4 postrtg { type nat hook postrouting priority srcnat ; comment "chain to manage traffic masquerading by flannel" ; }
flush chain ip flannel-ipv4 postrtg
add rule ip flannel-ipv4 postrtg meta mark 0x4000 return
add rule ip flannel-ipv4 postrtg ip saddr $NODE_POD_CIDR ip daddr $CLUSTER_CIDR return
add rule ip flannel-ipv4 postrtg ip saddr $CLUSTER_CIDR ip daddr $NODE_POD_CIDR return
add rule ip flannel-ipv4 postrtg ip saddr != $NODE_POD_CIDR ip daddr $CLUSTER_CIDR return
add rule ip flannel-ipv4 postrtg ip saddr $CLUSTER_CIDR ip daddr != 224.0.0.0/4 masquerade fully-random
add rule ip flannel-ipv4 postrtg ip saddr != $CLUSTER_CIDR ip daddr $CLUSTER_CIDR masquerade fully-random
N
cat "$WORK/kube-proxy.nft" "$WORK/flannel.nft" > "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/kube-proxy.nft" || b_fail "nft -f kube-proxy.nft failed"
nsx "$NODE_NS" nft -f "$WORK/flannel.nft" || b_fail "nft -f flannel.nft failed"
# iptables: only the raw table with its TRACE rules (loaded after both native tables).
printf '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.v4"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

b_serve up tcp 8080 40 "$REMOTE_POD"
b_serve up tcp 9000 40
b_serve web tcp 8080 40
nsx "$NODE_NS" ip -d link show flannel.1 > "$BUNDLE/ip-d-link-flannel.txt"
nsx "$NODE_NS" bridge fdb show dev flannel.1 > "$BUNDLE/bridge-fdb.txt"

snapshot_state before
start_capture; start_trace
b_probe client tcp "$REMOTE_POD" 8080 - 46001; sleep 0.3        # pod -> remote pod through flannel.1
b_probe client tcp "$CLUSTER_IP" 80 - 46003; sleep 0.3          # pod -> ClusterIP, DNATed to the remote pod
b_probe up tcp 10.244.1.3 8080 "$REMOTE_POD" 47001; sleep 0.3   # remote pod -> local pod (decapsulated here)
b_probe client tcp "$UPLINK_IP" 9000 - 46004; sleep 0.3         # pod egress leaving the cluster: flannel masquerades
b_probe up tcp "$NODE_IP" 30080 - 47002; sleep 0.3              # NodePort from the remote node: kube-proxy masquerades
b_probe node tcp "$REMOTE_POD" 8080 - 47003; sleep 0.3          # the node to the remote pod (source flannel.1's address)
b_probe node tcp "$REMOTE_POD" 8080 "$NODE_IP" 47004; sleep 0.3 # the node to the remote pod from eth0's address
b_probe node tcp "$CLUSTER_IP" 80 - 47005; sleep 0.5            # the node to the ClusterIP: marked, masqueraded
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes
awk '/^ *[0-9]+ +[0-9]/ { if (l != "") print l; l = $0; next } { l = l " | inner: " $0 } END { if (l != "") print l }' \
  "$WORK/frames.txt" > "$WORK/frames.joined" && mv "$WORK/frames.joined" "$WORK/frames.txt"

P="$WORK/probes.txt"
ck() { grep -qE -- "$2" "$P" || b_fail "$1: no probe line matching: $2"; }
ck "pod to remote tcp" "tcp $REMOTE_POD:8080 from 10.244.1.2:46001 result=connected reply='up port 8080 saw 10.244.1.2:46001'"
ck "pod to clusterip" "tcp $CLUSTER_IP:80 from 10.244.1.2:46003 result=connected reply='up port 8080 saw 10.244.1.2:46003'"
ck "remote to local pod" "tcp 10.244.1.3:8080 from $REMOTE_POD:47001 result=connected reply='web port 8080 saw $REMOTE_POD:47001'"
ck "pod egress" "tcp $UPLINK_IP:9000 from 10.244.1.2:46004 result=connected reply='up port 9000 saw $NODE_IP:[0-9]+'"
ck "nodeport" "tcp $NODE_IP:30080 from $UPLINK_IP:47002 result=connected reply='up port 8080 saw 10.244.1.0:[0-9]+'"
ck "node to remote pod" "tcp $REMOTE_POD:8080 from 10.244.1.0:47003 result=connected"
ck "node from eth0" "tcp $REMOTE_POD:8080 from $NODE_IP:47004 result=connected"
ck "node to clusterip" "tcp $CLUSTER_IP:80 from $NODE_IP:47005 result=connected"
grep -q 'table ip flannel-ipv4' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks flannel's table"
T="$BUNDLE/nft-trace.txt"
egress_port=$(sed -n "s/.*tcp $UPLINK_IP:9000 from 10.244.1.2:46004 result=connected reply='up port 9000 saw $NODE_IP:\([0-9]*\)'.*/\1/p" "$P")
np_seen=$(sed -n "s/.*tcp $NODE_IP:30080 from $UPLINK_IP:47002 .*saw \(10.244.1.0:[0-9]*\)'.*/\1/p" "$P")
own_seen=$(sed -n "s/.*tcp $REMOTE_POD:8080 from 10.244.1.0:47003 .*saw \([0-9.:]*\)'.*/\1/p" "$P")
eth_seen=$(sed -n "s/.*tcp $REMOTE_POD:8080 from $NODE_IP:47004 .*saw \([0-9.:]*\)'.*/\1/p" "$P")
cip_seen=$(sed -n "s/.*tcp $CLUSTER_IP:80 from $NODE_IP:47005 .*saw \([0-9.:]*\)'.*/\1/p" "$P")
fl_mark=$(tr_n 'ip flannel-ipv4 postrtg rule meta mark 0x00004000 return \(verdict return\)')
fl_masq=$(tr_n 'ip flannel-ipv4 postrtg rule ip saddr 10.244.0.0/16 ip daddr != 224.0.0.0/4 masquerade fully-random')
kp_masq=$(tr_n 'ip kube-proxy masquerading rule masquerade fully-random')
fl_fwd=$(tr_n 'ip flannel-ipv4 forward rule ip (s|d)addr 10.244.0.0/16 accept')
n_outer_out=$(grep -cE "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.8472" "$WORK/frames.txt" || true)
n_outer_in=$(grep -cE "eth0 +In +IP $UPLINK_IP\.[0-9]+ > $NODE_IP\.8472" "$WORK/frames.txt" || true)
# Each packet flannel's postrtg saw (a connection's first packet: nat chains see no other), with its mark and the
# decision, in trace order; and which of the two filter chains at forward (both priority 0) each forwarded packet met first.
python3 - "$T" > "$WORK/postrtg.txt" <<'PY'
import re, sys
# nft monitor trace prints the packet's mark on a policy line (`policy accept meta mark 0x00004000`), not on the
# packet line; a chain left by a rule's accept (masquerade) has no policy line, its mark shows as "-".
rows, latest = [], {}
for line in open(sys.argv[1]):
    m = re.match(r"trace id (\w+) ip flannel-ipv4 postrtg (?:packet: (.*)|rule (.*) \(verdict (\w+)\)|policy (\w+)(?: meta mark (\S+))?)", line)
    if not m:
        continue
    if m.group(2) is not None:
        f = lambda k: (re.search(" " + k + r" (\S+)", m.group(2)) or [None, "?"])[1]
        proto = "tcp" if " tcp sport " in m.group(2) else "udp" if " udp sport " in m.group(2) else "?"
        latest[m.group(1)] = len(rows)
        rows.append(["%s %s:%s > %s:%s" % (proto, f("ip saddr"), f(proto + " sport"), f("ip daddr"), f(proto + " dport")),
                     "-", None])
    elif m.group(1) in latest:
        row = rows[latest[m.group(1)]]
        if m.group(3):
            row[2] = "%s (%s)" % (m.group(3), m.group(4))
        else:
            row[1] = m.group(6) or "0"
            row[2] = row[2] or "policy " + m.group(5)
for what, mark, decision in rows:
    print("%-40s mark %-10s %s" % (what, mark, decision or "none"))
PY
fwd_first=$(awk '/ packet: / && ($5 " " $6 == "flannel-ipv4 forward" || $5 " " $6 == "kube-proxy filter-forward") {
  if (!($3 in f)) f[$3] = $5 } END { for (k in f) c[f[k]]++; printf "%d %d", c["flannel-ipv4"], c["kube-proxy"] }' "$T")
fwd_fl=${fwd_first% *}; fwd_kp=${fwd_first#* }
n_postrtg=$(wc -l < "$WORK/postrtg.txt")
n_postrtg_vx=$(grep -c ':8472 ' "$WORK/postrtg.txt" || true)
env_put CLIENT_IP 10.244.1.2; env_put REMOTE_POD_IP "$REMOTE_POD"; env_put CLUSTER_IP "$CLUSTER_IP"
env_put VXLAN_DEV flannel.1; env_put VXLAN_PORT 8472; env_put VXLAN_VNI 1
env_put EGRESS_MASQ_PORT "$egress_port"

{
  echo "# flannel-nft: kube-proxy's nftables mode and flannel's nftables traffic manager over flannel's VXLAN overlay"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1): eth0 $NODE_IP/24, pods client 10.244.1.2 and web 10.244.1.3 (Calico-style veths),"
  echo "\`flannel.1\` (vxlan id 1 local $NODE_IP dev eth0 dstport 8472 nolearning, MAC $NODE_VTEP_MAC, 10.244.1.0/32, mtu 1450),"
  echo "route \`10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\`, permanent neighbor 10.244.2.0 → $UP_VTEP_MAC,"
  echo "FDB \`$UP_VTEP_MAC dst $UPLINK_IP\` (\`bridge-fdb.txt\`, \`ip-d-link-flannel.txt\`). The uplink namespace \`$UPLINK_NS\` is"
  echo "the remote node $UPLINK_IP with the mirror flannel.1 (10.244.2.0/32) and the remote pod address $REMOTE_POD on its lo"
  echo "(a TCP server on 8080 bound to it, one on 9000 on any address)."
  echo
  echo "Rules (nft-input.txt, two \`nft -f\` runs): kube-proxy's \`table ip kube-proxy\` (shape of pkg/proxy/nftables) with"
  echo "default/web-remote:http $CLUSTER_IP:80/tcp (NodePort 30080) → $REMOTE_POD:8080, created first; then flannel's"
  echo "\`table ip flannel-ipv4\` in the transactions knftables runs for flannel's nftables traffic manager (cluster CIDR"
  echo "$CLUSTER_CIDR, this node's subnet $NODE_POD_CIDR): chain \`forward\` (filter, forward, priority filter: saddr/daddr"
  echo "cluster accept) and chain \`postrtg\` (nat, postrouting, priority srcnat: \`meta mark 0x4000 return\`, three pod-traffic"
  echo "returns, \`masquerade fully-random\` of cluster traffic leaving it and of non-cluster traffic entering it). Both"
  echo "nat chains at postrouting have priority srcnat (100); flannel's, created later, runs first. iptables holds only"
  echo "the raw TRACE rules (rules-input.txt). nft-ruleset.txt is \`nft -a list ruleset\` after the traffic (no rule has a"
  echo "counter: neither kube-proxy nor flannel writes one)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client 10.244.1.2:46001 → $REMOTE_POD:8080 TCP (pod to remote pod through flannel.1);"
  echo "2. client :46003 → ClusterIP $CLUSTER_IP:80 (its endpoint the remote pod); 3. remote pod $REMOTE_POD:47001 → web 10.244.1.3:8080;"
  echo "4. client :46004 → $UPLINK_IP:9000 (leaves the cluster); 5. remote node $UPLINK_IP:47002 → NodePort $NODE_IP:30080;"
  echo "6. the node :47003 → $REMOTE_POD:8080 (source chosen by the route); 7. the node from $NODE_IP:47004 → $REMOTE_POD:8080;"
  echo "8. the node :47005 → ClusterIP $CLUSTER_IP:80."
  echo
  echo "## What the kernel did (nft-trace.txt, conntrack-L.txt, capture.pcap)"
  echo
  echo "- Two chains at each shared priority, flannel's created later and run first: $fwd_fl forwarded packets met flannel's"
  echo "  \`forward\` before kube-proxy's filter-forward, $fwd_kp the other way round; \`forward\` accepted every one ($fl_fwd"
  echo "  accept lines: \`ip saddr $CLUSTER_CIDR accept\` or \`ip daddr $CLUSTER_CIDR accept\`) and kube-proxy's filter-forward still"
  echo "  ran after it (an accept ends only its own chain). At postrouting (srcnat, 100) every new connection's first packet"
  echo "  met flannel's \`postrtg\` before kube-proxy's \`nat-postrouting\`, which ran only when postrtg did not map."
  echo "- Pod to remote pod (1), the pod's ClusterIP connection (2: DNATed to $REMOTE_POD:8080 in nat-prerouting, not marked"
  echo "  because its source is in $CLUSTER_CIDR), remote pod to local pod (3): postrtg returned (\`ip saddr $NODE_POD_CIDR ip daddr"
  echo "  $CLUSTER_CIDR return\` outward, \`ip saddr $CLUSTER_CIDR ip daddr $NODE_POD_CIDR return\` inward), kube-proxy's"
  echo "  masquerading returned on mark 0: no NAT. Each crossed flannel.1 and eth0 as a VXLAN datagram ($n_outer_out outer"
  echo "  frames sent, $n_outer_in received); the $n_postrtg_vx sent datagrams that opened a UDP 8472 flow went through postrtg"
  echo "  too (the node's own packet, mark 0, no rule matched: policy accept)."
  echo "- Pod egress to $UPLINK_IP:9000 (4): flannel's \`ip saddr $CLUSTER_CIDR ip daddr != 224.0.0.0/4 masquerade"
  echo "  fully-random\` ($fl_masq trace line) mapped it to $NODE_IP:$egress_port (the port the uplink saw, fully-random: not the"
  echo "  client's 46004); kube-proxy's nat-postrouting never saw it (the nat core stops at the first chain that maps)."
  echo "- NodePort from the remote node (5): kube-proxy's external chain jumped to mark-for-masquerade (\`meta mark set"
  echo "  meta mark | 0x00004000\`) and the endpoint chain DNATed to $REMOTE_POD:8080; flannel's postrtg saw the packet with"
  echo "  \`meta mark 0x00004000\` and \`meta mark 0x00004000 return\` took it; kube-proxy's masquerading then cleared the bit"
  echo "  (\`meta mark set meta mark ^ 0x00004000\`) and masqueraded it fully-random to flannel.1's address (the route's"
  echo "  source towards 10.244.2.0/24): the remote pod saw $np_seen. Without the mark the packet (source $UPLINK_IP, not"
  echo "  in $NODE_POD_CIDR) would have returned at \`ip saddr != $NODE_POD_CIDR ip daddr $CLUSTER_CIDR return\` anyway."
  echo "- The node itself to the remote pod (6): the route chose flannel.1's address 10.244.1.0 as source; postrtg's"
  echo "  \`ip saddr $NODE_POD_CIDR ip daddr $CLUSTER_CIDR return\`, no NAT: the remote pod saw $own_seen. From eth0's address"
  echo "  (7): \`ip saddr != $NODE_POD_CIDR ip daddr $CLUSTER_CIDR return\`, no NAT: the remote pod saw $eth_seen. flannel's last"
  echo "  rule (\`ip saddr != $CLUSTER_CIDR ip daddr $CLUSTER_CIDR masquerade\`) comes after that return and matched nothing."
  echo "- The node to the ClusterIP (8): nat-output DNATed it to $REMOTE_POD:8080 and marked it (source $NODE_IP not in"
  echo "  $CLUSTER_CIDR); rerouted to flannel.1, postrtg returned on the mark, kube-proxy masqueraded it to flannel.1's"
  echo "  address: the remote pod saw $cip_seen. ($fl_mark \`meta mark 0x00004000 return\` and $kp_masq kube-proxy"
  echo "  \`masquerade fully-random\` lines in all: 5 and 8.)"
  echo "- trace.txt (xtables-monitor) stops at the first packet that meets a kube-proxy rule with a concatenation"
  echo "  (TRACE_COMPLETE=no); nft-trace.txt holds every packet, \`pktpath verify\` compares it."
  echo
  echo "### Every packet flannel's postrtg saw ($n_postrtg, nft-trace.txt order), its mark (from the policy line) and the decision"
  echo
  echo '```'
  cat "$WORK/postrtg.txt"
  echo '```'
  b_readme_tail 'DPORT=8472|8472|flannel|nat:[A-Z-]+:rule|DROP'
} > "$BUNDLE/README.md"
pkp_finish
