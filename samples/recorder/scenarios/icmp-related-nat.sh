#!/usr/bin/env bash
# icmp-related-nat: ICMP errors that conntrack ties (or fails to tie) to a NATed connection, and how NAT rewrites the
# outer and the embedded (inner) header. FORWARD policy DROP with a RELATED-icmp counting rule before the generic
# RELATED,ESTABLISHED accept; filter OUTPUT counts node-generated ICMP errors by conntrack state (RELATED / INVALID).
#   1. pod -> ClusterIP 10.96.0.50:53/udp, DNAT to web1:5353 where nothing listens: web1's port unreachable is
#      RELATED (reply direction) and un-DNATed in POSTROUTING (outer src and inner dst become 10.96.0.50[:53]).
#   2. Path MTU (node eth0 MTU 1280): 1400-byte DF datagrams from the pod, to a masqueraded destination and to one
#      the CNI does not masquerade; the node itself answers fragmentation needed.
#   3. TTL 1 datagrams: a fresh flow, an established masqueraded flow, an established unmasqueraded flow; the node
#      answers time exceeded.
#   4. Closed uplink ports: the uplink's port unreachable for a masqueraded datagram (addressed to the node's eth0,
#      de-masqueraded to the pod in PREROUTING) and for an unmasqueraded one.
# Every client probe uses IP_RECVERR, so probes.txt shows each ICMP error as the pod's socket received it.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="icmprel"
pkp_init icmp-related-nat
source "$PKP_LIB_DIR/lib-extra.sh"

DNS_CIP=10.96.0.50; WEB_CIP=10.96.0.60; EXT_CIP=10.96.0.70; PEER=10.70.0.1; MTU=1280
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod web1 10.244.1.3
ip -n "$NODE_NS" link set eth0 mtu "$MTU"
ip -n "$UPLINK_NS" link set eth0 mtu "$MTU"
# a peer network on the uplink that the CNI does not masquerade (routed back to the pods via the node)
ip -n "$UPLINK_NS" addr add "$PEER/32" dev lo
kp_reset
kp_service default/dns:dns udp "$DNS_CIP" 53 - cluster 10.244.1.3:5353
kp_service default/web:http tcp "$WEB_CIP" 80 - cluster 10.244.1.3:8080
# a service whose endpoint is outside the cluster (the peer network, not masqueraded): node errors for a DNATed flow
kp_service default/ext:ext udp "$EXT_CIP" 5301 - cluster "$PEER:5301"
kp_write_rules "$WORK/rules.v4"
python3 - "$WORK/rules.v4" <<'PYEOF'
import sys
path = sys.argv[1]
lines = open(path).read().split("\n")
out, table = [], None
fwd_last = max(i for i, l in enumerate(lines) if l.startswith("-A FORWARD "))
for i, l in enumerate(lines):
    if l.startswith("*"):
        table = l[1:]
    if table == "filter" and l == ":FORWARD ACCEPT [0:0]":
        l = ":FORWARD DROP [0:0]"
    if table == "filter" and l.startswith("-A FORWARD ") and "kubernetes load balancer firewall" in l:
        out.append('-A FORWARD -p icmp -m conntrack --ctstate RELATED -m comment --comment "icmp errors tied to a connection" -j ACCEPT')
        out.append('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')
    if table == "filter" and l.startswith("-A OUTPUT ") and "kubernetes load balancer firewall" in l:
        out.append('-A OUTPUT -p icmp -m conntrack --ctstate RELATED -m comment --comment "node-generated icmp, RELATED" -j ACCEPT')
        out.append('-A OUTPUT -p icmp -m conntrack --ctstate INVALID -m comment --comment "node-generated icmp, INVALID" -j ACCEPT')
    out.append(l)
    if i == fwd_last:
        out.append('-A FORWARD -i cali+ -m conntrack --ctstate NEW -m comment --comment "pods may open connections" -j ACCEPT')
    if table == "nat" and l.startswith("-A POSTROUTING ") and "KUBE-POSTROUTING" in l:
        out.append('-A POSTROUTING -s 10.244.0.0/16 ! -d 10.70.0.0/16 -o eth0 -m comment --comment "cni pod egress masquerade" -j MASQUERADE')
open(path, "w").write("\n".join(out))
PYEOF
for r in ':FORWARD DROP' 'icmp errors tied to a connection' 'node-generated icmp, RELATED' 'node-generated icmp, INVALID' \
         'pods may open connections' 'cni pod egress masquerade'; do
  grep -q -- "$r" "$WORK/rules.v4" || die "rule edit failed: $r"
done
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve web1 tcp 8080 40
b_serve up udp 5300 40
b_serve up udp 5301 40 "$PEER"

# icmperr DST PORT SPORT SIZE TTL(0=default) DF(0|1) WARMUP(0|1) TIMEOUT: one connected UDP socket with IP_RECVERR;
# optional warm-up datagram (waits for the reply, so that the flow is confirmed), then the probe datagram; prints the
# socket error and the extended error from the error queue (ICMP type/code, offender = the ICMP's outer source).
PY_ICMPERR="$(cat <<'PY'
import socket, struct, sys, time, select, errno
IP_RECVERR, IP_MTU_DISCOVER, IP_PMTUDISC_DO, MSG_ERRQUEUE = 11, 10, 2, 0x2000
dst, port, sport, size, ttl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
df, warm, tmo = sys.argv[6] == "1", sys.argv[7] == "1", float(sys.argv[8])
ename = lambda e: errno.errorcode.get(e, str(e))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
if df:
    s.setsockopt(socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
s.bind(("0.0.0.0", sport))
s.connect((dst, port))
w = ["udp %s:%d from %s:%d size=%d ttl=%s df=%d" % (dst, port, s.getsockname()[0], sport, size, ttl or "default", df)]
def errqueue():
    try:
        data, anc, fl, addr = s.recvmsg(2048, 1024, MSG_ERRQUEUE | socket.MSG_DONTWAIT)
    except OSError:
        return None
    for lvl, typ, c in anc:
        if lvl == socket.SOL_IP and typ == IP_RECVERR:
            ee_errno, origin, t, code, pad, info, dat = struct.unpack("=IBBBBII", c[:16])
            off = socket.inet_ntoa(c[20:24]) if len(c) >= 24 else "?"
            return "icmp=%d/%d offender=%s info=%d ee_errno=%s" % (t, code, off, info, ename(ee_errno))
    return "errqueue=no-ip-recverr"
if warm:
    s.send(b"warm-up\n")
    select.select([s], [], [], 1.0)
    try:
        w.append("warmup=reply(%s)" % s.recv(200, socket.MSG_DONTWAIT).decode(errors="replace").strip().replace(" ", "_"))
    except OSError as e:
        w.append("warmup=" + ename(e.errno))
if ttl:
    s.setsockopt(socket.SOL_IP, socket.IP_TTL, ttl)
payload = (b"pktpath icmp-related-nat " * (size // 25 + 1))[:size]
res, det = "timeout", None
try:
    s.send(payload)
except OSError as e:
    res = "send-" + ename(e.errno)
end = time.time() + tmo
while res == "timeout" and time.time() < end:
    r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
    if not r:
        break
    try:
        d = s.recv(2048, socket.MSG_DONTWAIT)
        res = "reply(%s)" % d.decode(errors="replace").strip().replace(" ", "_")
    except BlockingIOError:
        det = errqueue()
        if det:
            res = "errqueue-only"
        else:
            time.sleep(0.05)
    except OSError as e:
        res = ename(e.errno)
if det is None:
    det = errqueue()
w.append("result=" + res)
if det:
    w.append(det)
print(" ".join(w))
PY
)"
icmperr() {
  local out
  out="$(timeout 8 ip netns exec "$(pod_ns client)" python3 -c "$PY_ICMPERR" "$@" 2>&1)" || true
  [ -n "$out" ] || out="icmperr $* result=killed-by-timeout"
  printf '%s\n' "$out"
  printf '[client] %s\n' "$out" >> "$WORK/probes.txt"
}
# wait_until T0 SECONDS: sleep until SECONDS after the epoch time T0 (ICMP error pacing).
wait_until() { local d; d=$(python3 -c "import time; print(max(0.0, $1 + $2 - time.time()))"); sleep "$d"; }

b_netstat_snap before
snapshot_state before
start_capture; start_trace
b_probe client tcp "$WEB_CIP" 80 - 41001; sleep 0.3                  # control: TCP ClusterIP to web1:8080
T0=$(date +%s.%N)
icmperr "$DNS_CIP" 53 41011 32 0 0 0 1.5; sleep 0.3                  # 1. web1 port unreachable (DNAT)
icmperr "$UPLINK_IP" 5300 41021 1400 0 1 1 1.5; sleep 0.3            # 2. frag needed, masqueraded flow
icmperr "$PEER" 5301 41022 1400 0 1 1 1.5; sleep 0.3                 # 2. frag needed, unmasqueraded flow
icmperr "$EXT_CIP" 5301 41023 1400 0 1 0 1.5; sleep 0.3               # 2. frag needed, DNATed flow (fresh)
icmperr "$UPLINK_IP" 9999 41031 32 0 0 0 1.5                         # 4. uplink port unreachable, masqueraded
wait_until "$T0" 2.7
icmperr "$DNS_CIP" 53 41012 32 0 0 0 1.5; sleep 0.3                  # 1. second probe
icmperr "$UPLINK_IP" 5300 41041 32 1 0 0 1.5; sleep 0.3              # 3. TTL 1, fresh flow
icmperr "$PEER" 9999 41032 32 0 0 0 1.5                              # 4. uplink port unreachable, unmasqueraded
wait_until "$T0" 5.4
icmperr "$UPLINK_IP" 5300 41042 32 1 0 1 1.5; sleep 0.3              # 3. TTL 1, established masqueraded flow
icmperr "$UPLINK_IP" 9999 41033 32 0 0 0 1.5                         # 4. second masqueraded probe
wait_until "$T0" 8.1
icmperr "$PEER" 5301 41043 32 1 0 1 1.5; sleep 0.3                   # 3. TTL 1, established unmasqueraded flow
wait_until "$T0" 10.8
icmperr "$EXT_CIP" 5301 41044 32 1 0 1 1.5; sleep 0.3                # 3. TTL 1, established DNATed flow
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes

CIF=$(grep '^POD_CLIENT_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
WIF=$(grep '^POD_WEB1_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)
# ICMP frames with the embedded header (-v), decoded in the node namespace.
# (no filter expression, so that -# keeps the capture's frame numbers; -q prints the quoted datagram as "UDP, length N")
nsx "$NODE_NS" tcpdump -r "$BUNDLE/capture.pcap" -n -q -v -# -tt 2>/dev/null \
  | awk '$1 ~ /^[0-9]+$/ && NF > 3 { cur = / proto ICMP / } cur' > "$WORK/icmp-v.txt" || true
# icmp_v N: the verbose text of frame N (outer line + continuation lines).
icmp_v() { awk -v n="$1" '$1 ~ /^[0-9]+$/ && NF > 3 { cur = ($1 == n) } cur' "$WORK/icmp-v.txt"; }
probe() { grep -E "^\[client\] udp $1 from 10\.244\.1\.2:$2 " "$WORK/probes.txt" | head -1; }
pfield() { probe "$1" "$2" | grep -o "$3=[^ ]*" | head -1 | cut -d= -f2-; }
expect_probe() { # DST:PORT SPORT RESULT ICMP OFFENDER
  local l; l="$(probe "$1" "$2")"
  [ "$(pfield "$1" "$2" result)" = "$3" ] && [ "$(pfield "$1" "$2" icmp)" = "$4" ] && [ "$(pfield "$1" "$2" offender)" = "$5" ] \
    || b_fail "probe $1 from :$2: expected result=$3 icmp=$4 offender=$5, got: $l"
}
grep -q "tcp $WEB_CIP:80 from 10.244.1.2:41001 result=connected reply='web1 port 8080 saw 10.244.1.2:41001'" "$WORK/probes.txt" \
  || die "TCP control to $WEB_CIP:80 failed"
expect_probe "$DNS_CIP:53" 41011 ECONNREFUSED 3/3 "$DNS_CIP"
expect_probe "$DNS_CIP:53" 41012 ECONNREFUSED 3/3 "$DNS_CIP"
expect_probe "$UPLINK_IP:5300" 41021 EMSGSIZE 3/4 "$NODE_IP"
expect_probe "$PEER:5301" 41022 EMSGSIZE 3/4 "$NODE_IP"
[ "$(pfield "$UPLINK_IP:5300" 41021 info)" = "$MTU" ] && [ "$(pfield "$PEER:5301" 41022 info)" = "$MTU" ] || die "frag needed without mtu $MTU"
expect_probe "$UPLINK_IP:9999" 41031 ECONNREFUSED 3/3 "$UPLINK_IP"
expect_probe "$UPLINK_IP:9999" 41033 ECONNREFUSED 3/3 "$UPLINK_IP"
expect_probe "$PEER:9999" 41032 ECONNREFUSED 3/3 "$PEER"
expect_probe "$UPLINK_IP:5300" 41041 EHOSTUNREACH 11/0 "$NODE_IP"
expect_probe "$UPLINK_IP:5300" 41042 EHOSTUNREACH 11/0 "$NODE_IP"
expect_probe "$PEER:5301" 41043 EHOSTUNREACH 11/0 "$NODE_IP"
expect_probe "$EXT_CIP:5301" 41023 EMSGSIZE 3/4 "$EXT_CIP"
expect_probe "$EXT_CIP:5301" 41044 EHOSTUNREACH 11/0 "$EXT_CIP"
for p in "$UPLINK_IP:5300 41021 $NODE_IP" "$PEER:5301 41022 10.244.1.2" "$UPLINK_IP:5300 41042 $NODE_IP" "$PEER:5301 41043 10.244.1.2" \
         "$EXT_CIP:5301 41044 10.244.1.2"; do
  set -- $p
  [ "$(pfield "$1" "$2" warmup)" = "reply(up_port_${1##*:}_saw_$3:$2)" ] || die "warm-up of :$2 not answered as from $3: $(probe "$1" "$2")"
done

# The frames (capture.pcap): every error leaves on the client's cali with the addresses the pod expects.
f_w_in=$(b_expect_frames "web1's port unreachable, as web1 sent it" "$WIF +In +IP 10\.244\.1\.3 > 10\.244\.1\.2: ICMP 10\.244\.1\.3 udp port 5353 unreachable" 2)
f_w_out=$(b_expect_frames "port unreachable un-DNATed to the pod" "$CIF +Out +IP $DNS_CIP > 10\.244\.1\.2: ICMP $DNS_CIP udp port 53 unreachable" 2)
b_expect_none "the endpoint address leaking to the pod" "$CIF +Out +IP 10\.244\.1\.3 > 10\.244\.1\.2: ICMP"
f_big=$(b_expect_frames "1400-byte DF datagrams in" "$CIF +In +IP 10\.244\.1\.2\.4102[123] > .*: UDP, length 1400" 3)
b_expect_none "1400-byte datagrams forwarded" "eth0 +Out .*UDP, length 1400"
f_frag=$(b_expect_frames "frag needed to the pod" "$CIF +Out +IP $NODE_IP > 10\.244\.1\.2: ICMP .* unreachable - need to frag \(mtu $MTU\)" 2)
f_frag_d=$(b_expect_frames "frag needed for the DNATed flow, from the ClusterIP" "$CIF +Out +IP $EXT_CIP > 10\.244\.1\.2: ICMP $EXT_CIP unreachable - need to frag \(mtu $MTU\)" 1)
f_ttl_in=$(b_expect_frames "TTL 1 datagrams in" "$CIF +In +IP 10\.244\.1\.2\.4104[1-4] > .*: UDP, length 32$" 4)
f_ttl=$(b_expect_frames "time exceeded to the pod" "$CIF +Out +IP $NODE_IP > 10\.244\.1\.2: ICMP time exceeded in-transit" 3)
f_ttl_d=$(b_expect_frames "time exceeded for the DNATed flow, from the ClusterIP" "$CIF +Out +IP $EXT_CIP > 10\.244\.1\.2: ICMP time exceeded in-transit" 1)
b_expect_none "anything of the DNATed flows forwarded to the peer" "eth0 +Out +IP 10\.244\.1\.2\.410(23|44) > $PEER\.5301: UDP, length (1400|32)\$"
f_u_in=$(b_expect_frames "uplink port unreachable for the masqueraded datagrams, at the node's eth0" "eth0 +In +IP $UPLINK_IP > $NODE_IP: ICMP $UPLINK_IP udp port 9999 unreachable" 2)
f_u_out=$(b_expect_frames "de-masqueraded to the pod" "$CIF +Out +IP $UPLINK_IP > 10\.244\.1\.2: ICMP $UPLINK_IP udp port 9999 unreachable" 2)
f_p_in=$(b_expect_frames "peer port unreachable (no NAT)" "eth0 +In +IP $PEER > 10\.244\.1\.2: ICMP $PEER udp port 9999 unreachable" 1)
f_p_out=$(b_expect_frames "peer port unreachable forwarded" "$CIF +Out +IP $PEER > 10\.244\.1\.2: ICMP $PEER udp port 9999 unreachable" 1)
# Inner headers as the pod got them (tcpdump -v): un-DNATed for the service, de-masqueraded for the uplink.
for f in ${f_w_out//,/ }; do icmp_v "$f" | grep -qE "10\.244\.1\.2\.4101[12] > $DNS_CIP\.53: UDP" || die "frame $f: inner header not un-DNATed: $(icmp_v "$f")"; done
for f in ${f_w_in//,/ }; do icmp_v "$f" | grep -qE "10\.244\.1\.2\.4101[12] > 10\.244\.1\.3\.5353: UDP" || die "frame $f: web1's inner header"; done
for f in ${f_u_in//,/ }; do icmp_v "$f" | grep -qE "$NODE_IP\.4103[13] > $UPLINK_IP\.9999: UDP" || die "frame $f: uplink's inner header not masqueraded: $(icmp_v "$f")"; done
for f in ${f_u_out//,/ }; do icmp_v "$f" | grep -qE "10\.244\.1\.2\.4103[13] > $UPLINK_IP\.9999: UDP" || die "frame $f: inner header not de-masqueraded: $(icmp_v "$f")"; done
for f in ${f_frag//,/ } ${f_ttl//,/ }; do icmp_v "$f" | grep -qE "10\.244\.1\.2\.410[24][1-3] > " || die "frame $f: node's error does not quote the pod's address: $(icmp_v "$f")"; done
for f in ${f_frag_d//,/ } ${f_ttl_d//,/ }; do icmp_v "$f" | grep -qE "10\.244\.1\.2\.410(23|44) > $EXT_CIP\.5301: UDP" || die "frame $f: node's error for the DNATed flow not un-DNATed: $(icmp_v "$f")"; done

# Conntrack's classification: forwarded errors in FORWARD, node-generated ones in OUTPUT (counters and trace).
fw_rel=$(b_expect_count filter 'icmp errors tied to a connection' -eq 5)        # 2 from web1 + 3 from the uplink
out_rel=$(b_count filter 'node-generated icmp, RELATED'); out_inv=$(b_count filter 'node-generated icmp, INVALID')
[ "$out_rel" -eq 7 ] && [ "$out_inv" -eq 0 ] || die "node-generated ICMP errors counted $out_rel RELATED + $out_inv INVALID, expected 7 RELATED"
b_trace_summary > "$WORK/ts.txt"
# Per node-generated error: the OUTPUT verdict rule (trace), in capture order.
grep -E "^-/$CIF $NODE_IP>10\.244\.1\.2 " "$WORK/ts.txt" | sed -E 's/.*filter:OUTPUT:rule(0x[0-9a-f]+):ACCEPT.*/\1/' > "$WORK/out-handles.txt"
h_rel=$(grep -F 'node-generated icmp, RELATED' "$BUNDLE/trace.txt" | head -1 | sed -E 's/.*filter:OUTPUT:rule:(0x[0-9a-f]+):.*/\1/')
h_inv=$(grep -F 'node-generated icmp, INVALID' "$BUNDLE/trace.txt" | head -1 | sed -E 's/.*filter:OUTPUT:rule:(0x[0-9a-f]+):.*/\1/')
# Map each node error (IP ID, in the trace and the capture) to the probe it answers (sport in the inner header).
: > "$WORK/node-errors.txt"
for f in $(echo "$f_frag,$f_frag_d,$f_ttl,$f_ttl_d" | tr ',' '\n' | sort -n); do
  id=$(icmp_v "$f" | head -1 | grep -o 'id [0-9]*' | head -1 | cut -d' ' -f2)
  sp=$(icmp_v "$f" | grep -oE "10\.244\.1\.2\.410[24][1-4] >" | head -1 | sed -E 's/.*\.([0-9]+) >/\1/')
  osrc=$(icmp_v "$f" | sed -n 2p | awk '{print $1}')
  kind=$(icmp_v "$f" | grep -q 'need to frag' && echo "frag-needed" || echo "time-exceeded")
  st=$(grep -E "^-/$CIF $NODE_IP>10\.244\.1\.2 ID=$id :" "$WORK/ts.txt" | grep -oE "filter:OUTPUT:rule0x[0-9a-f]+" | head -1 | sed 's/filter:OUTPUT:rule//')
  case "$st" in "$h_rel") st=RELATED ;; "$h_inv") st=INVALID ;; *) st="untraced($st)" ;; esac
  echo "$f $kind sport=$sp ip-id=$id $st out-src=$osrc" >> "$WORK/node-errors.txt"
done
cat "$WORK/node-errors.txt" >&2
state_of() { awk -v s="sport=$1" '$3 == s { print $5 }' "$WORK/node-errors.txt"; }
for sp in 41021 41022 41023 41041 41042 41043 41044; do
  [ "$(state_of $sp)" = RELATED ] || die "the node's error to :$sp was not traced as RELATED in filter OUTPUT: $(state_of $sp)"
  env_put "NODE_ERROR_STATE_$sp" "$(state_of $sp)"
done
[ "$(grep -c RELATED "$WORK/node-errors.txt")" = "$out_rel" ] || die "trace RELATED count != counter $out_rel"
[ "$(b_netstat_delta Ip.InHdrErrors)" = 4 ] && [ "$(b_netstat_delta Ip.FragFails)" = 3 ] || die "ip_forward drops: InHdrErrors/FragFails not 4/3"
if grep -qE 'sport=410(23|41) ' "$BUNDLE/conntrack-L.txt"; then die "an entry of a flow whose only packet died in ip_forward was confirmed"; fi

env_put CLIENT_IP 10.244.1.2; env_put DNS_SERVICE "$DNS_CIP:53/udp -> 10.244.1.3:5353 (no listener)"
env_put WEB_SERVICE "$WEB_CIP:80/tcp -> 10.244.1.3:8080"; env_put EXT_SERVICE "$EXT_CIP:5301/udp -> $PEER:5301"; env_put NODE_ETH0_MTU "$MTU"; env_put UNMASQUERADED_PEER "$PEER"
env_put EXPECT_FORWARD_RELATED_ICMP "$fw_rel"; env_put EXPECT_OUTPUT_RELATED_ICMP "$out_rel"; env_put EXPECT_OUTPUT_INVALID_ICMP "$out_inv"

{
  echo "# icmp-related-nat: ICMP errors for NATed flows — RELATED or not, and the rewrite of the embedded header"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1); eth0 $NODE_IP/24 MTU $MTU ↔ uplink $UPLINK_IP (MTU $MTU, also owns $PEER/32 on lo, the"
  echo "\"peer network\" 10.70.0.0/16 that the CNI does not masquerade); pods client 10.244.1.2 (\`$CIF\`) and web1 10.244.1.3 (\`$WIF\`)."
  echo "kube-proxy services (rules-input.txt): \`default/dns:dns\` $DNS_CIP:53/udp → 10.244.1.3:5353 (nothing listens there),"
  echo "\`default/web:http\` $WEB_CIP:80/tcp → 10.244.1.3:8080 (listener), \`default/ext:ext\` $EXT_CIP:5301/udp → $PEER:5301 (an endpoint"
  echo "outside the cluster, on the uplink; a UDP server answers there). Rules added to kube-proxy's:"
  echo
  echo "- filter FORWARD policy DROP; at its top \`-p icmp -m conntrack --ctstate RELATED ... -j ACCEPT\` (\"icmp errors tied to a"
  echo "  connection\") and \`--ctstate RELATED,ESTABLISHED -j ACCEPT\`; after kube-proxy's jumps \`-i cali+ --ctstate NEW -j ACCEPT\`."
  echo "- filter OUTPUT, at its top: \`-p icmp --ctstate RELATED -j ACCEPT\` and \`-p icmp --ctstate INVALID -j ACCEPT\` (counting how"
  echo "  conntrack classified the node's own ICMP errors)."
  echo "- nat POSTROUTING after KUBE-POSTROUTING: \`-s 10.244.0.0/16 ! -d 10.70.0.0/16 -o eth0 -j MASQUERADE\` (CNI egress masquerade)."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Every UDP probe is a connected socket with IP_RECVERR: \`result\` is the socket error, \`icmp\`/\`offender\`/\`info\` the extended"
  echo "error from the error queue (offender = the ICMP's outer source address as the pod received it, info = the MTU). A UDP socket"
  echo "only gets an error whose embedded header names its own connection, so each delivered error proves the inner header was right."
  echo "Probes expecting an error from the same sender are 2.7 s apart (ICMP rate limit; frag needed is not rate-limited)."
  echo
  echo "0. control: TCP 10.244.1.2:41001 → $WEB_CIP:80 (DNAT to web1:8080)."
  echo "1. UDP → $DNS_CIP:53 from :41011 and :41012: DNAT to web1:5353, web1 answers port unreachable."
  echo "2. Path MTU: a 1400-byte datagram with IP_PMTUDISC_DO (IP length 1428 > eth0's $MTU) from :41021 → $UPLINK_IP:5300 (masqueraded)"
  echo "   and :41022 → $PEER:5301 (not masqueraded), each after a warm-up datagram that was answered (flow confirmed), and from"
  echo "   :41023 → $EXT_CIP:5301 (DNAT to $PEER:5301) on a fresh socket (flow not confirmed)."
  echo "3. TTL 1: :41041 → $UPLINK_IP:5300 on a fresh socket; after a warm-up: :41042 → $UPLINK_IP:5300 (masqueraded), :41043 → $PEER:5301"
  echo "   (no NAT), :41044 → $EXT_CIP:5301 (DNAT)."
  echo "4. Closed uplink ports: :41031 and :41033 → $UPLINK_IP:9999 (masqueraded), :41032 → $PEER:9999 (no NAT)."
  echo
  echo "## What the kernel did"
  echo
  echo "- The control connection worked and every probe got its ICMP error (probes.txt)."
  echo "- 1: web1 sent \`10.244.1.3 > 10.244.1.2 ICMP 10.244.1.3 udp port 5353 unreachable\` (frames $f_w_in, in on \`$WIF\`); conntrack"
  echo "  tied it to the DNAT entry (RELATED, reply direction): it crossed filter FORWARD through the RELATED-icmp rule with SRC"
  echo "  still 10.244.1.3 in the trace (undoing a DNAT on a reply is a source manipulation, done at POSTROUTING, after FORWARD; no"
  echo "  nat chain runs for RELATED packets) and left on \`$CIF\` as \`$DNS_CIP > 10.244.1.2 ICMP $DNS_CIP udp port 53 unreachable\`"
  echo "  (frames $f_w_out): outer source and inner destination address and port all rewritten. Client: ECONNREFUSED, offender $DNS_CIP."
  echo "- 4: the uplink's errors for the masqueraded datagrams came in on eth0 addressed to $NODE_IP and quoting $NODE_IP.4103x"
  echo "  (frames $f_u_in); conntrack tied them to the masquerade entry (RELATED, reply direction) and the de-masquerade (a"
  echo "  destination manipulation) rewrote the outer destination and the inner source in PREROUTING, so filter FORWARD already saw"
  echo "  DST=10.244.1.2; out on \`$CIF\` quoting 10.244.1.2.4103x (frames $f_u_out). The peer's error for the unNATed datagram (frame"
  echo "  $f_p_in in, $f_p_out out) was RELATED too and passed unchanged."
  echo "- FORWARD's RELATED-icmp rule counted $fw_rel packets = the 2 web1 errors + the 3 uplink errors."
  echo "- 2 and 3: the node dropped the 1400-byte datagrams (frames $f_big in, none out on eth0) and the TTL 1 datagrams (frames"
  echo "  $f_ttl_in) in its forwarding path (ip_forward: TTL and MTU are checked before filter FORWARD, so the trace shows only raw and"
  echo "  nat PREROUTING for them, and before any source NAT) and answered itself: frag needed (mtu $MTU) and time exceeded, each"
  echo "  quoting the datagram as the node received it, i.e. after DNAT and before masquerade. Each error went through raw OUTPUT and"
  echo "  filter OUTPUT, where it was RELATED every time ($out_rel RELATED, $out_inv INVALID): the kernel attaches the dropped"
  echo "  datagram's own conntrack entry to the error it generates (icmp_glue_bits → nf_ct_attach, ctinfo RELATED in the reply"
  echo "  direction), so neither a missing confirmation (fresh flows :41023 and :41041, whose entries never reached the table) nor"
  echo "  a masquerade that has not happened yet (:41021, :41042) makes it INVALID. Per error (trace OUTPUT verdict; out-src = the"
  echo "  outer source on \`$CIF\`):"
  echo
  echo '```'
  echo "frame kind sport ip-id conntrack-state-in-OUTPUT out-src"
  cat "$WORK/node-errors.txt"
  echo '```'
  echo
  echo "  NAT of those locally generated errors: for the DNATed flows (:41023, :41044) the node's error left with outer source"
  echo "  $EXT_CIP instead of $NODE_IP and the inner destination rewritten from $PEER:5301 back to $EXT_CIP:5301 (frames $f_frag_d,"
  echo "  $f_ttl_d; the trace still shows SRC=$NODE_IP in filter OUTPUT: the rewrite happens at POSTROUTING); the pod saw offender"
  echo "  $EXT_CIP. For the masqueraded flows nothing needed rewriting (the quoted header still names the pod) and the errors left"
  echo "  from $NODE_IP (frames $f_frag, $f_ttl)."
  echo "- Kernel MIB deltas of the node (netstat-counters.txt): Ip.InHdrErrors +$(b_netstat_delta Ip.InHdrErrors) (the TTL 1 datagrams),"
  echo "  Ip.FragFails +$(b_netstat_delta Ip.FragFails) (the 1400-byte DF datagrams), Icmp.OutTimeExcds +$(b_netstat_delta Icmp.OutTimeExcds),"
  echo "  Icmp.OutDestUnreachs +$(b_netstat_delta Icmp.OutDestUnreachs); conntrack-L.txt has no entry for :41023 and :41041 (their only"
  echo "  packet died in ip_forward, so the entry was never confirmed)."
  echo
  echo "### ICMP frames with their embedded headers (tcpdump -r capture.pcap -n -q -v -# -tt, ICMP frames only)"
  echo
  echo '```'
  cat "$WORK/icmp-v.txt"
  echo '```'
  b_readme_tail 'ICMP|icmp|>10\.244\.1\.2 ID|4102[12]|4104[123]|nat:[A-Z-]+:rule|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
