#!/usr/bin/env bash
# cni-hostport-nft6: cni-hostport-nft's plugins (containernetworking/plugins' nftables backends) for a dual-stack pod, traffic
# over IPv6. For an IPv6 container address the portmap plugin (plugins/meta/portmap/portmap_nftables.go, forwardPorts with
# isV6) writes `table ip6 cni_hostport`: the same chains as the ip table (prerouting and output, nat -100, `fib daddr type
# local jump hostports_all`; hostports_all -> hostip_hostports, hostports), `tcp dport 8080 dnat to [<pod6>]:80`
# (net.JoinHostPort), and in masquerading (nat postrouting 100) only the hairpin `ip6 saddr <pod6> ip6 daddr <pod6>
# masquerade`: no localhost rule (`if !isV6 && !config.MasqAll`). The bridge plugin's ipMasq (pkg/ip/ipmasq_nftables_linux.go)
# adds to `table inet cni_plugins_masquerade`'s masq_checks `ip6 saddr == <pod6> ip6 daddr != <pod6 net> masquerade`.
# The IPv4 tables of the same ADD are loaded too (no IPv4 traffic). Each rule carries a `counter` (the plugins write none).
source "$(dirname "$0")/../lib.sh"
pkp_init cni-hostport-nft6 ipv6
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-cni-hostport-nft6-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

NET=cbr0
WEB_ID=3e5a7c9b1d2f4e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6d8f1e3a5c7b9d0f2e4a
CLI_ID=8f6d4b2a0e9c7a5b3d1f0e8c6a4b2d9f7e5c3a1b0d8f6e4c2a9b7d5f3e1c0a8b
P6=fd00:10:244:1
WEB4=10.244.1.2; CLI4=10.244.1.3; WEB6=$P6::2; CLI6=$P6::3; GW6=$P6::1
masq_comment() {
  python3 -c 'import hashlib,sys; n,i,c=sys.argv[1:]; h=lambda s: hashlib.sha512(s.encode()).hexdigest()[:16]
print(("%s-%s, net: %s, if: %s, id: %s" % (h(n), h(i + ":" + c), n, i, c))[:128])' "$1" eth0 "$2"
}
MC_WEB=$(masq_comment "$NET" "$WEB_ID")
MC_CLI=$(masq_comment "$NET" "$CLI_ID")

make_node_ns; make_uplink_ns
make_bridge cni0 10.244.1.1/24
ip -n "$NODE_NS" addr add "$GW6/64" dev cni0 nodad
add_bridge_pod web "$WEB4/24" 10.244.1.1 cni0 hairpin
add_bridge_pod cli "$CLI4/24" 10.244.1.1 cni0 hairpin
for p in web:$WEB6 cli:$CLI6; do
  ip -n "$(pod_ns "${p%%:*}")" addr add "${p#*:}/64" dev eth0 nodad
  ip -n "$(pod_ns "${p%%:*}")" -6 route add default via "$GW6" dev eth0
done
env_put POD_WEB_IP6 "$WEB6"; env_put POD_CLI_IP6 "$CLI6"
WIF=$(grep '^POD_WEB_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
CIF=$(grep '^POD_CLI_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
nsx "$NODE_NS" sysctl -qw net.ipv4.conf.cni0.route_localnet=1 >/dev/null

# The bridge plugin's ipMasq transaction for one container address (setupIPMasqNFTablesWithInterface).
ipmasq_tx() { # ipmasq_tx ip|ip6 POD_ADDRESS SUBNET COMMENT
  cat <<T
add table inet cni_plugins_masquerade { comment "Masquerading for plugins from github.com/containernetworking/plugins" ; }
add chain inet cni_plugins_masquerade masq_checks { comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet" ; }
add chain inet cni_plugins_masquerade postrouting { type nat hook postrouting priority 100 ; }
flush chain inet cni_plugins_masquerade postrouting
add rule inet cni_plugins_masquerade postrouting ip daddr == 224.0.0.0/4 counter return
add rule inet cni_plugins_masquerade postrouting ip6 daddr == ff00::/8 counter return
add rule inet cni_plugins_masquerade postrouting counter goto masq_checks
add rule inet cni_plugins_masquerade masq_checks $1 saddr == $2 $1 daddr != $3 counter masquerade comment "$4"
T
}
# The portmap plugin's transaction for one family (forwardPorts, snat on, no conditions, no hostIP, masqAll false).
portmap_tx() { # portmap_tx ip|ip6 POD DNAT_TO
  local f=$1
  cat <<T
add table $f cni_hostport { comment "CNI portmap plugin" ; }
add chain $f cni_hostport hostports
add chain $f cni_hostport hostip_hostports
add chain $f cni_hostport hostports_all
flush chain $f cni_hostport hostports_all
add rule $f cni_hostport hostports_all counter jump hostip_hostports
add rule $f cni_hostport hostports_all counter jump hostports
add chain $f cni_hostport prerouting { type nat hook prerouting priority -100 ; }
flush chain $f cni_hostport prerouting
add rule $f cni_hostport prerouting fib daddr type local counter jump hostports_all
add chain $f cni_hostport output { type nat hook output priority -100 ; }
flush chain $f cni_hostport output
add rule $f cni_hostport output fib daddr type local counter jump hostports_all
add chain $f cni_hostport masquerading { type nat hook postrouting priority 100 ; }
add rule $f cni_hostport hostports tcp dport 8080 counter dnat to $3 comment "$WEB_ID"
add rule $f cni_hostport masquerading $f saddr $2 $f daddr $2 counter masquerade comment "$WEB_ID"
T
  [ "$f" = ip ] && echo "add rule ip cni_hostport masquerading ip saddr 127.0.0.1 ip daddr $2 counter masquerade comment \"$WEB_ID\""
  return 0
}
# web's ADD (bridge: ipMasq per address; portmap: per address), then cli's ADD (bridge)
{
  ipmasq_tx ip "$WEB4" 10.244.1.0/24 "$MC_WEB"
  ipmasq_tx ip6 "$WEB6" "$P6::/64" "$MC_WEB"
  portmap_tx ip "$WEB4" "$WEB4:80"
  portmap_tx ip6 "$WEB6" "[$WEB6]:80"
  ipmasq_tx ip "$CLI4" 10.244.1.0/24 "$MC_CLI"
  ipmasq_tx ip6 "$CLI6" "$P6::/64" "$MC_CLI"
} > "$WORK/cni.nft"
printf '*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n' > "$WORK/rules.raw"
cp "$WORK/rules.raw" "$BUNDLE/rules-input.txt"; cp "$WORK/rules.raw" "$BUNDLE/rules-input-ip6.txt"
load_rules "$WORK/rules.raw"; load_rules6 "$WORK/rules.raw"

# Both families' probe: `serve tcp|udp PORT SECONDS` on "::" (bindv6only=0, so IPv4 too), answering "web saw PEER";
# `tcp|udp DST PORT SPORT` from a bound source port, 3 s timeout, one line with the reply or the error.
PY6='
import socket, sys, time, select
def fam(a): return socket.AF_INET6 if ":" in a else socket.AF_INET
def peer(p): return ("[%s]:%d" % (p[0][7:] if p[0].startswith("::ffff:") else p[0], p[1])) if ":" in p[0] and not p[0].startswith("::ffff:") else "%s:%d" % (p[0].replace("::ffff:", ""), p[1])
a = sys.argv[1:]
if a[0] == "serve":
    st = socket.SOCK_STREAM if a[1] == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET6, st); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", int(a[2])))
    if st == socket.SOCK_STREAM: s.listen(16)
    print("ready", flush=True)
    end = time.time() + float(a[3])
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.5)
        if not r: continue
        if st == socket.SOCK_STREAM:
            c, p = s.accept(); c.settimeout(2)
            try:
                c.recv(200); c.sendall(("web saw %s" % peer(p)).encode())
            except OSError: pass
            c.close()
        else:
            d, p = s.recvfrom(200); s.sendto(("web saw %s" % peer(p)).encode(), p)
        print("%s %s" % (a[1], peer(p)), flush=True)
else:
    proto, dst, port, sport = a[0], a[1], int(a[2]), int(a[3])
    s = socket.socket(fam(dst), socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("::" if ":" in dst else "0.0.0.0", sport))
    s.settimeout(3)
    shown = "[%s]:%d" % (dst, port) if ":" in dst else "%s:%d" % (dst, port)
    try:
        s.connect((dst, port)); src = peer(s.getsockname())
        s.send(b"hello from pktpath\n")
        print("%s %s from %s result=reply reply=%r" % (proto, shown, src, s.recv(200).decode(errors="replace")))
    except OSError as e:
        print("%s %s sport=%d result=%s" % (proto, shown, sport, "timeout" if isinstance(e, socket.timeout) else e))
    s.close()
'
probe() { # probe NS ARGS...: one bounded probe, logged to probes.txt
  local ns out; ns="$(resolve_ns "$1")"; shift
  out="$(timeout 6 ip netns exec "$ns" python3 -c "$PY6" "$@" 2>&1)" || true
  [ -n "$out" ] || out="$* result=killed-by-timeout"
  printf '%s %s\n' "$(b_role "$ns")" "$out" | tee -a "$WORK/probes.txt"
}
pkp_bg srv-tcp timeout 45 ip netns exec "$(pod_ns web)" python3 -u -c "$PY6" serve tcp 80 40
for i in $(seq 1 50); do grep -q ready "$WORK/srv-tcp.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/srv-tcp.out" || b_fail "web's server did not start: $(cat "$WORK/srv-tcp.err")"

# cni0's IGMP/MLD reports are over before the tables (counters from zero) and the capture
sleep 3
b_nft_load "$WORK/cni.nft"
snapshot_state before
start_capture; start_trace nft
for i in 1 2; do probe up tcp "$NODE_IP6" 8080 4620$i; sleep 0.3; done   # uplink to the IPv6 hostPort
for i in 1 2; do probe web tcp "$NODE_IP6" 8080 4623$i; sleep 0.3; done  # web to its own hostPort over IPv6 (hairpin)
probe cli tcp "$NODE_IP6" 8080 46241; sleep 0.3                          # cli to the hostPort over IPv6
probe node tcp "$NODE_IP6" 8080 46221; sleep 0.3                         # the node to its own IPv6 address
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j -a list ruleset > "$BUNDLE/nft-ruleset.json"
cp "$WORK/probes.txt" "$BUNDLE/probes.txt"

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
saw() { local n; n=$(grep -cE -- "$3" "$P" || true); [ "$n" = "$2" ] || b_fail "$1: $n of $2 probe lines match $3"; }
saw "uplink to the IPv6 hostPort, source kept" 2 "^\[up\] tcp \[$NODE_IP6\]:8080 from \[$UPLINK_IP6\]:4620[12] result=reply reply='web saw \[$UPLINK_IP6\]:4620[12]'"
saw "web's IPv6 hairpin, masqueraded to cni0" 2 "^\[web\] tcp \[$NODE_IP6\]:8080 from \[$WEB6\]:4623[12] result=reply reply='web saw \[$GW6\]:4623[12]'"
saw "cli over IPv6, source kept" 1 "^\[cli\] tcp \[$NODE_IP6\]:8080 from \[$CLI6\]:46241 result=reply reply='web saw \[$CLI6\]:46241'"
saw "node to its IPv6 address, source kept" 1 "^\[node\] tcp \[$NODE_IP6\]:8080 from \[$NODE_IP6\]:46221 result=reply reply='web saw \[$NODE_IP6\]:46221'"
nc() { local v; v=$(nft_count "$2"); [ "$v" = "$3" ] || b_fail "nft-ruleset.txt: $1 counted ${v:-nothing}, not $3"; echo "$v"; }
ip6tab() { sed -n '/^table ip6 cni_hostport/,/^}/p' "$BUNDLE/nft-ruleset.txt"; }
dnat=$(nc "ip6 dnat" "tcp dport 8080 counter packets 6 bytes 480 dnat to [$WEB6]:80" 6)
pre=$(ip6tab | grep -A3 'chain prerouting' | sed -n 's/.*fib daddr type local counter packets \([0-9]*\) .*/\1/p')
out=$(ip6tab | grep -A3 'chain output' | sed -n 's/.*fib daddr type local counter packets \([0-9]*\) .*/\1/p')
[ "$pre" = 5 ] && [ "$out" = 1 ] || b_fail "ip6 cni_hostport: prerouting $pre, output $out (not 5 and 1)"
hp=$(nc "ip6 hairpin" "ip6 saddr $WEB6 ip6 daddr $WEB6 counter" 2)
ip6tab | grep -q 'saddr ::1\|127.0.0.1' && b_fail "ip6 cni_hostport holds a localhost rule"
goto=$(nc goto 'goto masq_checks' 4)
mq_web=$(nc "web's ip6 ipMasq" "ip6 saddr $WEB6 ip6 daddr != $P6::/64 counter" 0)
mq_cli=$(nc "cli's ip6 ipMasq" "ip6 saddr $CLI6 ip6 daddr != $P6::/64 counter" 0)
v4=$(nc "ip dnat" 'dnat to 10.244.1.2:80' 0)
t_hp=$(tr_n "ip6 cni_hostport masquerading rule ip6 saddr $WEB6 ip6 daddr $WEB6 .*\(verdict accept\)")
t_goto=$(tr_n 'inet cni_plugins_masquerade postrouting rule .*goto masq_checks \(verdict goto masq_checks\)')
[ "$t_hp" = 2 ] && [ "$t_goto" = 4 ] || b_fail "nft-trace.txt: hairpin $t_hp (not 2), goto masq_checks $t_goto (not 4)"
f_up=$(b_expect_frames "uplink SYNs DNATed to web, source kept" "$WIF +Out +IP6 $UPLINK_IP6\.4620[12] > $WEB6\.80: Flags \[S\]" 2)
f_hpin=$(b_expect_frames "web's SYNs to its hostPort in on its port" "$WIF +(In|P) +IP6 $WEB6\.4623[12] > $NODE_IP6\.8080: Flags \[S\]" 2)
f_hpout=$(b_expect_frames "web's SYNs back out of its own port, masqueraded" "$WIF +Out +IP6 $GW6\.4623[12] > $WEB6\.80: Flags \[S\]" 2)
f_cliin=$(b_expect_frames "cli's SYN in on its port" "$CIF +(In|P) +IP6 $CLI6\.46241 > $NODE_IP6\.8080: Flags \[S\]" 1)
f_cliout=$(b_expect_frames "cli's SYN out to web, source kept" "$WIF +Out +IP6 $CLI6\.46241 > $WEB6\.80: Flags \[S\]" 1)
f_own=$(b_expect_frames "node's own-address SYN to web" "$WIF +Out +IP6 $NODE_IP6\.46221 > $WEB6\.80: Flags \[S\]" 1)
ct() { grep -qE -- "$2" "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: $1"; }
ct "web's hairpin DNATed and masqueraded" "src=$WEB6 dst=$NODE_IP6 sport=46231 dport=8080 src=$WEB6 dst=$GW6 sport=80 dport=46231 .*ASSURED"
ct "cli's connection DNATed, source kept" "src=$CLI6 dst=$NODE_IP6 sport=46241 dport=8080 src=$WEB6 dst=$CLI6 sport=80 dport=46241 .*ASSURED"
ct "the node's connection DNATed, source kept" "src=$NODE_IP6 dst=$NODE_IP6 sport=46221 dport=8080 src=$WEB6 dst=$NODE_IP6 sport=80 dport=46221 .*ASSURED"
for hif in "$WIF" "$CIF"; do
  grep -A3 "^[0-9]*: $hif@" "$BUNDLE/ip-d-link.txt" | grep -q 'hairpin on' || b_fail "ip-d-link.txt: $hif not hairpin on"
done
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
bnf6=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-ip6tables 2>/dev/null || echo absent)
[ "$bnf" = 1 ] && [ "$bnf6" = 1 ] || b_fail "bridge-nf-call-iptables=$bnf ip6tables=$bnf6"
env_put HOSTPORT6 "[$NODE_IP6]:8080/tcp->[$WEB6]:80"
env_put BRIDGE_NF_CALL_IP6TABLES "$bnf6"
env_put EXPECT_DNAT6_COUNT "$dnat"; env_put EXPECT_HAIRPIN6_MASQ_COUNT "$hp"

{
  echo "# cni-hostport-nft6: a dual-stack pod's hostPort over IPv6, CNI portmap and bridge plugins' nftables backends"
  echo
  b_readme_topology
  echo "cni-hostport-nft's topology with IPv6 added (cni-hostport-dual's addresses; client ports 462xx). Node \`$NODE_NS\`"
  echo "(ip6 forwarding, bridge-nf-call-iptables=$bnf, bridge-nf-call-ip6tables=$bnf6) with uplink eth0 $NODE_IP/24 and"
  echo "$NODE_IP6/64 (client side $UPLINK_IP6) and \`cni0\` 10.244.1.1/24 and $GW6/64 (hairpin on for both ports). Pod"
  echo "\`web\` 10.244.1.2/24 and $WEB6/64 (port \`$WIF\`, server on :80, \`hostPort: 8080\`), pod \`cli\` 10.244.1.3/24"
  echo "and $CLI6/64 (port \`$CIF\`)."
  echo
  echo "## Rules (nft-input.txt; rules-input.txt and rules-input-ip6.txt hold only raw's TRACE rules)"
  echo
  echo "The transactions containernetworking/plugins' nftables backends run for web's ADD (bridge with ipMasq for each"
  echo "address, then portmap with snat on, no conditions, no hostIP, masqAll false, once per container address) and cli's"
  echo "ADD (bridge), network \`$NET\`. The one change: every rule carries a \`counter\` (the plugins write none)."
  echo
  echo "- \`table ip6 cni_hostport\` (portmap_nftables.go, \`knftables.IPv6Family\` for an IPv6 container address): the ip"
  echo "  table's chains; \`hostports\`: \`tcp dport 8080 dnat to [$WEB6]:80\` (net.JoinHostPort); \`masquerading\`: the"
  echo "  hairpin \`ip6 saddr $WEB6 ip6 daddr $WEB6 masquerade\` only (the localhost rule is written for IPv4 alone)."
  echo "- \`table ip cni_hostport\`: cni-hostport-nft's rules for web's IPv4 address (no IPv4 traffic here)."
  echo "- \`table inet cni_plugins_masquerade\` (ipmasq_nftables_linux.go): masq_checks holds, per container and address,"
  echo "  \`ip saddr == <pod4> ip daddr != 10.244.1.0/24 masquerade\` and \`ip6 saddr == <pod6> ip6 daddr != $P6::/64 masquerade\`."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. uplink [$UPLINK_IP6]:46201 and :46202 → [$NODE_IP6]:8080. 2. web :46231 and :46232 → [$NODE_IP6]:8080 (its own"
  echo "hostPort). 3. cli :46241 → [$NODE_IP6]:8080. 4. the node [$NODE_IP6]:46221 → [$NODE_IP6]:8080. 300 ms apart."
  echo
  echo "## What the kernel did (nft-ruleset.txt counters, nft-trace.txt, conntrack-L.txt, the capture)"
  echo
  echo "- \`ip6 cni_hostport\`'s DNAT counted $dnat connections, entered $pre times from prerouting and $out from output;"
  echo "  the ip table's DNAT $v4."
  echo "- The uplink's SYNs were DNATed and left on $WIF with the client's source (frames $f_up)."
  echo "- web's SYNs to its own hostPort (frames $f_hpin) were DNATed by br_netfilter's prerouting, bridged back out of its"
  echo "  own port and masqueraded by the ip6 hairpin rule ($hp) to $GW6 (frames $f_hpout)."
  echo "- cli's SYN (frame $f_cliin) was DNATed and bridged to $WIF with its own source (frame $f_cliout; web saw $CLI6)."
  echo "- The node's SYN to its own IPv6 address was DNATed in output and kept its source (frame $f_own)."
  echo "- cni_plugins_masquerade's \`goto masq_checks\` counted $goto (uplink 2, cli, node: the hairpin SYNs were masqueraded by"
  echo "  cni_hostport's chain first); the ip6 masq_checks rules counted $mq_web and $mq_cli (no traffic left the pod subnet)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
