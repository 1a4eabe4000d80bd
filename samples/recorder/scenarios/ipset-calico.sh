#!/usr/bin/env bash
# ipset-calico: iptables rules that match ipsets (`-m set --match-set`), in the shape Calico and host firewalls write
# them, with the node's `ipset save` in the bundle (ipset-save.txt). Calico's nat-outgoing rule (cali40masq-ipam-pools
# src, ! cali40all-ipam-pools dst, MASQUERADE --random-fully); a filter FORWARD (policy DROP) built from sets of every
# type this kernel has: hash:net with a nomatch exception, hash:net used with --return-nomatch, hash:ip with netmask 24
# and timeouts, list:set, hash:ip,port (dst,dst; src,src; one flag only, negated), hash:ip,port,net with a nomatch
# (dst,dst,src), hash:net,port (src,dst), hash:net,iface with a wildcard entry (src,src), bitmap:port (dst), and in
# mangle FORWARD hash:ip,port,ip (src,src,dst) and bitmap:ip,mac (src,src, one entry whose MAC the kernel learns).
# Empty user chains (PKP-*) are jumped to by rules that only count a set match: the jump shows in the trace and the
# counters without changing any packet's fate.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="ipset"
pkp_init ipset-calico
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web1 10.244.1.3
add_pod other 10.244.1.4
# Extra uplink-side addresses: 172.18.5.0/24 is blocklisted except 172.18.5.7 (nomatch); 172.18.6.0/24 is banned
# through a hash:ip set with netmask 24. The node reaches them through its default route via the uplink.
for a in 172.18.5.7 172.18.5.9 172.18.6.5; do ip -n "$UPLINK_NS" addr add "$a/32" dev eth0; done
CIF=$(host_if client); WIF=$(host_if web1); OIF=$(host_if other)
CMAC=$(ip -n "$(pod_ns client)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
[ -n "$CMAC" ] || die "no MAC for the client pod"

ips() { nsx "$NODE_NS" ipset "$@" || die "ipset $* failed"; }
# Calico IPAM pool sets (Felix: cali40 = IPv4, hash:net)
ips create cali40masq-ipam-pools hash:net family inet
ips add cali40masq-ipam-pools 10.244.0.0/16
ips create cali40all-ipam-pools hash:net family inet
ips add cali40all-ipam-pools 10.244.0.0/16
# Blocklists: a /24 with one nomatch exception; a hash:ip with netmask 24 (entries are stored masked) and timeouts
ips create pkp-block hash:net family inet
ips add pkp-block 172.18.5.0/24
ips add pkp-block 172.18.5.7 nomatch
ips create pkp-ban24 hash:ip family inet netmask 24 timeout 600
ips add pkp-ban24 172.18.6.5
ips create pkp-blocklists list:set
ips add pkp-blocklists pkp-block
ips add pkp-blocklists pkp-ban24
# Allow lists
ips create pkp-allow hash:ip,port family inet
ips add pkp-allow 10.244.1.3,tcp:8080
ips add pkp-allow 10.244.1.3,icmp:8/0
ips add pkp-allow 10.244.1.3,icmp:13/0
ips add pkp-allow 10.244.1.3,gre:0
ips create pkp-svc-clients hash:ip,port,net family inet
ips add pkp-svc-clients 10.244.1.3,tcp:8081,10.244.1.0/24
ips add pkp-svc-clients 10.244.1.3,tcp:8081,10.244.1.4 nomatch
ips create pkp-egress hash:net,port family inet
ips add pkp-egress 10.244.1.0/24,tcp:9000
ips add pkp-egress 10.244.1.0/24,udp:5300
# Counting-only sets
ips create pkp-pod-ifaces hash:net,iface family inet
ips add pkp-pod-ifaces 10.244.0.0/16,cali wildcard
ips create pkp-out-ifaces hash:net,iface family inet
ips add pkp-out-ifaces 10.244.0.0/16,eth0
ips create pkp-webports bitmap:port range 0-9999
ips add pkp-webports 53
ips add pkp-webports 2048
ips add pkp-webports 8080
ips add pkp-webports 8081
ips create pkp-flows hash:ip,port,ip family inet
ips add pkp-flows 10.244.1.3,tcp:8080,10.244.1.2
ips create pkp-pod-macs bitmap:ip,mac range 10.244.1.0/24
ips add pkp-pod-macs "10.244.1.2,$CMAC"
ips add pkp-pod-macs 10.244.1.3
nsx "$NODE_NS" ipset save > "$WORK/ipset-save-before.txt"

cat > "$WORK/rules.v4" <<'R'
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:PKP-FLOW-REPLY - [0:0]
:PKP-FROM-ALLOWED - [0:0]
:PKP-KNOWN-MAC - [0:0]
-A FORWARD -m set --match-set pkp-flows src,src,dst -j PKP-FLOW-REPLY
-A FORWARD -m set --match-set pkp-allow src,src -j PKP-FROM-ALLOWED
-A FORWARD -m set --match-set pkp-pod-macs src,src -j PKP-KNOWN-MAC
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:cali-POSTROUTING - [0:0]
:cali-nat-outgoing - [0:0]
-A POSTROUTING -m comment --comment "cali:O3lYWMrLQYEMJtB5" -j cali-POSTROUTING
-A cali-POSTROUTING -m comment --comment "cali:nnqPh8lh2VOogSzX" -j cali-nat-outgoing
-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:PKP-NOMATCH-SEEN - [0:0]
:PKP-ONE-FLAG - [0:0]
:PKP-OUT-IFACE - [0:0]
:PKP-POD-IFACE - [0:0]
:PKP-WEBPORT - [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m set --match-set pkp-block dst --return-nomatch -j PKP-NOMATCH-SEEN
-A FORWARD -m set ! --match-set pkp-allow dst -j PKP-ONE-FLAG
-A FORWARD -m set --match-set pkp-webports dst -j PKP-WEBPORT
-A FORWARD -p tcp -m set --match-set pkp-blocklists dst -j REJECT --reject-with tcp-reset
-A FORWARD -m set --match-set pkp-blocklists dst -j DROP
-A FORWARD -m set --match-set pkp-allow dst,dst -j ACCEPT
-A FORWARD -m set --match-set pkp-svc-clients dst,dst,src -j ACCEPT
-A FORWARD -m set --match-set pkp-out-ifaces src,dst -j PKP-OUT-IFACE
-A FORWARD -i cali+ -o eth0 -m set --match-set pkp-egress src,dst -j ACCEPT
-A FORWARD -m set --match-set pkp-pod-ifaces src,src -j PKP-POD-IFACE
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up tcp 9000 45
b_serve up udp 5300 45
b_serve web1 tcp 8080 45
b_serve web1 udp 8080 45
b_serve web1 tcp 8081 45
b_serve web1 tcp 9090 45

# gre_send NS SRC DST: one GRE packet (version 0, protocol 0x0800, no key) through a raw socket
gre_send() {
  timeout 5 ip netns exec "$(resolve_ns "$1")" python3 -c '
import socket, struct, sys, os
src, dst = sys.argv[1], sys.argv[2]
payload = struct.pack("!HH", 0, 0x0800) + b"pktpath-gre"
hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 4747, 0x4000, 64, 47, 0, socket.inet_aton(src), socket.inet_aton(dst))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
s.sendto(hdr + payload, (dst, 0))
print("raw-gre %s -> %s id=4747 sent" % (src, dst))' "$2" "$3" 2>&1 | sed "s/^/$(b_role "$(resolve_ns "$1")") /" | tee -a "$WORK/probes.txt"
}

snapshot_state before
start_capture; start_trace
b_probe client tcp "$UPLINK_IP" 9000 - 42001; sleep 0.3              # 1 egress, pkp-egress src,dst; masqueraded
b_probe client udp "$UPLINK_IP" 5300 - 42002; sleep 0.3              # 2 egress UDP
b_probe client tcp 10.244.1.3 8080 - 42003; sleep 0.3                # 3 pkp-allow dst,dst; not masqueraded
b_probe client tcp 10.244.1.3 9090 - 42004 1.2; sleep 0.3            # 4 port not in pkp-allow: policy DROP
b_probe client udp 10.244.1.3 8080 - 42005 1; sleep 0.3              # 5 udp:8080 not in pkp-allow: policy DROP
b_probe client rawicmp 10.244.1.2 10.244.1.3 8 4401 1; sleep 0.3     # 6 icmp:echo-request in pkp-allow
b_probe client rawicmp 10.244.1.2 10.244.1.3 13 4402 1; sleep 0.3    # 7 icmp:timestamp-request in pkp-allow
gre_send client 10.244.1.2 10.244.1.3; sleep 0.3                     # 8 gre:0 in pkp-allow
b_probe client tcp 10.244.1.3 8081 - 42006; sleep 0.3                # 9 pkp-svc-clients 10.244.1.0/24
b_probe other tcp 10.244.1.3 8081 - 42007 1.2; sleep 0.3             # 10 pkp-svc-clients nomatch 10.244.1.4
b_probe client tcp 172.18.5.9 9000 - 42008; sleep 0.3                # 11 pkp-block member: REJECT tcp-reset
b_probe client tcp 172.18.5.7 9000 - 42009; sleep 0.3                # 12 pkp-block nomatch: passes
b_probe client tcp 172.18.6.5 9000 - 42010; sleep 0.3                # 13 pkp-ban24 (netmask 24): REJECT tcp-reset
b_probe client udp 172.18.5.9 5300 - 42011 1; sleep 0.3              # 14 pkp-block member, UDP: DROP
stop_trace; stop_capture
nsx "$NODE_NS" ipset save > "$BUNDLE/ipset-save.txt"
snapshot_state after
b_keep_probes

# ---------------------------------------------------------------- did the kernel do what the scenario intends?
P="$WORK/probes.txt"
pr() { grep -qF -- "$1" "$P" || b_fail "probe outcome missing: $1"; }
pr "tcp $UPLINK_IP:9000 from 10.244.1.2:42001 result=connected reply='up port 9000 saw $NODE_IP:"
pr "udp $UPLINK_IP:5300 from 10.244.1.2:42002 result=reply reply='up port 5300 saw $NODE_IP:"
pr "tcp 10.244.1.3:8080 from 10.244.1.2:42003 result=connected reply='web1 port 8080 saw 10.244.1.2:42003'"
pr "tcp 10.244.1.3:9090 result=timeout"
pr "udp 10.244.1.3:8080 from 10.244.1.2:42005 result=timeout"
pr "tcp 10.244.1.3:8081 from 10.244.1.2:42006 result=connected reply='web1 port 8081 saw 10.244.1.2:42006'"
pr "[other] tcp 10.244.1.3:8081 result=timeout"
pr "tcp 172.18.5.9:9000 result=ECONNREFUSED"
pr "tcp 172.18.5.7:9000 from 10.244.1.2:42009 result=connected reply='up port 9000 saw $NODE_IP:"
pr "tcp 172.18.6.5:9000 result=ECONNREFUSED"
pr "udp 172.18.5.9:5300 from 10.244.1.2:42011 result=timeout"
[ "$(grep -c 'result=timeout' "$P")" -eq 4 ] || b_fail "expected exactly 4 timeouts: $(grep timeout "$P")"

f_egress=$(b_expect_frames "egress SYN masqueraded" "eth0 +Out +IP $NODE_IP\.[0-9]+ > $UPLINK_IP\.9000: Flags \[S\]" 1)
f_8080=$(b_expect_frames "SYN to web1:8080 unNATed" "$WIF +Out +IP 10\.244\.1\.2\.42003 > 10\.244\.1\.3\.8080: Flags \[S\]" 1)
f_9090=$(b_expect_frames "SYN to 9090 seen" "$CIF +In +IP 10\.244\.1\.2\.42004 > 10\.244\.1\.3\.9090: Flags \[S\]" 2)
b_expect_none "9090 forwarded" "$WIF +Out +IP 10\.244\.1\.2\.42004 >"
f_u8080=$(b_expect_frames "udp 8080 seen" "$CIF +In +IP 10\.244\.1\.2\.42005 > 10\.244\.1\.3\.8080: UDP" 1)
b_expect_none "udp 8080 forwarded" "$WIF +Out +IP 10\.244\.1\.2\.42005 >"
f_echo=$(b_expect_frames "echo request forwarded" "$WIF +Out +IP 10\.244\.1\.2 > 10\.244\.1\.3: ICMP echo request, id 4401" 1)
f_echor=$(b_expect_frames "echo reply back" "$CIF +Out +IP 10\.244\.1\.3 > 10\.244\.1\.2: ICMP echo reply, id 4401" 1)
f_ts=$(b_expect_frames "timestamp request forwarded" "$WIF +Out +IP 10\.244\.1\.2 > 10\.244\.1\.3: ICMP time stamp query id 4402" 1)
f_tsin=$(b_expect_frames "timestamp request in" "$CIF +In +IP 10\.244\.1\.2 > 10\.244\.1\.3: ICMP time stamp query id 4402" 1)
f_gre=$(b_expect_frames "GRE forwarded" "$WIF +Out +IP 10\.244\.1\.2 > 10\.244\.1\.3: GRE" 1)
f_grein=$(b_expect_frames "GRE in" "$CIF +In +IP 10\.244\.1\.2 > 10\.244\.1\.3: GRE" 1)
f_8081o=$(b_expect_frames "other's SYNs to 8081" "$OIF +In +IP 10\.244\.1\.4\.42007 > 10\.244\.1\.3\.8081: Flags \[S\]" 2)
b_expect_none "other's SYN forwarded" "$WIF +Out +IP 10\.244\.1\.4\.42007 >"
f_blk=$(b_expect_frames "SYN to 172.18.5.9" "$CIF +In +IP 10\.244\.1\.2\.42008 > 172\.18\.5\.9\.9000: Flags \[S\]" 1)
f_blkrst=$(b_expect_frames "RST from 172.18.5.9" "$CIF +Out +IP 172\.18\.5\.9\.9000 > 10\.244\.1\.2\.42008: Flags \[R\.\]" 1)
f_nm=$(b_expect_frames "SYN to 172.18.5.7 forwarded" "eth0 +Out +IP $NODE_IP\.[0-9]+ > 172\.18\.5\.7\.9000: Flags \[S\]" 1)
f_ban=$(b_expect_frames "SYN to 172.18.6.5" "$CIF +In +IP 10\.244\.1\.2\.42010 > 172\.18\.6\.5\.9000: Flags \[S\]" 1)
f_banrst=$(b_expect_frames "RST from 172.18.6.5" "$CIF +Out +IP 172\.18\.6\.5\.9000 > 10\.244\.1\.2\.42010: Flags \[R\.\]" 1)
f_budp=$(b_expect_frames "UDP to 172.18.5.9" "$CIF +In +IP 10\.244\.1\.2\.42011 > 172\.18\.5\.9\.5300: UDP" 1)
b_expect_none "blocklisted traffic left on eth0" "eth0 +Out +IP [0-9.]+ > 172\.18\.(5\.9|6\.5)\."

# Counters of the set matches (counters zeroed right before the traffic)
c_nomatch=$(b_expect_count filter '-j PKP-NOMATCH-SEEN' -eq 1)     # only the SYN to 172.18.5.7
c_rst=$(b_expect_count filter '-j REJECT --reject-with tcp-reset' -eq 2)
c_drop=$(b_expect_count filter 'pkp-blocklists dst -j DROP' -eq 1)
c_allow=$(b_expect_count filter 'pkp-allow dst,dst -j ACCEPT' -eq 4)   # SYN 8080, echo, timestamp, GRE
c_svc=$(b_expect_count filter 'pkp-svc-clients dst,dst,src -j ACCEPT' -eq 1)
c_egr=$(b_expect_count filter 'pkp-egress src,dst -j ACCEPT' -eq 3)    # 42001, 42002, 42009
c_pol=$(b_policy filter FORWARD)
c_new=$(( c_rst + c_drop + c_allow + c_svc + c_egr + c_pol ))
c_one=$(b_expect_count filter '-j PKP-ONE-FLAG' -eq "$c_new")         # one flag on a 2-dim set: never a member, ! always
c_if=$(b_expect_count filter '-j PKP-POD-IFACE' -eq "$c_pol")         # last rule: every packet left for the policy came from cali*
c_oif=$(b_expect_count filter '-j PKP-OUT-IFACE' -eq "$c_egr")         # pod source, out eth0: the egress first packets
c_wp=$(b_expect_count filter '-j PKP-WEBPORT' -ge 4)
c_flow=$(b_expect_count mangle '-j PKP-FLOW-REPLY' -ge 3)
c_from=$(b_expect_count mangle '-j PKP-FROM-ALLOWED' -ge 3)
[ "$c_flow" = "$c_from" ] || b_fail "web1:8080 replies counted $c_flow (pkp-flows) vs $c_from (pkp-allow)"
c_mac=$(b_expect_count mangle '-j PKP-KNOWN-MAC' -ge 10)
c_masq=$(b_expect_count nat 'MASQUERADE --random-fully' -eq 3)

# Trace, per packet (trace id): which set-counting chains it jumped to. ICMP and GRE never match bitmap:port.
# (A trace id is reused by later packets: a walk is one trace id with one IP ID.)
python3 - "$BUNDLE/trace.txt" > "$WORK/jumps.txt" <<'PY'
import sys
walks, cur = [], {}
for line in open(sys.argv[1]):
    f = line.split()
    if line.startswith("PACKET:"):
        kv = dict(x.split("=", 1) for x in f[3:] if "=" in x)
        key = (f[2], kv.get("ID"))
        if cur.get(f[2], (None,))[0] != key:
            w = [key, "%s>%s %s" % (kv.get("SRC"), kv.get("DST"), kv.get("DPORT", "-")), []]
            walks.append(w)
            cur[f[2]] = (key, w)
    elif line.startswith(" TRACE:") and f[2] in cur:
        v = f[3].split(":")
        if len(v) > 5 and v[4] == "JUMP" and v[5].startswith("PKP-"):
            cur[f[2]][1][2].append(v[5])
for (tid, ipid), head, jumps in walks:
    print(tid, "ID=%s" % ipid, head, ",".join(jumps) or "-")
PY
grep -q '10.244.1.2>10.244.1.3 - [A-Z,-]*PKP-WEBPORT' "$WORK/jumps.txt" && b_fail "an ICMP/GRE packet matched bitmap:port"
grep -q '10.244.1.2>172.18.5.7 9000 [A-Z,-]*PKP-NOMATCH-SEEN' "$WORK/jumps.txt" || b_fail "no --return-nomatch hit for 172.18.5.7"
grep -q '10.244.1.2>172.18.5.9 9000 [A-Z,-]*PKP-NOMATCH-SEEN' "$WORK/jumps.txt" && b_fail "--return-nomatch matched a member"
# The kernel learned web1's MAC for the entry added without one.
WMAC=$(ip -n "$(pod_ns web1)" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
grep -qi "^add pkp-pod-macs 10.244.1.3,$WMAC\$" "$BUNDLE/ipset-save.txt" || b_fail "bitmap:ip,mac did not learn web1's MAC"
grep -qx 'add pkp-pod-macs 10.244.1.3' "$WORK/ipset-save-before.txt" || b_fail "web1's MAC was known before the traffic"
grep -q '^add pkp-ban24 172.18.6.0 timeout ' "$BUNDLE/ipset-save.txt" || b_fail "pkp-ban24 entry not stored masked"

env_put CLIENT_IP 10.244.1.2; env_put CLIENT_MAC "$CMAC"; env_put WEB1_MAC "$WMAC"
env_put BLOCKED_ADDRS "172.18.5.9 172.18.6.5"; env_put NOMATCH_ADDR 172.18.5.7
env_put EXPECT_FORWARD_POLICY_DROPS "$c_pol"; env_put EXPECT_MASQUERADES "$c_masq"
env_put EXPECT_NEW_FORWARDED "$c_new"

{
  echo "# ipset-calico: iptables rules matching ipsets (Calico nat-outgoing, a set-based firewall), with ipset-save.txt"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP, which also holds 172.18.5.7, 172.18.5.9 and"
  echo "172.18.6.5 (/32 on its eth0; the node reaches them by its default route). Pods: client 10.244.1.2 on \`$CIF\` (MAC $CMAC),"
  echo "web1 10.244.1.3 on \`$WIF\` (MAC $WMAC), other 10.244.1.4 on \`$OIF\`. Servers: uplink tcp 9000, udp 5300; web1 tcp 8080,"
  echo "udp 8080, tcp 8081, tcp 9090 (every port listens, so a timeout below is a drop, not a closed port)."
  echo
  echo "## Sets (created with \`ip netns exec $NODE_NS ipset ...\` before the rules; ipset-save.txt is \`ipset save\` after the traffic)"
  echo
  echo "| set | type | entries | used as |"
  echo "| --- | --- | --- | --- |"
  echo "| cali40masq-ipam-pools, cali40all-ipam-pools | hash:net | 10.244.0.0/16 | Calico nat-outgoing: \`src\`, \`! ... dst\` |"
  echo "| pkp-block | hash:net | 172.18.5.0/24, 172.18.5.7 **nomatch** | in list:set pkp-blocklists; alone with \`dst --return-nomatch\` |"
  echo "| pkp-ban24 | hash:ip **netmask 24** timeout 600 | 172.18.6.5 (stored and saved as 172.18.6.0) | in pkp-blocklists |"
  echo "| pkp-blocklists | list:set | pkp-block, pkp-ban24 | \`dst\`: TCP REJECT tcp-reset, other DROP |"
  echo "| pkp-allow | hash:ip,port | 10.244.1.3 with tcp:8080, icmp:echo-request, icmp:timestamp-request, gre:0 | \`dst,dst\` ACCEPT; \`! ... dst\` (one flag for two dimensions); mangle \`src,src\` |"
  echo "| pkp-svc-clients | hash:ip,port,net | 10.244.1.3,tcp:8081,10.244.1.0/24; 10.244.1.3,tcp:8081,10.244.1.4 **nomatch** | \`dst,dst,src\` ACCEPT |"
  echo "| pkp-egress | hash:net,port | 10.244.1.0/24 with tcp:9000, udp:5300 | \`-i cali+ -o eth0\` \`src,dst\` ACCEPT |"
  echo "| pkp-pod-ifaces | hash:net,iface | 10.244.0.0/16,cali **wildcard** (any interface whose name starts with cali) | \`src,src\` (count, last rule) |"
  echo "| pkp-out-ifaces | hash:net,iface | 10.244.0.0/16,eth0 | \`src,dst\` (count: source address, out interface) |"
  echo "| pkp-webports | bitmap:port range 0-9999 | 53, 2048, 8080, 8081 | \`dst\` (count) |"
  echo "| pkp-flows | hash:ip,port,ip | 10.244.1.3,tcp:8080,10.244.1.2 | mangle \`src,src,dst\` (count: web1's replies) |"
  echo "| pkp-pod-macs | bitmap:ip,mac range 10.244.1.0/24 | 10.244.1.2,<client MAC>; 10.244.1.3 **without MAC** | mangle \`src,src\` (count) |"
  echo
  echo "Rules (rules-input.txt): mangle FORWARD three counting jumps; nat POSTROUTING → cali-POSTROUTING → cali-nat-outgoing"
  echo "\`-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully\`;"
  echo "filter FORWARD policy DROP: RELATED,ESTABLISHED ACCEPT, three counting jumps into empty PKP-* chains, the blocklist"
  echo "REJECT/DROP, the allow sets (with a fourth counting jump, pkp-out-ifaces, before the egress rule), and last a"
  echo "counting jump for pkp-pod-ifaces (seen only by the packets left for the policy). A jump into an empty chain changes no fate; it shows the set match in trace and counters."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client :42001 → $UPLINK_IP:9000 TCP; 2. :42002 → $UPLINK_IP:5300 UDP (pkp-egress, masqueraded to $NODE_IP)."
  echo "3. client :42003 → web1:8080 TCP (pkp-allow); 4. :42004 → web1:9090 TCP (not in pkp-allow); 5. :42005 → web1:8080 UDP (tcp only in the set)."
  echo "6. client → web1 raw ICMP echo request id 4401; 7. raw ICMP timestamp request (type 13) id 4402; 8. raw GRE packet (IP ID 4747)."
  echo "9. client :42006 → web1:8081 TCP (pkp-svc-clients 10.244.1.0/24); 10. other :42007 → web1:8081 (its /32 is nomatch)."
  echo "11. client :42008 → 172.18.5.9:9000 TCP (pkp-block); 12. :42009 → 172.18.5.7:9000 (the nomatch exception); 13. :42010 →"
  echo "172.18.6.5:9000 (pkp-ban24, netmask 24); 14. :42011 → 172.18.5.9:5300 UDP (pkp-block, non-TCP: DROP)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Egress to the uplink (1, 2, 12) was accepted by \`pkp-egress src,dst\` ($c_egr packets) and masqueraded by Calico's rule"
  echo "  ($c_masq MASQUERADE hits, e.g. SYN frame $f_egress); pod-to-pod traffic was not masqueraded (the \`! cali40all-ipam-pools dst\` failed):"
  echo "  web1 saw 10.244.1.2:42003 (frame $f_8080)."
  echo "- \`pkp-allow dst,dst\` accepted $c_allow first packets: the SYN to 8080, the echo request (frame $f_echo, reply $f_echor),"
  echo "  the timestamp request (frames $f_tsin in, $f_ts out) and the GRE packet (frames $f_grein in, $f_gre out). The SYNs to 9090"
  echo "  (frames $f_9090) and the UDP datagram to 8080 (frame $f_u8080) matched no allow set: FORWARD policy DROP ($c_pol packets in all)."
  echo "- \`pkp-svc-clients dst,dst,src\` accepted client → 8081 ($c_svc); other's SYNs (frames $f_8081o) hit its nomatch /32 and died at the policy."
  echo "- \`pkp-blocklists dst\` (list:set) rejected the SYNs to 172.18.5.9 (RST frame $f_blkrst) and to 172.18.6.5 (RST frame $f_banrst;"
  echo "  172.18.6.5 is a member because pkp-ban24 masks the address to /24), $c_rst REJECTs, and dropped the UDP datagram to"
  echo "  172.18.5.9 (frame $f_budp; $c_drop DROP). 172.18.5.7 is nomatch in pkp-block, so not a member of pkp-blocklists: it passed."
  echo "- \`pkp-block dst --return-nomatch\` matched exactly once ($c_nomatch), for the SYN to 172.18.5.7 (the nomatch entry): with"
  echo "  --return-nomatch a nomatch entry matches and a normal member (172.18.5.9) does not."
  echo "- \`! --match-set pkp-allow dst\` (one flag, two-dimension set: the kernel never finds a member) matched every NEW packet"
  echo "  that reached it ($c_one). \`pkp-pod-ifaces src,src\` (the last rule; entry \`10.244.0.0/16,cali wildcard\`) matched all"
  echo "  $c_if packets that reached it, each from a cali* interface; \`pkp-out-ifaces src,dst\` (10.244.0.0/16,eth0: source"
  echo "  address, OUT interface) matched the $c_oif egress first packets."
  echo "- \`pkp-webports dst\` (bitmap:port) matched $c_wp TCP/UDP packets to 53/8080/8081 and never the ICMP echo request, although"
  echo "  2048 = 8<<8|0 is in the set: bitmap:port looks up TCP and UDP ports only."
  echo "- mangle: \`pkp-flows src,src,dst\` and \`pkp-allow src,src\` both counted web1:8080's $c_flow packets to the client;"
  echo "  \`pkp-pod-macs src,src\` counted $c_mac packets. The entry 10.244.1.3 was added without a MAC: the kernel matched web1's"
  echo "  first packet and filled in its MAC, so ipset-save.txt (taken after the traffic) shows 10.244.1.3,$WMAC."
  echo
  echo "### Set-counting jumps per traced packet walk, except walks that only jumped to PKP-KNOWN-MAC"
  echo "(trace id, IP ID, src>dst dport, PKP-* chains jumped to, from trace.txt)"
  echo
  echo '```'
  grep -Ev ' (-|PKP-KNOWN-MAC)$' "$WORK/jumps.txt" | head -60
  echo '```'
  echo
  echo "### ipset-save.txt"
  echo
  echo '```'
  cat "$BUNDLE/ipset-save.txt"
  echo '```'
  b_readme_tail
} > "$BUNDLE/README.md"
pkp_finish
