#!/usr/bin/env bash
# ip-fragments: large UDP datagrams and a big ping crossing a node whose conntrack is in use (kube-proxy's nat rules and a
# CNI MASQUERADE): nf_defrag_ipv4 (PREROUTING/OUTPUT priority -400) holds the fragments until the datagram is whole, the
# whole datagram crosses raw/mangle/nat/filter once (one traced packet, LEN = the total length), and on the way out it is
# fragmented again after POSTROUTING to at most its largest original fragment (IPCB frag_max_size; ip_do_fragment uses
# min(mtu, frag_max_size)), with the NAT applied. The client pod's veth has MTU 1400 on both ends, the rest 1500, so:
#   - the client's fragments (<= 1400 bytes) leave eth0 at <= 1400 bytes although eth0's MTU is 1500 (frag_max_size);
#   - the answers (fragmented by web1 and the uplink at 1500) are cut again to 1400 towards the client (the MTU).
#   1. UDP ClusterIP 10.96.0.80:53 -> web1:5353 (DNAT), two 3000-byte datagrams from one socket, 3000-byte answers.
#   2. pod -> uplink:5300 (CNI MASQUERADE on eth0), a 3000-byte datagram and its 3000-byte answer.
#   3. ping -s 3000 -c 3 pod -> uplink (masqueraded).
#   4. the node itself -> uplink:5300, 3000 bytes (fragmented by the node's own output), answer delivered locally.
#   5. crafted fragments of one datagram sent last-first (raw socket) pod -> ClusterIP: reassembled, DNATed, answered.
#   6. an incomplete datagram (first fragment only) pod -> uplink:5300: held, never forwarded; the node's
#      net.ipv4.ipfrag_time is set to 5 s so that the kernel drops the queue inside the capture (Ip.ReasmTimeout).
source "$(dirname "$0")/../lib.sh"
PKP_TAG="frag"
pkp_init ip-fragments
source "$PKP_LIB_DIR/lib-extra.sh"

CIP=10.96.0.80; CLIENT=10.244.1.2; WEB=10.244.1.3; SIZE=3000; CMTU=1400; FRAGTIME=5
make_node_ns; make_uplink_ns
add_pod client "$CLIENT"
add_pod web1 "$WEB"
CIF=$(host_if client); WIF=$(host_if web1)
ip -n "$NODE_NS" link set "$CIF" mtu "$CMTU"
ip -n "$(pod_ns client)" link set eth0 mtu "$CMTU"
nsx "$NODE_NS" sysctl -qw net.ipv4.ipfrag_time="$FRAGTIME" >/dev/null
kp_reset
kp_service default/bigdns:dns udp "$CIP" 53 - cluster "$WEB:5353"
kp_write_rules "$WORK/rules.v4"
sed -i '/^-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING$/a -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth0 -m comment --comment "cni pod egress masquerade" -j MASQUERADE' "$WORK/rules.v4"
grep -q -- 'cni pod egress masquerade' "$WORK/rules.v4" || die "the CNI masquerade rule was not added"
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"

# serve ADDR PORT SECONDS TAG: UDP server logging each datagram as it arrived (length, sha1 prefix, peer) and
# answering with a datagram of the same length ("TAG LEN" padded with dots).
# send DST PORT SPORT COUNT SIZE: COUNT datagrams of SIZE bytes from one socket bound to SPORT (0.3 s apart), each
# answer's length logged.
# frags SRC DST DPORT SPORT SIZE ORDER(reverse|first-only) IPID: one UDP datagram cut into 1000-byte fragments by hand
# and sent through a raw socket (IP_HDRINCL) 30 ms apart, in reverse order or only the first; a UDP socket bound to
# SPORT waits 1.5 s for the answer.
PY_FRAG="$B_PY_CHECKSUM
$B_PY_DATAGRAM
$(cat <<'PY'
import socket, struct, sys, time, select, hashlib
a = sys.argv[1:]
if a[0] == "serve":
    addr, port, life, tag = a[1], int(a[2]), float(a[3]), a[4]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    print("ready", flush=True)
    end = time.time() + life
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0.0, min(0.5, end - time.time())))
        if not r:
            continue
        d, peer = s.recvfrom(65535)
        print("datagram from %s:%d len=%d sha1=%s" % (peer[0], peer[1], len(d), digest(d)), flush=True)
        s.sendto(payload(len(d), tag), peer)
elif a[0] == "send":
    dst, port, sport, count, size = a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", sport)); s.connect((dst, port)); s.settimeout(1.5)
    for i in range(count):
        d = payload(size, "req%d" % i)
        s.send(d)
        try:
            r = s.recv(65535)
            print("udp %s:%d from :%d sent len=%d sha1=%s answer len=%d head=%r" % (dst, port, sport, len(d), digest(d), len(r), r[:12].decode()))
        except OSError as e:
            print("udp %s:%d from :%d sent len=%d answer %s" % (dst, port, sport, len(d), type(e).__name__))
        time.sleep(0.3)
elif a[0] == "frags":
    src, dst, dport, sport, size, order, ipid = a[1], a[2], int(a[3]), int(a[4]), int(a[5]), a[6], int(a[7])
    data = payload(size, "crafted")
    udp = struct.pack("!HHHH", sport, dport, 8 + size, 0) + data
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xffff) + udp[8:]
    step = 1000
    frags = []
    for off in range(0, len(udp), step):
        chunk = udp[off:off + step]
        more = 0x2000 if off + step < len(udp) else 0
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk), ipid, more | (off // 8), 64, 17, 0,
                          socket.inet_aton(src), socket.inet_aton(dst))
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        frags.append(hdr + chunk)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((src, sport)); u.settimeout(1.5)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    seq = list(reversed(frags)) if order == "reverse" else frags[:1]
    for f in seq:
        raw.sendto(f, (dst, 0))
        time.sleep(0.03)
    try:
        r = u.recv(65535)
        ans = "answer len=%d head=%r" % (len(r), r[:12].decode())
    except OSError as e:
        ans = "answer " + type(e).__name__
    print("frags %s:%d from :%d id=%d %s sent=%d of %d len=%d sha1=%s %s" % (dst, dport, sport, ipid, order, len(seq), len(frags), size, digest(data), ans))
PY
)"
frag_serve() { # NS ADDR PORT SECONDS TAG
  local ns; ns="$(resolve_ns "$1")"
  pkp_bg "fsrv-$5" timeout "$(( $4 + 5 ))" ip netns exec "$ns" python3 -u -c "$PY_FRAG" serve "$2" "$3" "$4" "$5"
  local i; for i in $(seq 1 50); do grep -q ready "$WORK/fsrv-$5.out" 2>/dev/null && return 0; sleep 0.1; done
  die "server $5 did not start: $(cat "$WORK/fsrv-$5.err")"
}
frag_run() { # NS ARGS...: one bounded client run, logged to probes.txt
  local ns out; ns="$(resolve_ns "$1")"; shift
  out="$(timeout 8 ip netns exec "$ns" python3 -c "$PY_FRAG" "$@" 2>&1)" || true
  [ -n "$out" ] || out="$* result=killed-by-timeout"
  printf '%s\n' "$out"; printf '%s\n' "$out" | sed "s/^/$(b_role "$ns") /" >> "$WORK/probes.txt"
}
frag_serve web1 0.0.0.0 5353 40 web1
frag_serve up 0.0.0.0 5300 40 up

b_netstat_snap before
snapshot_state before
start_capture; start_trace
frag_run client frags "$CLIENT" "$UPLINK_IP" 5300 43031 "$SIZE" first-only 4301   # 6. incomplete: held, then dropped
sleep 0.3
frag_run client send "$CIP" 53 43001 2 "$SIZE"; sleep 0.3                          # 1. ClusterIP, DNAT
frag_run client send "$UPLINK_IP" 5300 43011 1 "$SIZE"; sleep 0.3                  # 2. masquerade
timeout 6 ip netns exec "$(pod_ns client)" ping -n -c 3 -i 0.3 -W 1 -s "$SIZE" "$UPLINK_IP" > "$WORK/ping.txt" 2>&1 || true
sleep 0.3                                                                           # 3. big ping
frag_run node send "$UPLINK_IP" 5300 43041 1 "$SIZE"; sleep 0.3                    # 4. the node's own datagram
frag_run client frags "$CLIENT" "$CIP" 53 43021 "$SIZE" reverse 4302              # 5. out of order
T_LAST=$(date +%s.%N)
# let the incomplete queue expire inside the capture (ipfrag_time after its fragment, plus the expiry timer's slack)
sleep 2
stop_trace; stop_capture
snapshot_state after
b_netstat_snap after
b_keep_probes
nsx "$NODE_NS" sysctl net.ipv4.ipfrag_time >> "$BUNDLE/sysctl.txt"; sort -o "$BUNDLE/sysctl.txt" "$BUNDLE/sysctl.txt"
cat "$WORK/ping.txt" >> "$BUNDLE/probes.txt"
cat "$WORK/fsrv-web1.out" "$WORK/fsrv-up.out" | grep '^datagram' > "$WORK/servers.txt" || true
cat "$WORK/servers.txt" >&2

# ---- checks: what arrived whole at the servers and the clients
P="$WORK/probes.txt"
grep -q "udp $CIP:53 from :43001 sent len=$SIZE .* answer len=$SIZE head='web1 $SIZE" "$P" || die "ClusterIP: no whole answer"
[ "$(grep -c "udp $CIP:53 from :43001 sent len=$SIZE .* answer len=$SIZE" "$P")" = 2 ] || die "ClusterIP: not 2 answers"
grep -q "udp $UPLINK_IP:5300 from :43011 sent len=$SIZE .* answer len=$SIZE head='up $SIZE" "$P" || die "masqueraded datagram not answered whole"
grep -q "udp $UPLINK_IP:5300 from :43041 sent len=$SIZE .* answer len=$SIZE" "$P" || die "node's datagram not answered whole"
grep -q "frags $CIP:53 from :43021 id=4302 reverse sent=4 of 4 len=$SIZE .* answer len=$SIZE head='web1" "$P" || die "out-of-order datagram not reassembled and answered"
grep -q "frags $UPLINK_IP:5300 from :43031 id=4301 first-only sent=1 of 4 .* answer TimeoutError" "$P" || die "incomplete datagram answered?"
grep -q '3 packets transmitted, 3 received' "$WORK/ping.txt" || die "big ping: $(tail -2 "$WORK/ping.txt")"
[ "$(grep -c "datagram from $CLIENT:43001 len=$SIZE" "$WORK/servers.txt")" = 2 ] || die "web1 did not get 2 whole datagrams from the pod (DNAT, no SNAT)"
grep -q "datagram from $CLIENT:43021 len=$SIZE" "$WORK/servers.txt" || die "web1 did not get the out-of-order datagram whole"
grep -q "datagram from $NODE_IP:43011 len=$SIZE" "$WORK/servers.txt" || die "uplink did not get the masqueraded datagram whole from $NODE_IP:43011"
grep -q "datagram from $NODE_IP:43041 len=$SIZE" "$WORK/servers.txt" || die "uplink did not get the node's datagram"
grep -q ":43031 " "$WORK/servers.txt" && die "the incomplete datagram reached the uplink"

# ---- checks: the frames (tcpdump -v: fragment offsets, flags, IP ids)
nsx "$NODE_NS" tcpdump -r "$BUNDLE/capture.pcap" -n -v -# -tt 2>/dev/null \
  | awk '$1 ~ /^[0-9]+$/ && NF > 3 { if (line) print line; line = $0; next } { sub(/^ +/, ""); line = line " " $0 } END { if (line) print line }' \
  > "$WORK/frames-v.txt"
# fragments: frame ifname dir id offset flags length src dst
awk '{ n = $1; ifn = $3; dir = $4; id = ""; off = ""; fl = ""; len = ""; src = ""; dst = ""
       for (i = 1; i <= NF; i++) {
         if ($i == "id" && id == "") id = $(i+1); if ($i == "offset") off = $(i+1); if ($i == "flags") fl = $(i+1)
         if ($i == "length" && len == "") len = $(i+1)
       }
       if (match($0, /\) [0-9.]+ > [0-9.]+/)) { split(substr($0, RSTART + 2, RLENGTH - 2), p, " > "); src = p[1]; dst = p[2] }
       gsub(/[,)]/, "", id); gsub(/[,)]/, "", off); gsub(/[,)]/, "", len)
       if (fl ~ /\+/ || off + 0 > 0) print n, ifn, dir, id, off, fl, len, src, dst }' "$WORK/frames-v.txt" > "$WORK/frags.txt"
cat "$WORK/frags.txt" >&2
nfr=$(wc -l < "$WORK/frags.txt")
[ "$nfr" -ge 30 ] || die "only $nfr fragment frames"
# the client's fragments leave eth0 no larger than they came (frag_max_size 1400 < eth0 MTU 1500)
maxout=$(awk -v c="$CMTU" '$2 == "eth0" && $3 == "Out" { if ($7 + 0 > m) m = $7 + 0 } END { print m + 0 }' "$WORK/frags.txt")
# every fragment the node sent on eth0 is masqueraded (source = node) and none is larger than the pod's fragments, except
# the node's own datagram (fragmented at eth0's MTU 1500)
awk -v n="$NODE_IP" '$2 == "eth0" && $3 == "Out" && $8 !~ ("^" n "(\\.|$)")' "$WORK/frags.txt" | grep -q . && die "a fragment left eth0 unmasqueraded"
b_expect_frames "masqueraded first fragment of :43011 on eth0" "eth0 +Out +IP $NODE_IP\.43011 > $UPLINK_IP\.5300: UDP, length $SIZE" 1 >/dev/null
b_expect_frames "masqueraded ping fragments on eth0" "eth0 +Out +IP $NODE_IP > $UPLINK_IP: ICMP echo request" 3 >/dev/null
b_expect_frames "de-masqueraded ping replies to the pod" "$CIF +Out +IP $UPLINK_IP > $CLIENT: ICMP echo reply" 3 >/dev/null
b_expect_frames "DNATed first fragments to web1" "$WIF +Out +IP $CLIENT\.43001 > $WEB\.5353: " 2 >/dev/null
b_expect_frames "un-DNATed answers to the pod" "$CIF +Out +IP $CIP\.53 > $CLIENT\.43001: " 2 >/dev/null
b_expect_frames "out-of-order datagram DNATed to web1" "$WIF +Out +IP $CLIENT\.43021 > $WEB\.5353: " 1 >/dev/null
b_expect_none "the incomplete datagram leaving" "(eth0|$WIF) +Out .*$CLIENT\.43031|eth0 +Out +IP $NODE_IP\.43031"
node_id=$(awk -v s="$NODE_IP.43041" '$2 == "eth0" && $3 == "Out" && $8 == s { print $4; exit }' "$WORK/frags.txt")
[ -n "$node_id" ] || die "no first fragment of the node's own datagram"
pod_eth0_max=$(awk -v i="$node_id" '$2 == "eth0" && $3 == "Out" && $4 != i { if ($7 + 0 > m) m = $7 + 0 } END { print m + 0 }' "$WORK/frags.txt")
[ "$pod_eth0_max" -le "$CMTU" ] || die "pod fragments left eth0 at $pod_eth0_max > $CMTU bytes (frag_max_size not kept?)"
cif_in_max=$(awk -v c="$CIF" '$2 == c && $3 == "In" { if ($7 + 0 > m) m = $7 + 0 } END { print m + 0 }' "$WORK/frags.txt")
cif_out_max=$(awk -v c="$CIF" '$2 == c && $3 == "Out" { if ($7 + 0 > m) m = $7 + 0 } END { print m + 0 }' "$WORK/frags.txt")
up_in_max=$(awk '$2 == "eth0" && $3 == "In" { if ($7 + 0 > m) m = $7 + 0 } END { print m + 0 }' "$WORK/frags.txt")
[ "$cif_out_max" -le "$CMTU" ] && [ "$up_in_max" -gt "$CMTU" ] || die "answers: in at $up_in_max, out to the pod at $cif_out_max"
# ---- checks: the trace shows whole datagrams only (one walk per datagram, LEN = 20 + 8 + SIZE or 20 + 8 + SIZE for ICMP)
WHOLE=$((SIZE + 28))
b_trace_summary > "$WORK/ts.txt"
nwhole=$(grep -c "^PACKET: .* LEN=$WHOLE " "$BUNDLE/trace.txt" || true)
nfragtrace=$(grep -E "^PACKET: .* (MF|FRAG:)" "$BUNDLE/trace.txt" | wc -l)
[ "$nwhole" -gt 0 ] || die "no whole datagram (LEN=$WHOLE) in the trace"
[ "$nfragtrace" = 0 ] || die "$nfragtrace traced packets are fragments: defragmentation did not happen"
grep -q "SPORT=43031" "$BUNDLE/trace.txt" && die "the incomplete datagram was traced"
walks() { awk -v p="$1" '/^PACKET:/ && $0 ~ p && !($3 in ids) { ids[$3] = 1; n++ } END { print n + 0 }' "$BUNDLE/trace.txt"; }
w_dns=$(walks "SPORT=43001 DPORT=53 "); w_ooo=$(walks "SPORT=43021 DPORT=53 "); w_masq=$(walks "SPORT=43011 DPORT=5300 ")
w_node=$(walks "SPORT=43041 DPORT=5300 "); w_ping=$(walks "SRC=$CLIENT DST=$UPLINK_IP LEN=$WHOLE TOS=[^ ]* TTL=[0-9]* ID=[0-9]* $")
[ "$w_dns" = 2 ] && [ "$w_ooo" = 1 ] && [ "$w_masq" = 1 ] && [ "$w_node" = 1 ] && [ "$w_ping" = 3 ] \
  || die "traced walks: dns=$w_dns ooo=$w_ooo masq=$w_masq node=$w_node ping=$w_ping (expected 2 1 1 1 3)"
[ "$(b_netstat_delta Ip.ReasmTimeout)" -ge 1 ] || die "the incomplete datagram's queue did not time out (Ip.ReasmTimeout)"
reasm_ok=$(b_netstat_delta Ip.ReasmOKs); frag_creates=$(b_netstat_delta Ip.FragCreates); reasm_to=$(b_netstat_delta Ip.ReasmTimeout)

env_put CLIENT_IP "$CLIENT"; env_put SERVICE "$CIP:53/udp -> $WEB:5353"; env_put CLIENT_MTU "$CMTU"; env_put DATAGRAM_SIZE "$SIZE"
env_put IPFRAG_TIME "$FRAGTIME"; env_put INCOMPLETE_SPORT 43031; env_put OUT_OF_ORDER_SPORT 43021
env_put FRAGMENT_FRAMES "$nfr"; env_put WHOLE_DATAGRAM_TRACE_LINES "$nwhole"

{
  echo "# ip-fragments: fragmented datagrams through a conntrack node (nf_defrag, NAT, refragmentation)"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1, net.ipv4.ipfrag_time=$FRAGTIME); pods client $CLIENT (\`$CIF\`, MTU $CMTU on both ends of"
  echo "its veth) and web1 $WEB (\`$WIF\`, MTU 1500); eth0 ↔ uplink MTU 1500. kube-proxy service \`default/bigdns:dns\` $CIP:53/udp →"
  echo "$WEB:5353 (rules-input.txt) and a CNI rule \`-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -o eth0 -j MASQUERADE\`."
  echo "UDP servers on web1:5353 and uplink:5300 log each datagram as the socket got it and answer with as many bytes."
  echo
  echo "## Traffic (probes.txt)"
  echo
  echo "1. client :43001 → $CIP:53, two $SIZE-byte datagrams from one socket (the pod fragments them at its MTU $CMTU)."
  echo "2. client :43011 → $UPLINK_IP:5300, one $SIZE-byte datagram (masqueraded)."
  echo "3. \`ping -s $SIZE -c 3\` client → $UPLINK_IP (masqueraded)."
  echo "4. the node :43041 → $UPLINK_IP:5300, one $SIZE-byte datagram (the node fragments it at eth0's MTU 1500)."
  echo "5. client :43021 → $CIP:53: one $SIZE-byte datagram cut by hand into 1000-byte fragments (IP id 4302), sent through a raw"
  echo "   socket last fragment first, 30 ms apart."
  echo "6. (first) client :43031 → $UPLINK_IP:5300: only the first 1000-byte fragment of a $SIZE-byte datagram (IP id 4301)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Every complete datagram arrived whole and was answered whole: web1 got the pod's datagrams from $CLIENT (DNAT, no SNAT),"
  echo "  the uplink got the pod's from $NODE_IP:43011 (masqueraded) and the node's from $NODE_IP:43041; the out-of-order datagram"
  echo "  was reassembled by the node and answered; the big ping got its 3 replies. Servers' logs:"
  echo
  echo '```'
  cat "$WORK/servers.txt"
  echo '```'
  echo
  echo "- Defragmentation before raw (nf_defrag_ipv4, priority -400): the trace (trace.txt) holds no fragment at all — every"
  echo "  datagram was traced once as a whole, LEN=$WHOLE ($nwhole PACKET: lines with that length), walks per flow: ClusterIP $w_dns,"
  echo "  out of order $w_ooo, masqueraded $w_masq, node's own $w_node, ping requests $w_ping. The answers likewise."
  echo "- Refragmentation after POSTROUTING, NAT applied to every fragment's IP header and to the first fragment's UDP header:"
  echo "  the pod's fragments (≤ $CMTU bytes) left eth0 at ≤ $pod_eth0_max bytes although eth0's MTU is 1500 (IPCB frag_max_size:"
  echo "  ip_do_fragment cuts at min(mtu, largest fragment received)); the answers came in on eth0 at up to $up_in_max bytes and"
  echo "  left to the client at ≤ $cif_out_max bytes (its veth MTU $CMTU). The node's own datagram left eth0 at up to $maxout bytes."
  echo "- The incomplete datagram (IP id 4301) was held and never forwarded, traced, or answered; after ipfrag_time ($FRAGTIME s)"
  echo "  the kernel dropped the queue (Ip.ReasmTimeout +$reasm_to; no ICMP: a conntrack defrag queue for a forwarded"
  echo "  datagram sends no \"fragment reassembly time exceeded\", ip_expire → frag_expire_skip_icmp)."
  echo "- Kernel MIB deltas (netstat-counters.txt): Ip.ReasmOKs +$reasm_ok, Ip.FragCreates +$frag_creates, Ip.ReasmTimeout +$reasm_to."
  echo
  echo "### Fragment frames (tcpdump -v): frame, interface, direction, IP id, offset, flags, IP length, source, destination"
  echo
  echo '```'
  cat "$WORK/frags.txt"
  echo '```'
  b_readme_tail '430[0-4][1-9]|ID=430[12]|nat:[A-Z-]+:rule|policy:DROP'
} > "$BUNDLE/README.md"
pkp_finish
