#!/usr/bin/env bash
# ipv6-fragments-mtu: IPv6 fragments and path MTU through a node whose conntrack is in use (kube-proxy IPv6 nat rules
# and a CNI MASQUERADE). IPv6 routers never fragment: only the source does. Node eth0 and the uplink have MTU 1280, the
# pods 1500.
#   - nf_defrag_ipv6 (PREROUTING/OUTPUT priority -400) holds the fragments until the datagram is whole; the whole datagram
#     crosses the hooks once; on the way out it is cut again after POSTROUTING to at most its largest fragment
#     (IP6CB frag_max_size, ip6_fragment).
#   - ip6_forward checks the length against the egress MTU before FORWARD (ip6_pkt_too_big): a whole datagram longer than
#     the MTU is dropped with an ICMPv6 packet too big, and so is a reassembled one whose largest fragment (frag_max_size)
#     is longer than the MTU, although its fragments would fit if cut again.
#   1. UDP ClusterIP [fd00:10:96::80]:53 -> web1:5353 (DNAT), two 3000-byte datagrams from one socket (the client pod
#      fragments them at its MTU 1500), answered with 3000 bytes.
#   2. pod -> uplink:5300 (MASQUERADE on eth0), two 3000-byte datagrams from one socket: the first arrives in 1500-byte
#      fragments (frag_max_size > eth0's 1280: packet too big), the second in 1280-byte ones (the pod learned the PMTU).
#   3. ping -6 -s 3000 -c 3 pod -> uplink (masqueraded), after 2 (the pod's path MTU to the uplink is 1280).
#   4. the node itself -> uplink:5300, 3000 bytes (fragmented by the node's own output at 1280), answered.
#   5. single 1400-byte datagrams with IPV6_DONTFRAG (fit the pod's 1500, not eth0's 1280): masqueraded after a warm-up
#      (confirmed flow), DNATed to an endpoint on the uplink after a warm-up, DNATed on a fresh socket.
#   6. an incomplete datagram (first fragment only, raw socket) pod -> uplink:5300: held, never forwarded; the node's
#      net.netfilter.nf_conntrack_frag6_timeout (the IPv6 conntrack defrag queue's timeout; net.ipv6.ip6frag_time is
#      the local reassembly's) is 5 s so that the queue expires inside the capture.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="v6frag"
pkp_init ipv6-fragments-mtu ipv6
source "$PKP_LIB_DIR/lib-extra.sh"

CIP=fd00:10:96::80; EXT1=fd00:10:96::71; EXT2=fd00:10:96::72; PEER1=fd00:70::1; PEER2=fd00:70::2
CLI6=fd00:10:244:1::2; WEB6=fd00:10:244:1::3; SIZE=3000; MTU=1280; FRAGTIME=5
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2 "$CLI6"
add_pod web1 10.244.1.3 "$WEB6"
CIF=$(host_if client); WIF=$(host_if web1)
ip -n "$NODE_NS" link set eth0 mtu "$MTU"
ip -n "$UPLINK_NS" link set eth0 mtu "$MTU"
# a peer network on the uplink (its lo), reached through the node's default route
ip -n "$UPLINK_NS" addr add "$PEER1/128" dev lo nodad
ip -n "$UPLINK_NS" addr add "$PEER2/128" dev lo nodad
nsx "$NODE_NS" sysctl -qw net.netfilter.nf_conntrack_frag6_timeout="$FRAGTIME" >/dev/null
POD_CIDR=fd00:10:244::/48 KP_FAMILY=6
kp_reset
kp_service default/bigdns:dns udp "$CIP" 53 - cluster "$WEB6:5353"
kp_service default/ext1:ext udp "$EXT1" 5301 - cluster "$PEER2:5301"
kp_service default/ext2:ext udp "$EXT2" 5301 - cluster "$PEER2:5301"
kp_write_rules "$WORK/rules.v6"
python3 - "$WORK/rules.v6" <<'PYEOF'
import sys
path = sys.argv[1]
out, table = [], None
for l in open(path).read().split("\n"):
    if l.startswith("*"):
        table = l[1:]
    if table == "filter" and l.startswith("-A OUTPUT ") and "kubernetes load balancer firewall" in l:
        out.append('-A OUTPUT -p ipv6-icmp -m conntrack --ctstate RELATED -m comment --comment "node-generated icmpv6, RELATED" -j ACCEPT')
        out.append('-A OUTPUT -p ipv6-icmp -m conntrack --ctstate INVALID -m comment --comment "node-generated icmpv6, INVALID" -j ACCEPT')
    out.append(l)
    if table == "nat" and l.startswith("-A POSTROUTING ") and "KUBE-POSTROUTING" in l:
        out.append('-A POSTROUTING -s fd00:10:244::/48 ! -d fd00:10:244::/48 -o eth0 -m comment --comment "cni pod egress masquerade" -j MASQUERADE')
open(path, "w").write("\n".join(out))
PYEOF
for r in 'node-generated icmpv6, RELATED' 'node-generated icmpv6, INVALID' 'cni pod egress masquerade'; do
  grep -q -- "$r" "$WORK/rules.v6" || die "rule edit failed: $r"
done
cp "$WORK/rules.v6" "$BUNDLE/rules-input.txt"
load_rules6 "$WORK/rules.v6"

# serve PORT SECONDS TAG: UDP server on [::]:PORT logging each datagram (length, sha1 prefix, peer, local address) and
# answering from the address it was sent to (IPV6_PKTINFO): a warm-up gets "TAG_port_P_saw_[PEER]:SPORT", any other
# datagram as many bytes ("TAG LEN" padded with dots).
# send DST PORT SPORT COUNT SIZE: COUNT datagrams of SIZE bytes from one connected socket (IPV6_RECVERR) bound to SPORT,
# 0.3 s apart, each answer's length or the ICMPv6 error the socket got logged.
# icmperr DST PORT SPORT SIZE WARMUP(0|1) TIMEOUT: one connected socket with IPV6_RECVERR and IPV6_DONTFRAG (the pod's
# kernel may not fragment it); optional warm-up datagram answered first, then one SIZE-byte datagram.
# frags SRC DST DPORT SPORT SIZE FRAGID: the first 1000 data bytes of a SIZE-byte UDP datagram, as a fragment (offset
# 0, M=1, identification FRAGID) sent through a raw IPv6 socket (IPPROTO_RAW: header included); waits 1.5 s.
PY_V6="$B_PY_CHECKSUM
$B_PY_DATAGRAM
$(cat <<'PY'
import socket, struct, sys, time, select, hashlib, errno
SOL_IPV6, IPV6_RECVERR, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_DONTFRAG = 41, 25, 23, 2, 62
IPV6_RECVPKTINFO, IPV6_PKTINFO, MSG_ERRQUEUE = 49, 50, 0x2000
ename = lambda e: errno.errorcode.get(e, str(e))
def errqueue(s):
    try:
        data, anc, fl, addr = s.recvmsg(2048, 1024, MSG_ERRQUEUE | socket.MSG_DONTWAIT)
    except OSError:
        return None
    for lvl, typ, c in anc:
        if lvl == SOL_IPV6 and typ == IPV6_RECVERR:
            ee_errno, origin, t, code, pad, info, dat = struct.unpack("=IBBBBII", c[:16])
            off = socket.inet_ntop(socket.AF_INET6, c[24:40]) if len(c) >= 40 else "?"
            return "icmp6=%d/%d offender=%s info=%d ee_errno=%s" % (t, code, off, info, ename(ee_errno))
    return "errqueue=no-ipv6-recverr"
def await_answer(s, tmo):
    """(answer text, error-queue text) for one datagram sent on s."""
    end, det = time.time() + tmo, None
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, end - time.time()))
        if not r:
            break
        try:
            d = s.recv(65535, socket.MSG_DONTWAIT)
            return d, det
        except BlockingIOError:
            det = det or errqueue(s)
            if det:
                return None, det
            time.sleep(0.05)
        except OSError as e:
            return ename(e.errno), det or errqueue(s)
    return None, det or errqueue(s)
def udp_socket(sport, dontfrag):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(SOL_IPV6, IPV6_RECVERR, 1)
    if dontfrag:
        s.setsockopt(SOL_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
        s.setsockopt(SOL_IPV6, IPV6_DONTFRAG, 1)
    s.bind(("::", sport))
    return s
a = sys.argv[1:]
if a[0] == "serve":
    port, life, tag = int(a[1]), float(a[2]), a[3]
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(SOL_IPV6, IPV6_RECVPKTINFO, 1)
    s.bind(("::", port))
    print("ready", flush=True)
    end = time.time() + life
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, min(0.5, end - time.time())))
        if not r:
            continue
        d, anc, fl, peer = s.recvmsg(65535, 256)
        local = "?"
        for lvl, typ, c in anc:
            if lvl == SOL_IPV6 and typ == IPV6_PKTINFO:
                local = socket.inet_ntop(socket.AF_INET6, c[:16])
        print("datagram from [%s]:%d to [%s]:%d len=%d sha1=%s" % (peer[0], peer[1], local, port, len(d), digest(d)), flush=True)
        ans = ("%s_port_%d_saw_[%s]:%d" % (tag, port, peer[0], peer[1])).encode() if d.startswith(b"warm-up") else payload(len(d), tag)
        info = [(SOL_IPV6, IPV6_PKTINFO, socket.inet_pton(socket.AF_INET6, local) + struct.pack("=I", 0))] if local != "?" else []
        s.sendmsg([ans], info, 0, peer)
elif a[0] == "send":
    dst, port, sport, count, size = a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5])
    s = udp_socket(sport, False)
    s.connect((dst, port))
    for i in range(count):
        d = payload(size, "req%d" % i)
        s.send(d)
        r, det = await_answer(s, 1.5)
        head = "udp [%s]:%d from :%d #%d sent len=%d sha1=%s" % (dst, port, sport, i, len(d), digest(d))
        if isinstance(r, bytes):
            print("%s answer len=%d head=%r" % (head, len(r), r[:12].decode()))
        else:
            print("%s answer %s %s" % (head, r or "timeout", det or ""))
        time.sleep(0.3)
elif a[0] == "icmperr":
    dst, port, sport, size, warm, tmo = a[1], int(a[2]), int(a[3]), int(a[4]), a[5] == "1", float(a[6])
    s = udp_socket(sport, True)
    s.connect((dst, port))
    w = ["udp [%s]:%d from :%d size=%d dontfrag=1" % (dst, port, sport, size)]
    if warm:
        s.send(b"warm-up\n")
        r, det = await_answer(s, 1.0)
        w.append("warmup=" + ("reply(%s)" % r.decode(errors="replace").strip() if isinstance(r, bytes) else str(r or "timeout")))
    res = None
    try:
        s.send((b"pktpath ipv6-fragments-mtu " * (size // 27 + 1))[:size])
    except OSError as e:
        res = "send-" + ename(e.errno)
    det = None
    if res is None:
        r, det = await_answer(s, tmo)
        res = "reply(%s)" % r.decode(errors="replace").strip() if isinstance(r, bytes) else (r or ("errqueue-only" if det else "timeout"))
    w.append("result=" + res)
    if det:
        w.append(det)
    print(" ".join(w))
elif a[0] == "frags":
    src, dst, dport, sport, size, fid = a[1], a[2], int(a[3]), int(a[4]), int(a[5]), int(a[6])
    data = payload(size, "crafted")
    s6, d6 = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    udp = struct.pack("!HHHH", sport, dport, 8 + size, 0) + data
    pseudo = s6 + d6 + struct.pack("!IxxxB", len(udp), 17)
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xffff) + udp[8:]
    chunk = udp[:1000]
    frag = struct.pack("!BBHI", 17, 0, 0 | 1, fid) + chunk
    pkt = struct.pack("!IHBB16s16s", 6 << 28, len(frag), 44, 64, s6, d6) + frag
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.bind((src, sport)); u.settimeout(1.5)
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(pkt, (dst, 0))
    try:
        r = u.recv(65535)
        ans = "answer len=%d" % len(r)
    except OSError as e:
        ans = "answer " + type(e).__name__
    print("frags [%s]:%d from :%d fragid=%d first-only sent=1 of %d len=%d sha1=%s %s"
          % (dst, dport, sport, fid, (len(udp) + 999) // 1000, size, digest(data), ans))
PY
)"
v6_serve() { # NS PORT SECONDS TAG
  local ns; ns="$(resolve_ns "$1")"
  pkp_bg "v6srv-$4-$2" timeout "$(( $3 + 5 ))" ip netns exec "$ns" python3 -u -c "$PY_V6" serve "$2" "$3" "$4"
  local i; for i in $(seq 1 50); do grep -q ready "$WORK/v6srv-$4-$2.out" 2>/dev/null && return 0; sleep 0.1; done
  die "server $4:$2 did not start: $(cat "$WORK/v6srv-$4-$2.err")"
}
v6_run() { # NS ARGS...: one bounded client run, logged to probes.txt
  local ns out; ns="$(resolve_ns "$1")"; shift
  out="$(timeout 8 ip netns exec "$ns" python3 -c "$PY_V6" "$@" 2>&1)" || true
  [ -n "$out" ] || out="$* result=killed-by-timeout"
  printf '%s\n' "$out"; printf '%s\n' "$out" | sed "s/^/$(b_role "$ns") /" >> "$WORK/probes.txt"
}
# snmp6_snap before|after: the node's /proc/net/snmp6 as "Group.Name value" (Ip6.ReasmTimeout, Icmp6.OutPktTooBigs, ...);
# with after, appends the counters that moved to netstat-counters.txt ("Group.Name before after delta").
snmp6_snap() {
  nsx "$NODE_NS" cat /proc/net/snmp6 | awk '{ n = $1; if (n ~ /^Icmp6/) g = "Icmp6"; else if (n ~ /^Ip6/) g = "Ip6";
      else if (n ~ /^UdpLite6/) g = "UdpLite6"; else if (n ~ /^Udp6/) g = "Udp6"; else g = "";
      if (g != "") print g "." substr(n, length(g) + 1), $2 }' > "$WORK/snmp6-$1"
  if [ "$1" = after ]; then
    awk 'NR == FNR { b[$1] = $2; next } ($1 in b) && $2 != b[$1] { print $1, b[$1], $2, $2 - b[$1] }' \
      "$WORK/snmp6-before" "$WORK/snmp6-after" >> "$BUNDLE/netstat-counters.txt"
  fi
}
v6_serve web1 5353 40 web1
v6_serve up 5300 40 up
v6_serve up 5301 40 up

b_netstat_snap before; snmp6_snap before
snapshot_state before
start_capture; start_trace
T_INC=$(date +%s.%N)
v6_run client frags "$CLI6" "$UPLINK_IP6" 5300 44031 "$SIZE" 4431                  # 6. incomplete: held, then dropped
sleep 0.3
v6_run client send "$CIP" 53 44001 2 "$SIZE"; sleep 0.3                           # 1. ClusterIP, DNAT
v6_run client send "$UPLINK_IP6" 5300 44011 2 "$SIZE"; sleep 0.3                  # 2. masquerade, too big then fits
timeout 8 ip netns exec "$(pod_ns client)" ping -6 -n -c 3 -i 0.3 -W 1 -s "$SIZE" "$UPLINK_IP6" > "$WORK/ping.txt" 2>&1 || true
sleep 0.3                                                                            # 3. big ping
v6_run node send "$UPLINK_IP6" 5300 44041 1 "$SIZE"; sleep 0.3                     # 4. the node's own datagram
v6_run client icmperr "$PEER1" 5300 44021 1400 1 1.5; sleep 0.3                    # 5. masqueraded, confirmed
v6_run client icmperr "$EXT1" 5301 44022 1400 1 1.5; sleep 0.3                     # 5. DNATed, confirmed
v6_run client icmperr "$EXT2" 5301 44023 1400 0 1.5                                # 5. DNATed, fresh
# let the incomplete queue expire inside the capture (frag6 timeout after its fragment, plus slack)
python3 -c "import time; time.sleep(max(0.0, $T_INC + $FRAGTIME + 2.0 - time.time()))"
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after; snmp6_snap after
b_keep_probes
{ nsx "$NODE_NS" sysctl net.netfilter.nf_conntrack_frag6_timeout net.ipv6.ip6frag_time net.ipv6.icmp.ratemask net.ipv6.icmp.ratelimit
  nsx "$NODE_NS" sysctl -a 2>/dev/null | grep -E '^net\.ipv6\.conf\.(eth0|cali[0-9a-f]+)\.mtu = '; } >> "$BUNDLE/sysctl.txt"
sort -o "$BUNDLE/sysctl.txt" "$BUNDLE/sysctl.txt"
cat "$WORK/ping.txt" >> "$BUNDLE/probes.txt"
cat "$WORK"/v6srv-*.out | grep '^datagram' > "$WORK/servers.txt" || true
cat "$WORK/servers.txt" >&2; cat "$WORK/probes.txt" >&2

# ---- the frames with their IPv6 lengths (tcpdump -v): frame ifname dir iplen frag(off|len or -) summary
nsx "$NODE_NS" tcpdump -r "$BUNDLE/capture.pcap" -n -v -# -tt 2>/dev/null \
  | awk '$1 ~ /^[0-9]+$/ && NF > 3 { if (line) print line; line = $0; next } { sub(/^ +/, ""); line = line " " $0 } END { if (line) print line }' \
  > "$WORK/frames-v.txt"
awk '{ pl = ""; fr = "-"
       for (i = 1; i <= NF; i++) { if ($i == "length:" && $(i-1) == "payload" && pl == "") { pl = $(i+1); gsub(/[^0-9]/, "", pl) }
                                   if ($i == "frag" && fr == "-") { fr = $(i+1); gsub(/[^0-9|()]/, "", fr) } }
       if (pl != "") print $1, $3, $4, pl + 40, fr }' "$WORK/frames-v.txt" > "$WORK/lens.txt"
P="$WORK/probes.txt"; S="$WORK/servers.txt"
PTB="ICMP6, packet too big, mtu $MTU"
# 1. DNAT, both ways whole
[ "$(grep -c "udp \[$CIP\]:53 from :44001 #[01] sent len=$SIZE .* answer len=$SIZE head='web1 $SIZE" "$P")" = 2 ] || die "ClusterIP: not 2 whole answers"
[ "$(grep -c "datagram from \[$CLI6\]:44001 to \[$WEB6\]:5353 len=$SIZE" "$S")" = 2 ] || die "web1 did not get 2 whole datagrams from the pod (DNAT, no SNAT)"
# 2. masquerade: the first datagram is too big as it arrived (1500-byte fragments), the second fits
grep -q "udp \[$UPLINK_IP6\]:5300 from :44011 #0 sent len=$SIZE .* answer .*icmp6=2/0 offender=.* info=$MTU ee_errno=EMSGSIZE" "$P" \
  || die "masqueraded datagram #0: no packet too big (mtu $MTU)"
grep -q "udp \[$UPLINK_IP6\]:5300 from :44011 #1 sent len=$SIZE .* answer len=$SIZE head='up $SIZE" "$P" || die "masqueraded datagram #1 not answered whole"
[ "$(grep -c "datagram from \[$NODE_IP6\]:44011 " "$S")" = 1 ] || die "uplink did not get exactly one masqueraded datagram from [$NODE_IP6]:44011"
grep -q '3 packets transmitted, 3 received' "$WORK/ping.txt" || die "big ping: $(tail -2 "$WORK/ping.txt")"
grep -q "udp \[$UPLINK_IP6\]:5300 from :44041 #0 sent len=$SIZE .* answer len=$SIZE" "$P" || die "node's datagram not answered whole"
# 5. path MTU: each 1400-byte datagram answered by the node with packet too big, mtu 1280
for p in "$PEER1 5300 44021 1" "$EXT1 5301 44022 1" "$EXT2 5301 44023 0"; do
  set -- $p
  l="$(grep "udp \[$1\]:$2 from :$3 size=1400" "$P")"
  [[ "$l" == *"result=EMSGSIZE icmp6=2/0 "*"info=$MTU ee_errno=EMSGSIZE"* ]] || die "probe :$3 expected EMSGSIZE with icmp6 2/0 mtu $MTU: $l"
  [ "$4" = 0 ] || [[ "$l" == *"warmup=reply(up_port_$2_saw_[$NODE_IP6]:$3)"* ]] || die "probe :$3 warm-up not answered as from the node: $l"
done
grep -q "frags \[$UPLINK_IP6\]:5300 from :44031 fragid=4431 first-only sent=1 .* answer TimeoutError" "$P" || die "incomplete datagram answered?"
grep -q ":44031 " "$S" && die "the incomplete datagram reached the uplink"
grep -qE ":4402[123] .* len=1400" "$S" && die "a 1400-byte datagram reached the uplink"
# frames
f_big=$(b_expect_frames "1400-byte datagrams in from the pod" "$CIF +In +IP6 $CLI6\.4402[123] > .*: UDP, length 1400" 3)
b_expect_none "1400-byte datagrams forwarded" "eth0 +Out .*UDP, length 1400"
f_ptb=$(b_expect_frames "packets too big to the pod" "$CIF +Out +IP6 .* > $CLI6: $PTB" 4)
f_ptb_d=$(b_expect_frames "packets too big for the DNATed flows, from the ClusterIPs" "$CIF +Out +IP6 ($EXT1|$EXT2) > $CLI6: $PTB" 2)
b_expect_frames "masqueraded first fragments of :44011 on eth0" "eth0 +Out +IP6 $NODE_IP6 > $UPLINK_IP6: frag \(0\|[0-9]+\) 44011 > 5300" 1 >/dev/null
b_expect_frames "DNATed first fragments to web1" "$WIF +Out +IP6 $CLI6 > $WEB6: frag \(0\|[0-9]+\) 44001 > 5353" 2 >/dev/null
b_expect_frames "un-DNATed answers to the pod" "$CIF +Out +IP6 $CIP > $CLI6: frag \(0\|[0-9]+\) 53 > 44001" 2 >/dev/null
b_expect_frames "masqueraded ping fragments on eth0" "eth0 +Out +IP6 $NODE_IP6 > $UPLINK_IP6: frag \(0\|[0-9]+\) ICMP6, echo request" 3 >/dev/null
b_expect_frames "de-masqueraded ping replies to the pod" "$CIF +Out +IP6 $UPLINK_IP6 > $CLI6: frag \(0\|[0-9]+\) ICMP6, echo reply" 3 >/dev/null
b_expect_none "the incomplete datagram leaving" "(eth0|$WIF) +Out .*44031 > 5300"
eth0_out_max=$(awk '$2 == "eth0" && $3 == "Out" { if ($4 > m) m = $4 } END { print m + 0 }' "$WORK/lens.txt")
[ "$eth0_out_max" -le "$MTU" ] || die "a frame of $eth0_out_max bytes left eth0 (MTU $MTU)"
cif_in_max=$(awk -v c="$CIF" '$2 == c && $3 == "In" && $5 != "-" { if ($4 > m) m = $4 } END { print m + 0 }' "$WORK/lens.txt")
cif_out_max=$(awk -v c="$CIF" '$2 == c && $3 == "Out" && $5 != "-" { if ($4 > m) m = $4 } END { print m + 0 }' "$WORK/lens.txt")
wif_out_max=$(awk -v c="$WIF" '$2 == c && $3 == "Out" && $5 != "-" { if ($4 > m) m = $4 } END { print m + 0 }' "$WORK/lens.txt")
[ "$cif_in_max" -gt "$MTU" ] && [ "$wif_out_max" -gt "$MTU" ] || die "no fragment larger than $MTU from the pod ($cif_in_max) or to web1 ($wif_out_max)"
# the node's own error for the reassembled datagram (#0 of :44011) quotes the whole datagram, no fragment header
first_small=$(b_expect_frames "1400-byte datagrams in" "$CIF +In +IP6 $CLI6\.4402[123] > " 1 | cut -d, -f1)
f_ptb_reasm=$(grep -E -- "$CIF +Out +IP6 $NODE_IP6 > $CLI6: $PTB" "$WORK/frames.txt" | awk -v f="$first_small" '$1 < f { print $1 }' | paste -sd, -)
[ -n "$f_ptb_reasm" ] && [ "${f_ptb_reasm//[0-9]/}" = "" ] || die "expected one packet too big before the 1400-byte probes, got '$f_ptb_reasm'"
# the trace: whole datagrams only
WHOLE=$((SIZE + 48))
nwhole=$(grep -c "^PACKET: .* LEN=$WHOLE " "$BUNDLE/trace.txt" || true)
nwhole_nft=$(grep -c "ip6 length $((SIZE + 8)) " "$BUNDLE/nft-trace.txt" || true)
nfragnft=$(grep -c "ip6 nexthdr ipv6-frag\|frag " "$BUNDLE/nft-trace.txt" || true)
[ "$nwhole_nft" -gt 0 ] || die "no whole datagram (ip6 length $((SIZE + 8))) in nft-trace.txt"
grep -q "44031" "$BUNDLE/nft-trace.txt" && die "the incomplete datagram was traced"
reasm_to=$(b_netstat_delta Ip6.ReasmTimeout)
[ "$reasm_to" -ge 1 ] || die "the incomplete datagram's queue did not time out (Ip6.ReasmTimeout)"
f_tx=$(b_expect_frames "time exceeded (reassembly) to the pod" "$CIF +Out +IP6 $NODE_IP6 > $CLI6: ICMP6, time exceeded in-transit \(reassembly\)" 1)
n_ptb_out=$(b_netstat_delta Icmp6.OutPktTooBigs); n_toobig=$(b_netstat_delta Ip6.InTooBigErrors)
out_rel=$(awk '/node-generated icmpv6, RELATED/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/ip6tables-save-c-after.txt")
out_inv=$(awk '/node-generated icmpv6, INVALID/ { sub(/^\[/, ""); split($0, a, ":"); print a[1]; exit }' "$BUNDLE/ip6tables-save-c-after.txt")
[ "$out_rel" = "$(echo "$f_ptb" | tr ',' '\n' | wc -l)" ] && [ "$out_inv" = 1 ] \
  || die "node-generated ICMPv6 counted $out_rel RELATED + $out_inv INVALID, expected one RELATED per packet too big and 1 INVALID"
log "ptb frames $f_ptb (reassembled: $f_ptb_reasm) time-exceeded frames: ${f_tx:-none} OutPktTooBigs=$n_ptb_out InTooBigErrors=$n_toobig RELATED=$out_rel INVALID=$out_inv whole-nft=$nwhole_nft frag-nft=$nfragnft"

env_put CLIENT_IP6 "$CLI6"; env_put SERVICE "[$CIP]:53/udp -> [$WEB6]:5353"; env_put EXT_SERVICES "[$EXT1]:5301 [$EXT2]:5301 -> [$PEER2]:5301"
env_put NODE_ETH0_MTU "$MTU"; env_put DATAGRAM_SIZE "$SIZE"; env_put NF_CONNTRACK_FRAG6_TIMEOUT "$FRAGTIME"
env_put INCOMPLETE_SPORT 44031; env_put EXPECT_OUTPUT_RELATED_ICMPV6 "$out_rel"; env_put EXPECT_OUTPUT_INVALID_ICMPV6 "$out_inv"

{
  echo "# ipv6-fragments-mtu: IPv6 fragments and packet too big through a conntrack node (nf_defrag_ipv6, NAT, ip6_forward's MTU check)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (IPv6 forwarding, net.netfilter.nf_conntrack_frag6_timeout=$FRAGTIME); eth0 $NODE_IP6/64 MTU $MTU ↔ uplink"
  echo "$UPLINK_IP6 (MTU $MTU; $PEER1 and $PEER2 on its lo, reached through the node's default route); pods client $CLI6 (\`$CIF\`)"
  echo "and web1 $WEB6 (\`$WIF\`), MTU 1500 on both ends of their veths. kube-proxy services (rules-input.txt): \`default/bigdns:dns\`"
  echo "[$CIP]:53/udp → [$WEB6]:5353, \`default/ext1:ext\` [$EXT1]:5301/udp and \`default/ext2:ext\` [$EXT2]:5301/udp → [$PEER2]:5301"
  echo "(an endpoint on the uplink). Added rules: nat POSTROUTING \`-s fd00:10:244::/48 ! -d fd00:10:244::/48 -o eth0 -j MASQUERADE\`;"
  echo "filter OUTPUT \`-p ipv6-icmp --ctstate RELATED -j ACCEPT\` and \`--ctstate INVALID -j ACCEPT\` (counting how conntrack classified"
  echo "the node's own ICMPv6 errors). UDP servers on web1:5353 and uplink:5300/5301 log each datagram as the socket got it and"
  echo "answer from the address it was sent to, with as many bytes (a warm-up gets \"up_port_P_saw_[PEER]:PORT\")."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "Client sockets use IPV6_RECVERR: an ICMPv6 error shows as \`icmp6=TYPE/CODE offender=OUTER-SOURCE info=MTU\`."
  echo
  echo "1. client :44001 → [$CIP]:53, two $SIZE-byte datagrams from one socket (the pod fragments them at its MTU 1500)."
  echo "2. client :44011 → [$UPLINK_IP6]:5300, two $SIZE-byte datagrams from one socket (masqueraded)."
  echo "3. \`ping -6 -s $SIZE -c 3\` client → $UPLINK_IP6 (masqueraded)."
  echo "4. the node :44041 → [$UPLINK_IP6]:5300, one $SIZE-byte datagram."
  echo "5. 1400-byte datagrams with IPV6_DONTFRAG (IPv6 length 1448: fits the pod's 1500, not eth0's $MTU): :44021 → [$PEER1]:5300"
  echo "   (masqueraded) and :44022 → [$EXT1]:5301 (DNAT to [$PEER2]:5301) each after an answered warm-up, :44023 → [$EXT2]:5301 fresh."
  echo "6. (first) client :44031 → [$UPLINK_IP6]:5300: only the first fragment (1000 data bytes, identification 4431) of a $SIZE-byte"
  echo "   datagram, sent through a raw socket."
  echo
  echo "## What the kernel did"
  echo
  echo "- Servers' logs:"
  echo
  echo '```'
  cat "$S"
  echo '```'
  echo
  echo "- 1: both datagrams reached web1 whole from the pod's own address (DNAT, no SNAT) and both answers came back whole. The"
  echo "  pod's fragments came in at up to $cif_in_max bytes and left to web1 at up to $wif_out_max (frag_max_size ≤ the veth's 1500)."
  echo "- 2: the first datagram came in as 1500-byte fragments; reassembled, it is longer than eth0's $MTU, and its largest fragment"
  echo "  (IP6CB frag_max_size, set by nf_ct_frag6_gather) is too: ip6_pkt_too_big is true (the check ignores skb->ignore_df when"
  echo "  frag_max_size > mtu), so ip6_forward dropped it before filter FORWARD and answered packet too big (mtu $MTU), quoting the"
  echo "  reassembled datagram (frames $f_ptb_reasm from $NODE_IP6). The pod learned the path MTU and cut the second datagram"
  echo "  into ≤ $MTU-byte fragments: frag_max_size ≤ $MTU, so it passed, was masqueraded (the uplink saw [$NODE_IP6]:44011)"
  echo "  and left eth0 in fragments no longer than that; the answer came back fragmented by the uplink at $MTU."
  echo "- 3: the big ping (after 2, so the pod's path MTU to the uplink was already $MTU) got its 3 replies."
  echo "- 5: each 1400-byte datagram (frames $f_big) was dropped by ip6_forward before FORWARD (none left on eth0), and the node"
  echo "  answered packet too big, mtu $MTU; the pod's socket got EMSGSIZE each time. For the DNATed flows the error left with the"
  echo "  ClusterIP as its outer source (frames $f_ptb_d): the node's error carries the dropped packet's conntrack entry and is"
  echo "  un-DNATed at POSTROUTING. filter OUTPUT counted $out_rel node-generated ICMPv6 errors as RELATED (every packet too big)"
  echo "  and $out_inv as INVALID (the time exceeded of 6)."
  echo "  Packet too big is not rate-limited: net.ipv6.icmp.ratemask ($(nsx "$NODE_NS" sysctl -n net.ipv6.icmp.ratemask 2>/dev/null))"
  echo "  leaves out type 2, so the node answered every probe although they were 0.3 s apart."
  echo "- 6: the incomplete datagram was held and never forwarded nor traced; after nf_conntrack_frag6_timeout ($FRAGTIME s; the"
  echo "  node's net.ipv6.ip6frag_time stayed at $(nsx "$NODE_NS" sysctl -n net.ipv6.ip6frag_time 2>/dev/null) s) the kernel dropped the queue (Ip6.ReasmTimeout +$reasm_to)"
  echo "  and, its first fragment being there, answered ICMPv6 time exceeded (fragment reassembly) to the pod from $NODE_IP6 (frame"
  echo "  $f_tx, about $FRAGTIME s after frame $(b_frames "$CIF +In +IP6 $CLI6 > $UPLINK_IP6: frag \(0\|1000\) 44031 > 5300")): nf_ct_frag6_expire →"
  echo "  ip6frag_expire_frag_queue quotes the held first fragment, unlike IPv4's conntrack defrag, which sends nothing. That"
  echo "  error was INVALID in filter OUTPUT: it quotes a fragment that conntrack never saw (nf_defrag held it before conntrack),"
  echo "  so no entry is attached and the lookup of the quoted header finds none."
  echo "- Every frame that left eth0 was at most $eth0_out_max bytes long; fragments left to the client at up to $cif_out_max bytes."
  echo "- Kernel MIB deltas of the node (netstat-counters.txt, IPv6 from /proc/net/snmp6): Ip6.InTooBigErrors +$n_toobig,"
  echo "  Ip6.FragFails +$(b_netstat_delta Ip6.FragFails) (the packets too big of 2 and 5), Icmp6.OutPktTooBigs +$n_ptb_out,"
  echo "  Ip6.FragCreates +$(b_netstat_delta Ip6.FragCreates), Ip6.ReasmTimeout +$reasm_to, Ip6.ReasmFails +$(b_netstat_delta Ip6.ReasmFails),"
  echo "  Icmp6.OutTimeExcds +$(b_netstat_delta Icmp6.OutTimeExcds) (conntrack's reassembly does not count Ip6.ReasmOKs)."
  echo
  echo "### IPv6 frames: frame, interface, direction, IPv6 length, fragment (offset|length)"
  echo
  echo '```'
  grep -v ' - *$' "$WORK/lens.txt" | head -150
  echo '```'
  b_readme_tail 'ICMP|44031|nat:[A-Z-]+:rule|DROP'
} > "$BUNDLE/README.md"
pkp_finish
