#!/usr/bin/env bash
# cni-hostport-dual: a dual-stack pod (IPv4 and IPv6 on the CNI bridge plugin's cni0) with a TCP and a UDP hostPort
# published by the CNI portmap plugin (containernetworking/plugins, plugins/meta/portmap, iptables backend, snat on,
# markMasqBit 13) for both families, in the shapes portmap_iptables.go writes: per family nat PREROUTING and OUTPUT
# `-m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT`, one multiport jump per protocol (sorted: tcp, then udp) to the
# container's CNI-DN-<hash>, and per hostPort the hairpin SETMARK rule `-s <pod address>/<prefix>`, for IPv4 only the
# `-s 127.0.0.1` SETMARK rule, then the DNAT (IPv6: `--to-destination [addr]:port`); CNI-HOSTPORT-MASQ prepended to
# POSTROUTING masquerades the mark 0x2000/0x2000. The bridge plugin's ipMasq chains follow (multicast 224.0.0.0/4 for
# IPv4, ff00::/8 for IPv6). Clients: the uplink to the node's IPv4 and IPv6 address on both ports (UDP: request and
# reply), pod web to its own hostPort over IPv6 (hairpin), pod cli over IPv6 and the node to its own IPv6 address.
source "$(dirname "$0")/../lib.sh"
pkp_init cni-hostport-dual ipv6
source "$PKP_LIB_DIR/lib-extra.sh"
case "$NODE_NS" in pkp-cni-hostport-dual-*) ;; *) b_fail "namespace prefix $NODE_NS" ;; esac

NET=cbr0
WEB_ID=7d3e9c1b5a2f48e6b0c4d8a2f6e1b3c5d7e9f1a3b5c7d9e0f2a4b6c8d0e2f4a6
CLI_ID=2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a
P6=fd00:10:244:1
WEB4=10.244.1.2; CLI4=10.244.1.3; WEB6=$P6::2; CLI6=$P6::3; GW6=$P6::1
cni_chain() { python3 -c 'import hashlib,sys; print(("CNI-" + sys.argv[1] + hashlib.sha512(sys.argv[2].encode()).hexdigest())[:28])' "$1" "$2"; }
DN_WEB=$(cni_chain DN- "$NET$WEB_ID")
MASQ_WEB=$(cni_chain "" "$NET$WEB_ID")
MASQ_CLI=$(cni_chain "" "$NET$CLI_ID")

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

# One ruleset per family, as the plugins leave them after web's ADD (bridge, then portmap with portMappings
# [{hostPort 8080, containerPort 80, tcp}, {hostPort 8053, containerPort 53, udp}]) and cli's ADD (bridge).
# rules_for FAMILY WEB CLI WEBNET MCAST DEST_TCP DEST_UDP
rules_for() {
  local fam=$1 web=$2 cli=$3 webnet=$4 mcast=$5 dtcp=$6 dudp=$7
  cat <<R
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:$MASQ_WEB - [0:0]
:$MASQ_CLI - [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
:CNI-HOSTPORT-MASQ - [0:0]
:CNI-HOSTPORT-DNAT - [0:0]
:$DN_WEB - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A POSTROUTING -s $web -j $MASQ_WEB -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A POSTROUTING -s $cli -j $MASQ_CLI -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A $MASQ_WEB -d $webnet -j ACCEPT -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A $MASQ_WEB ! -d $mcast -j MASQUERADE -m comment --comment "name: \"$NET\" id: \"$WEB_ID\""
-A $MASQ_CLI -d ${cli}${webnet#$web} -j ACCEPT -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A $MASQ_CLI ! -d $mcast -j MASQUERADE -m comment --comment "name: \"$NET\" id: \"$CLI_ID\""
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A $DN_WEB -p tcp --dport 8080 -s $webnet -j CNI-HOSTPORT-SETMARK
$( [ "$fam" = 4 ] && echo "-A $DN_WEB -p tcp --dport 8080 -s 127.0.0.1 -j CNI-HOSTPORT-SETMARK" )
-A $DN_WEB -p tcp --dport 8080 -j DNAT --to-destination $dtcp
-A $DN_WEB -p udp --dport 8053 -s $webnet -j CNI-HOSTPORT-SETMARK
$( [ "$fam" = 4 ] && echo "-A $DN_WEB -p udp --dport 8053 -s 127.0.0.1 -j CNI-HOSTPORT-SETMARK" )
-A $DN_WEB -p udp --dport 8053 -j DNAT --to-destination $dudp
-A CNI-HOSTPORT-DNAT -m comment --comment "dnat name: \"$NET\" id: \"$WEB_ID\"" -m multiport -p tcp --destination-ports 8080 -j $DN_WEB
-A CNI-HOSTPORT-DNAT -m comment --comment "dnat name: \"$NET\" id: \"$WEB_ID\"" -m multiport -p udp --destination-ports 8053 -j $DN_WEB
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
R
}
rules_for 4 "$WEB4" "$CLI4" "$WEB4/24" 224.0.0.0/4 "$WEB4:80" "$WEB4:53" | grep -v '^$' > "$WORK/rules.v4"
rules_for 6 "$WEB6" "$CLI6" "$WEB6/64" ff00::/8 "[$WEB6]:80" "[$WEB6]:53" | grep -v '^$' > "$WORK/rules.v6"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"; cp "$WORK/rules.v6" "$BUNDLE/rules-input-ip6.txt"
load_rules "$WORK/rules.v4"; load_rules6 "$WORK/rules.v6"

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
for proto in tcp udp; do
  port=$([ $proto = tcp ] && echo 80 || echo 53)
  pkp_bg "srv-$proto" timeout 45 ip netns exec "$(pod_ns web)" python3 -u -c "$PY6" serve "$proto" "$port" 40
  for i in $(seq 1 50); do grep -q ready "$WORK/srv-$proto.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$WORK/srv-$proto.out" || b_fail "web's $proto server did not start: $(cat "$WORK/srv-$proto.err")"
done

# cni0's IGMP/MLD reports (sent when it came up, repeated later) are over before the capture starts
sleep 3
snapshot_state before
start_capture; start_trace
probe up tcp "$NODE_IP" 8080 46001; sleep 0.3          # uplink to the IPv4 TCP hostPort
probe up tcp "$NODE_IP6" 8080 46101; sleep 0.3         # uplink to the IPv6 TCP hostPort
probe up udp "$NODE_IP" 8053 46002; sleep 0.3          # uplink to the IPv4 UDP hostPort (request, reply)
probe up udp "$NODE_IP6" 8053 46102; sleep 0.3         # uplink to the IPv6 UDP hostPort (request, reply)
probe web tcp "$NODE_IP6" 8080 46131; sleep 0.3        # web to its own hostPort over IPv6 (hairpin)
probe cli tcp "$NODE_IP6" 8080 46141; sleep 0.3        # cli to the hostPort over IPv6
probe node tcp "$NODE_IP6" 8080 46121; sleep 0.3       # the node to its own IPv6 address
stop_trace; stop_capture
snapshot_state after
cp "$WORK/probes.txt" "$BUNDLE/probes.txt"

# ---- facts from the recording (each one checked; the script fails if the kernel disagreed)
P="$WORK/probes.txt"
saw() { local n; n=$(grep -cE -- "$3" "$P" || true); [ "$n" = "$2" ] || b_fail "$1: $n of $2 probe lines match $3"; }
saw "uplink IPv4 TCP, source kept" 1 "^\[up\] tcp $NODE_IP:8080 from $UPLINK_IP:46001 result=reply reply='web saw $UPLINK_IP:46001'"
saw "uplink IPv6 TCP, source kept" 1 "^\[up\] tcp \[$NODE_IP6\]:8080 from \[$UPLINK_IP6\]:46101 result=reply reply='web saw \[$UPLINK_IP6\]:46101'"
saw "uplink IPv4 UDP answered" 1 "^\[up\] udp $NODE_IP:8053 from $UPLINK_IP:46002 result=reply reply='web saw $UPLINK_IP:46002'"
saw "uplink IPv6 UDP answered" 1 "^\[up\] udp \[$NODE_IP6\]:8053 from \[$UPLINK_IP6\]:46102 result=reply reply='web saw \[$UPLINK_IP6\]:46102'"
saw "web's IPv6 hairpin, masqueraded" 1 "^\[web\] tcp \[$NODE_IP6\]:8080 from \[$WEB6\]:46131 result=reply reply='web saw \[$GW6\]:46131'"
saw "cli over IPv6, masqueraded" 1 "^\[cli\] tcp \[$NODE_IP6\]:8080 from \[$CLI6\]:46141 result=reply reply='web saw \[$GW6\]:46141'"
saw "node to its IPv6 address, source kept" 1 "^\[node\] tcp \[$NODE_IP6\]:8080 from \[$NODE_IP6\]:46121 result=reply reply='web saw \[$NODE_IP6\]:46121'"
C4="$BUNDLE/iptables-save-c-after.txt"; C6="$BUNDLE/ip6tables-save-c-after.txt"
cnt() { # cnt FILE PART -> packets of the one rule containing PART
  local n; n=$(grep -cF -- "$2" "$1"); [ "$n" = 1 ] || b_fail "$(basename "$1"): $n rules contain '$2'"
  grep -F -- "$2" "$1" | sed -n 's/^\[\([0-9]*\):.*/\1/p'
}
d4t=$(cnt "$C4" "-j DNAT --to-destination $WEB4:80"); d4u=$(cnt "$C4" "-j DNAT --to-destination $WEB4:53")
d6t=$(cnt "$C6" "-j DNAT --to-destination [$WEB6]:80"); d6u=$(cnt "$C6" "-j DNAT --to-destination [$WEB6]:53")
m6=$(cnt "$C6" "-j MARK --set-xmark 0x2000/0x2000"); q6=$(cnt "$C6" "-A CNI-HOSTPORT-MASQ -m mark")
m4=$(cnt "$C4" "-j MARK --set-xmark 0x2000/0x2000")
hp6=$(cnt "$C6" "-s $P6::/64 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK")
[ "$d4t $d4u $d6t $d6u $m6 $q6 $m4 $hp6" = "1 1 4 1 2 2 0 2" ] || b_fail "counters: dnat4 $d4t/$d4u dnat6 $d6t/$d6u setmark6 $m6 masq6 $q6 setmark4 $m4 hairpin6 $hp6"
grep -q -- "-s 127.0.0.1" "$C6" && b_fail "ip6tables holds a 127.0.0.1 rule"
ct() { grep -qE -- "$2" "$BUNDLE/conntrack-L.txt" || b_fail "conntrack: $1"; }
ct "web's IPv6 hairpin DNATed and masqueraded" "src=$WEB6 dst=$NODE_IP6 sport=46131 dport=8080 src=$WEB6 dst=$GW6 sport=80 dport=46131 .*ASSURED"
ct "the uplink's IPv6 UDP DNATed" "udp .*src=$UPLINK_IP6 dst=$NODE_IP6 sport=46102 dport=8053 src=$WEB6 dst=$UPLINK_IP6 sport=53 dport=46102"
ct "the uplink's IPv4 UDP DNATed" "udp .*src=$UPLINK_IP dst=$NODE_IP sport=46002 dport=8053 src=$WEB4 dst=$UPLINK_IP sport=53 dport=46002"
bnf=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-iptables 2>/dev/null || echo absent)
bnf6=$(nsx "$NODE_NS" sysctl -n net.bridge.bridge-nf-call-ip6tables 2>/dev/null || echo absent)
[ "$bnf $bnf6" = "1 1" ] || b_fail "bridge-nf-call-iptables=$bnf ip6tables=$bnf6"
f_hpin=$(b_expect_frames "web's IPv6 SYN to its hostPort in on its port" "$WIF +(In|P) +IP6 $WEB6\.46131 > $NODE_IP6\.8080: Flags \[S\]" 1)
f_hpout=$(b_expect_frames "web's IPv6 SYN back out of its own port, masqueraded" "$WIF +Out +IP6 $GW6\.46131 > $WEB6\.80: Flags \[S\]" 1)
f_u6=$(b_expect_frames "the uplink's IPv6 datagram DNATed to web" "$WIF +Out +IP6 $UPLINK_IP6\.46102 > $WEB6\.53: " 1)
f_u6r=$(b_expect_frames "web's IPv6 answer un-DNATed on eth0" "eth0 +Out +IP6 $NODE_IP6\.8053 > $UPLINK_IP6\.46102: " 1)
env_put HOSTPORTS "8080/tcp->80 8053/udp->53"; env_put DNAT_CHAIN "$DN_WEB"
env_put MASQ_CHAIN_WEB "$MASQ_WEB"; env_put MASQ_CHAIN_CLI "$MASQ_CLI"
env_put BRIDGE_NF_CALL_IPTABLES "$bnf"; env_put BRIDGE_NF_CALL_IP6TABLES "$bnf6"

{
  echo "# cni-hostport-dual: a dual-stack pod's TCP and UDP hostPorts published by the CNI portmap plugin (iptables and ip6tables)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, IPv6 forwarding=1, bridge-nf-call-iptables=$bnf, bridge-nf-call-ip6tables=$bnf6) with"
  echo "uplink eth0 $NODE_IP/24 and $NODE_IP6/64 (client side $UPLINK_IP, $UPLINK_IP6) and the bridge plugin's \`cni0\`"
  echo "10.244.1.1/24 and $GW6/64 (isGateway, hairpinMode true; route_localnet=1 on cni0). Pod \`web\` $WEB4/24 and $WEB6/64"
  echo "(port \`$WIF\`, TCP server on :80, UDP server on :53, both families; \`hostPort: 8080/TCP\` and \`hostPort: 8053/UDP\`),"
  echo "pod \`cli\` $CLI4/24 and $CLI6/64 (port \`$CIF\`)."
  echo
  echo "## Rules (rules-input.txt, rules-input-ip6.txt)"
  echo
  echo "portmap_iptables.go's shapes for each family (network \`$NET\`, chains $DN_WEB, $MASQ_WEB, $MASQ_CLI):"
  echo "CNI-HOSTPORT-DNAT holds one multiport jump per protocol (tcp, then udp); $DN_WEB per hostPort the hairpin rule"
  echo "\`-s <pod address>/<prefix> -j CNI-HOSTPORT-SETMARK\` (stored as 10.244.1.0/24 and $P6::/64), for IPv4 only the"
  echo "\`-s 127.0.0.1\` SETMARK rule, then the DNAT (\`--to-destination $WEB4:80\` / \`[$WEB6]:80\`, the UDP ones to :53)."
  echo "POSTROUTING starts with the prepended CNI-HOSTPORT-MASQ jump (\`-m mark --mark 0x2000/0x2000 -j MASQUERADE\`), then the"
  echo "bridge plugin's ipMasq chains (\`! -d 224.0.0.0/4\` for IPv4, \`! -d ff00::/8\` for IPv6). filter: no rules."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "The uplink to $NODE_IP:8080 (TCP, :46001), [$NODE_IP6]:8080 (:46101), $NODE_IP:8053 (UDP request and reply, :46002),"
  echo "[$NODE_IP6]:8053 (:46102); web to [$NODE_IP6]:8080 (:46131, its own hostPort); cli to [$NODE_IP6]:8080 (:46141); the"
  echo "node to [$NODE_IP6]:8080 (:46121). 300 ms apart."
  echo
  echo "## What the kernel did"
  echo
  echo "- IPv4: the TCP DNAT counted $d4t and the UDP DNAT $d4u; nothing was marked (CNI-HOSTPORT-SETMARK $m4)."
  echo "- IPv6: the TCP DNAT counted $d6t (uplink, web, cli, node) and the UDP DNAT $d6u. The hairpin rule"
  echo "  \`-s $P6::/64\` marked $hp6 (web and cli, both in web's /64), CNI-HOSTPORT-SETMARK $m6, CNI-HOSTPORT-MASQ masqueraded $q6"
  echo "  to cni0's $GW6 (web saw it as the peer). ip6tables has no 127.0.0.1 rule."
  echo "- web's hairpin SYN came in on $WIF (frame $f_hpin), was DNATed in br_netfilter's PREROUTING, marked, masqueraded and"
  echo "  sent back out of the same port (frame $f_hpout)."
  echo "- The uplink's IPv6 datagram was DNATed to [$WEB6]:53 (frame $f_u6) and its answer left eth0 from [$NODE_IP6]:8053"
  echo "  (frame $f_u6r); the IPv4 one likewise. The uplink's and the node's connections kept their sources."
  echo "- trace.txt (xtables-monitor) stops at the first IPv6 rule it cannot print (TRACE_COMPLETE=no); nft-trace.txt"
  echo "  (\`nft monitor trace\`) covers both families. The pods' neighbour solicitations for $GW6 (to ff02::1:ff00:1) went"
  echo "  through ip6 PREROUTING once on their port, ip6 FORWARD for each port the bridge flooded them to (the sender's"
  echo "  own too: hairpin on) and INPUT for cni0's copy: pktpath replays only cni0's copy (samples' known-differences)."
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
