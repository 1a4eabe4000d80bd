#!/usr/bin/env bash
# rate-limits: stateful rate-limiting matches whose verdict depends on packet timing, in filter FORWARD towards a pod
# web1 10.244.1.3, with two external clients on the uplink (172.18.0.1 and a second address 172.18.0.11):
#   -m limit     ICMP echo requests, 5/second burst 3 (each request its own ICMP id, so each is NEW);
#   -m hashlimit SYNs to 8080, 2/second burst 2 per source address (--hashlimit-mode srcip), two sources interleaved;
#                and SYNs to 8081, 1/minute burst 1, the last one >= 12 s after the first (iptables sets the default
#                --hashlimit-htable-expire to the rate's unit, 60 s here: the entry, nearly empty, is still there);
#   -m recent    SYNs to 2222: --set, then --update --seconds 2 --hitcount 3 -j DROP (SSH brute-force style);
#   -m connlimit SYNs to 9090: --connlimit-above 2 --connlimit-mask 32 -j REJECT --reject-with tcp-reset, with real
#                connections kept open (the 3rd and 4th are reset; after one is closed a 5th gets through);
#                and on 9091 the same limit written the other way round (--connlimit-upto 2 -j ACCEPT, then REJECT).
# filter OUTPUT has two counting rules (no target) for the resets REJECT sends: --ctstate RELATED and INVALID (the
# kernel attaches the rejected SYN's conntrack entry to its reset, as RELATED).
# RELATED,ESTABLISHED is accepted first, so only new packets meet the limits. Every probe is sent on an absolute
# schedule by one process per phase, so that the capture's timestamps carry the timing the kernel's buckets saw.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="ratelim"
pkp_init rate-limits
source "$PKP_LIB_DIR/lib-extra.sh"

WEB=10.244.1.3; A=172.18.0.1; B=172.18.0.11
ICMP_N=12; ICMP_GAP=0.070                      # limit: 5/s burst 3 = one packet per 200 ms, 3 in the bucket
HL_PLAN="$A:41001@0.000 $B:41101@0.075 $A:41002@0.150 $B:41102@0.225 $A:41003@0.300 $B:41103@0.375 $A:41004@0.450 $B:41104@0.525 $A:41005@0.700 $B:41105@0.800"
RC_PLAN="$A:42001@0.000 $A:42002@0.300 $A:42003@0.600 $B:42101@0.750 $A:42004@0.900 $A:42005@1.200 $A:42006@3.100 $A:42007@5.500"
CL_PLAN="open:c1:$A@0.000 open:c2:$A@0.200 open:c3:$A@0.400 open:c4:$A@0.600 close:c1@0.900 open:c5:$A@1.300 open:c6:$B@1.500 end@2.000"
CU_PLAN="open:d1:$A@0.000 open:d2:$A@0.200 open:d3:$A@0.400 end@0.800"
SL_PLAN1="$A:43001@0.000 $A:43002@0.500"; SL_PLAN2="$A:43003@0.000"; SL_GAP=12   # seconds from 43001 to 43003

make_node_ns; make_uplink_ns
add_pod web1 "$WEB"
ip -n "$UPLINK_NS" addr add "$B/24" dev eth0
env_put UPLINK_IP2 "$B"
WIF=$(grep '^POD_WEB1_HOSTIF=' "$BUNDLE/scenario.env" | cut -d= -f2)

cat > "$WORK/rules.v4" <<R
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d $WEB/32 -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec --limit-burst 3 -j ACCEPT
-A FORWARD -d $WEB/32 -p icmp -m icmp --icmp-type 8 -j DROP
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 8080 --tcp-flags FIN,SYN,RST,ACK SYN -m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 2 --hashlimit-mode srcip --hashlimit-name pkp-syn -j ACCEPT
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 8080 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 2222 --tcp-flags FIN,SYN,RST,ACK SYN -m recent --set --name pkp-ssh --mask 255.255.255.255 --rsource
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 2222 --tcp-flags FIN,SYN,RST,ACK SYN -m recent --update --seconds 2 --hitcount 3 --name pkp-ssh --mask 255.255.255.255 --rsource -j DROP
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 2222 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 9090 --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 9090 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 9091 --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-upto 2 --connlimit-mask 32 --connlimit-saddr -j ACCEPT
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 9091 --tcp-flags FIN,SYN,RST,ACK SYN -j REJECT --reject-with tcp-reset
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 8081 --tcp-flags FIN,SYN,RST,ACK SYN -m hashlimit --hashlimit-upto 1/min --hashlimit-burst 1 --hashlimit-mode srcip --hashlimit-name pkp-slow -j ACCEPT
-A FORWARD -d $WEB/32 -p tcp -m tcp --dport 8081 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP
-A OUTPUT -p tcp -m tcp --tcp-flags RST RST -m conntrack --ctstate RELATED
-A OUTPUT -p tcp -m tcp --tcp-flags RST RST -m conntrack --ctstate INVALID
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
# How nf_tables holds each rule (native expression or xt compat match): decides which kernel code ran.
# (--debug=netlink prints each rule's kernel expressions: "[ limit ... ]" is nft_limit, "[ match name hashlimit ... ]" xt)
nsx "$NODE_NS" nft --debug=netlink list table ip filter > "$BUNDLE/nft-filter-netlink.txt" 2>&1 || true

# Server in web1: listens on 8080, 8081, 2222, 9090 and 9091 and holds every accepted connection until the peer closes it.
HOLD_PY='
import socket, select, sys, time
end = time.time() + float(sys.argv[1])
ls = []
for p in (8080, 8081, 2222, 9090, 9091):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", p)); s.listen(16); ls.append(s)
conns = {}
print("ready", flush=True)
while time.time() < end:
    r, _, _ = select.select(ls + list(conns), [], [], 0.05)
    for s in r:
        if s in ls:
            c, peer = s.accept(); conns[c] = peer
            print("%.6f accepted %s:%d on %d" % (time.time(), peer[0], peer[1], s.getsockname()[1]), flush=True)
        else:
            try:
                d = s.recv(200)
            except OSError:
                d = b""
            if not d:
                print("%.6f closed %s:%d" % (time.time(), *conns[s]), flush=True)
                s.close(); del conns[s]
for c in conns:
    c.close()
'
pkp_bg hold timeout 45 ip netns exec "$(pod_ns web1)" python3 -u -c "$HOLD_PY" 40
for i in $(seq 1 50); do grep -q ready "$WORK/hold.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$WORK/hold.out" || die "server in web1 did not start: $(cat "$WORK/hold.err")"

# Client in the uplink: each phase sends on an absolute schedule (offsets from a start 0.2 s after launch).
SEND_PY="$B_PY_CHECKSUM"'
import socket, struct, sys, time, select, errno

t0 = time.time() + 0.2

def at(off):
    d = t0 + off - time.time()
    if d > 0:
        time.sleep(d)

def limit(dst, n, gap, base):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sent, got = {}, {}
    def pump(until):
        while True:
            left = until - time.time()
            r, _, _ = select.select([s], [], [], max(0.0, left))
            if r:
                data, addr = s.recvfrom(2048)
                ihl = (data[0] & 15) * 4
                typ, code, _, ident, seq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
                if typ == 0 and addr[0] == dst and ident in sent and ident not in got:
                    got[ident] = time.time() - t0
            if left <= 0:
                return
    for i in range(n):
        pump(t0 + i * gap)
        ident = base + i
        body = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + b"pktpath-limit"
        body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
        s.sendto(body, (dst, 0))
        sent[ident] = time.time() - t0
    pump(t0 + n * gap + 0.6)
    for i in range(n):
        ident = base + i
        print("limit n=%d icmp-id=%d sent=+%.4f result=%s" % (i + 1, ident, sent[ident],
              "reply" if ident in got else "none"))

def syns(dst, dport, plan, base_id):
    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    items = []
    for k, e in enumerate(plan.split()):
        sp, off = e.split("@")
        src, sport = sp.rsplit(":", 1)
        items.append((float(off), src, int(sport), base_id + k))
    sent, got = {}, {}
    def pump(until):
        while True:
            left = until - time.time()
            r, _, _ = select.select([rx], [], [], max(0.0, left))
            if r:
                data, addr = rx.recvfrom(2048)
                ihl = (data[0] & 15) * 4
                src = socket.inet_ntoa(data[12:16]); d = socket.inet_ntoa(data[16:20])
                sport, dp, seq, ack, off, flags = struct.unpack("!HHIIBB", data[ihl:ihl + 14])
                if src == dst and sport == dport and flags & 0x12 == 0x12:
                    got[(d, dp)] = time.time() - t0
                elif src == dst and sport == dport and flags & 0x04:
                    got.setdefault((d, dp), "rst")
            if left <= 0:
                return
    for off, src, sport, ident in items:
        pump(t0 + off)
        tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000 + ident, 0, 5 << 4, 0x02, 64240, 0, 0)
        pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ident, 0x4000, 64, 6, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        tx.sendto(ip + tcp, (dst, 0))
        sent[(src, sport)] = time.time() - t0
    pump(time.time() + 0.6)
    for off, src, sport, ident in items:
        g = got.get((src, sport))
        res = "none" if g is None else ("rst" if g == "rst" else "syn-ack")
        print("syn %s:%d -> %s:%d ip-id=%d sent=+%.4f result=%s" % (src, sport, dst, dport, ident, sent[(src, sport)], res))

def connlimit(dst, dport, plan):
    socks, res, order = {}, {}, []
    def settle():
        for name, s in list(socks.items()):
            if res.get(name) != "pending":
                continue
            _, w, _ = select.select([], [s], [], 0)
            if w:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                res[name] = "connected" if err == 0 else errno.errorcode.get(err, str(err))
    for e in plan.split():
        what, off = e.split("@")
        step = 0.01
        while t0 + float(off) - time.time() > 0:
            settle(); time.sleep(min(step, max(0.0, t0 + float(off) - time.time())))
        settle()
        f = what.split(":")
        if f[0] == "open":
            s = socket.socket(); s.setblocking(False)
            s.bind((f[2], 0))
            try:
                s.connect((dst, dport))
            except BlockingIOError:
                pass
            socks[f[1]] = s; res[f[1]] = "pending"; order.append((f[1], f[2], s.getsockname()[1], float(off)))
        elif f[0] == "close":
            socks[f[1]].close(); res[f[1]] = res[f[1]] + "-then-closed"
    settle()
    for name, src, sport, off in order:
        print("conn %s %s:%d -> %s:%d opened=+%.3f result=%s" % (name, src, sport, dst, dport, off, res[name]))
    for name, s in socks.items():
        if s.fileno() >= 0:
            s.close()
    time.sleep(0.3)

cmd = sys.argv[1]
if cmd == "limit":
    limit(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
elif cmd == "syns":
    syns(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
elif cmd == "connlimit":
    connlimit(sys.argv[2], int(sys.argv[3]), sys.argv[4])
sys.stdout.flush()
'
send() { timeout 12 ip netns exec "$UPLINK_NS" python3 -c "$SEND_PY" "$@" | tee -a "$WORK/probes.txt"; }

snapshot_state before
start_capture; start_trace
# /proc/net/ipt_hashlimit/NAME: "<seconds to expiry> <key> <credit> <credit_cap> <cost>" per entry
hashlimit_proc() {
  echo "# $1 (wall-clock $(date +%s.%N))"
  nsx "$NODE_NS" sh -c 'for f in /proc/net/ipt_hashlimit/*; do echo "$f:"; cat "$f"; done' 2>&1 | sed 's|^/proc/net/ipt_hashlimit/||'
}
send limit "$WEB" "$ICMP_N" "$ICMP_GAP" 20481;   sleep 0.4
sl_t0=$(date +%s.%N)
send syns "$WEB" 8081 "$SL_PLAN1" 3301;          sleep 0.4
send syns "$WEB" 8080 "$HL_PLAN" 1101
# a hashlimit entry lives --hashlimit-htable-expire after its last packet (1 s for 2/sec): read the table now
hashlimit_proc "right after the 8080 phase" > "$BUNDLE/hashlimit.txt"
sleep 0.4
send syns "$WEB" 2222 "$RC_PLAN" 2201;           sleep 0.4
send connlimit "$WEB" 9090 "$CL_PLAN";           sleep 0.3
send connlimit "$WEB" 9091 "$CU_PLAN";           sleep 0.3
wait_s=$(python3 -c "import time; print(max(0.0, $sl_t0 + $SL_GAP - time.time()))"); sleep "$wait_s"
send syns "$WEB" 8081 "$SL_PLAN2" 3303;          sleep 0.3
{ echo; hashlimit_proc "after the last 8081 SYN"; } >> "$BUNDLE/hashlimit.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
# xt_recent keeps jiffies: note jiffies and wall clock together to place its stamps on the capture's time line.
{ echo "# wall-clock $(date +%s.%N) jiffies $(awk '/^jiffies:/{print $2; exit}' /proc/timer_list) HZ=250"
  nsx "$NODE_NS" sh -c 'for f in /proc/net/xt_recent/*; do echo "$f:"; cat "$f"; done' 2>&1 | sed 's|^/proc/net/xt_recent/||'
} > "$BUNDLE/xt_recent.txt"
stop_trace; stop_capture
snapshot_state after
b_keep_probes
cp "$WORK/hold.out" "$BUNDLE/server-web1.txt"

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
P="$WORK/probes.txt"
icmp_ok=$(grep -c '^limit .*result=reply' "$P" || true); icmp_no=$(grep -c '^limit .*result=none' "$P" || true)
[ $((icmp_ok + icmp_no)) -eq "$ICMP_N" ] || b_fail "limit phase printed $((icmp_ok + icmp_no)) of $ICMP_N results"
lim_acc=$(b_count filter '--limit 5/sec'); lim_drop=$(b_count filter '--icmp-type 8 -j DROP')
[ "$lim_acc" = "$icmp_ok" ] || b_fail "limit ACCEPT counter $lim_acc, but $icmp_ok echo replies"
[ "$lim_drop" = "$icmp_no" ] || b_fail "limit DROP counter $lim_drop, but $icmp_no echo requests unanswered"
[ "$icmp_ok" -ge 3 ] && [ "$icmp_no" -ge 1 ] || b_fail "limit: $icmp_ok passed, $icmp_no dropped (expected the burst of 3 and some drops)"

hl_ok=$(grep -c '^syn .*:8080 .*result=syn-ack' "$P" || true); hl_no=$(grep -c '^syn .*:8080 .*result=none' "$P" || true)
hl_acc=$(b_count filter 'pkp-syn -j ACCEPT'); hl_drop=$(b_count filter '--dport 8080 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP')
[ $((hl_ok + hl_no)) -eq 10 ] || b_fail "hashlimit phase printed $((hl_ok + hl_no)) of 10 results"
[ "$hl_acc" = "$hl_ok" ] && [ "$hl_drop" = "$hl_no" ] || b_fail "hashlimit counters $hl_acc/$hl_drop vs SYN-ACKs $hl_ok/$hl_no"
for s in "$A" "$B"; do
  ok=$(grep -c "^syn $s:.*:8080 .*result=syn-ack" "$P" || true); no=$(grep -c "^syn $s:.*:8080 .*result=none" "$P" || true)
  [ "$ok" -ge 2 ] && [ "$no" -ge 1 ] || b_fail "hashlimit for $s: $ok passed, $no dropped (expected its own burst of 2 and drops)"
  env_put "HASHLIMIT_$(echo "$s" | tr . _)" "passed=$ok/dropped=$no"
done

rc_ok=$(grep -c '^syn .*:2222 .*result=syn-ack' "$P" || true); rc_no=$(grep -c '^syn .*:2222 .*result=none' "$P" || true)
rc_set=$(b_count filter '--set --name pkp-ssh')
rc_drop=$(b_count filter '--update --seconds 2 --hitcount 3'); rc_acc=$(b_count filter '--dport 2222 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT')
[ "$rc_set" = 8 ] || b_fail "recent --set counted $rc_set SYNs, expected 8"
[ "$rc_drop" = "$rc_no" ] && [ "$rc_acc" = "$rc_ok" ] || b_fail "recent counters drop $rc_drop accept $rc_acc vs SYN-ACKs $rc_ok none $rc_no"
grep -q "^syn $A:42001 .*result=syn-ack" "$P" && grep -q "^syn $A:42002 .*result=syn-ack" "$P" || b_fail "recent: the first two SYNs were not let through"
grep -q "^syn $A:42003 .*result=none" "$P" || b_fail "recent: the third SYN within 2 s was not dropped"
grep -q "^syn $B:42101 .*result=syn-ack" "$P" || b_fail "recent: the second source was not let through"

grep -q '^conn c1 .*result=connected-then-closed' "$P" && grep -q '^conn c2 .*result=connected' "$P" || b_fail "connlimit: c1/c2 did not connect"
grep -q '^conn c3 .*result=ECONNREFUSED' "$P" && grep -q '^conn c4 .*result=ECONNREFUSED' "$P" || b_fail "connlimit: c3/c4 were not reset"
cl_rej=$(b_expect_count filter '--connlimit-above 2' -eq 2)
cl_acc=$(b_count filter '--dport 9090 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT')
c5=$(grep '^conn c5 ' "$P" | grep -o 'result=[A-Za-z-]*' | cut -d= -f2); c6=$(grep '^conn c6 ' "$P" | grep -o 'result=[A-Za-z-]*' | cut -d= -f2)
[ "$c6" = connected ] || b_fail "connlimit: the second source's connection c6 was $c6"
f_rst=$(b_expect_frames "connlimit RSTs to the client" "eth0 +Out +IP $WEB\.9090 > $A\.[0-9]+: Flags \[R\.\]" 2)
grep -q '^conn d1 .*:9091 .*result=connected' "$P" && grep -q '^conn d2 .*:9091 .*result=connected' "$P" || b_fail "connlimit-upto: d1/d2 did not connect"
grep -q '^conn d3 .*:9091 .*result=ECONNREFUSED' "$P" || b_fail "connlimit-upto: d3 was not reset"
cu_acc=$(b_expect_count filter '--connlimit-upto 2' -eq 2)
cu_rej=$(b_expect_count filter '--dport 9091 --tcp-flags FIN,SYN,RST,ACK SYN -j REJECT' -eq 1)
f_rst2=$(b_expect_frames "connlimit-upto RST to the client" "eth0 +Out +IP $WEB\.9091 > $A\.[0-9]+: Flags \[R\.\]" 1)
grep -q "^syn $A:43001 .*result=syn-ack" "$P" && grep -q "^syn $A:43002 .*result=none" "$P" || b_fail "hashlimit 1/min: 43001 should pass, 43002 be dropped"
grep -q "^syn $A:43003 .*result=none" "$P" || b_fail "hashlimit 1/min: 43003 passed (the entry expired?)"
sl_gap=$(python3 - "$WORK/frames.txt" <<'PYEOF'
import sys, re
t = {}
for line in open(sys.argv[1]):
    m = re.match(r"\s*\d+\s+([\d.]+)\s+eth0\s+In\s+IP 172\.18\.0\.1\.(4300[13]) > ", line)
    if m:
        t.setdefault(m.group(2), float(m.group(1)))
print("%.3f" % (t["43003"] - t["43001"]))
PYEOF
)
grep -q '^pkp-slow:' "$BUNDLE/hashlimit.txt" || b_fail "no /proc/net/ipt_hashlimit/pkp-slow"
sl_exp=$(awk '/after the last 8081/{f=1} f && /^pkp-slow:/{g=1; next} g && NF>=5 {print $1; exit}' "$BUNDLE/hashlimit.txt")
[ -n "$sl_exp" ] && [ "$sl_exp" -ge 50 ] || b_fail "pkp-slow entry expires in '$sl_exp' s, expected about 60"
sl_acc=$(b_expect_count filter 'pkp-slow -j ACCEPT' -eq 1); sl_drop=$(b_expect_count filter '--dport 8081 --tcp-flags FIN,SYN,RST,ACK SYN -j DROP' -eq 2)
env_put HASHLIMIT_SLOW_GAP_S "$sl_gap"; env_put HASHLIMIT_SLOW_EXPIRES_IN_S "$sl_exp"
# the resets REJECT sent carry the rejected SYN's conntrack entry (nf_ct_attach): RELATED, never INVALID
rst_rel=$(b_expect_count filter '--tcp-flags RST RST -m conntrack --ctstate RELATED' -eq 3)
rst_inv=$(b_expect_count filter '--tcp-flags RST RST -m conntrack --ctstate INVALID' -eq 0)
env_put LIMIT_PASSED "$icmp_ok"; env_put LIMIT_DROPPED "$icmp_no"
env_put HASHLIMIT_PASSED "$hl_ok"; env_put HASHLIMIT_DROPPED "$hl_no"
env_put RECENT_PASSED "$rc_ok"; env_put RECENT_DROPPED "$rc_no"
env_put CONNLIMIT_REJECTED "$cl_rej"; env_put CONNLIMIT_ACCEPTED "$cl_acc"; env_put CONNLIMIT_C5 "$c5"
env_put CONNLIMIT_UPTO_ACCEPTED "$cu_acc"; env_put CONNLIMIT_UPTO_REJECTED "$cu_rej"
env_put REJECT_RST_RELATED "$rst_rel"; env_put REJECT_RST_INVALID "$rst_inv"
# which kernel code evaluated each match: a native nf_tables expression or the xt match through nft_compat
lim_impl=$(grep -q '\[ limit rate 5/second burst 3' "$BUNDLE/nft-filter-netlink.txt" && echo "nft_limit (native, nanoseconds)" || echo "xt_limit (jiffies)")
hl_impl=$(grep -q '\[ match name hashlimit' "$BUNDLE/nft-filter-netlink.txt" && echo "xt_hashlimit via nft_compat (jiffies)" || echo "native")
rc_impl=$(grep -q '\[ match name recent' "$BUNDLE/nft-filter-netlink.txt" && echo "xt_recent via nft_compat (jiffies)" || echo "native")
cl_impl=$(grep -q '\[ match name connlimit' "$BUNDLE/nft-filter-netlink.txt" && echo "xt_connlimit via nft_compat (nf_conncount)" || echo "native")
env_put LIMIT_IMPL "$lim_impl"; env_put HASHLIMIT_IMPL "$hl_impl"; env_put RECENT_IMPL "$rc_impl"; env_put CONNLIMIT_IMPL "$cl_impl"

# ------------------------------------------------------------------ per-probe table: capture time, kernel verdict
# Probes (echo requests and SYNs in on eth0 towards web1) in capture order, tied to their trace by IP ID / order;
# the kernel's verdict is the filter FORWARD rule that took the packet. For limit and hashlimit the table also gives
# the bucket a nanosecond token bucket computes from the capture's timestamps (what a replay sees), in ms of credit.
python3 - "$BUNDLE/trace.txt" "$WORK/frames.txt" "$BUNDLE/iptables-save.txt" > "$WORK/table.txt" <<'PYEOF'
import sys, re
trace, frames, save = sys.argv[1:4]
rules = [l.strip() for l in open(save) if l.startswith("-A FORWARD")]
# trace ids are reused: a packet is the run of PACKET lines of one trace id with the same header
packets, cur = [], {}
for line in open(trace):
    if line.startswith("PACKET:"):
        f = line.split(); tid = f[2]
        kv = dict(x.split("=", 1) for x in f[3:] if "=" in x)
        key = tuple(kv.get(k) for k in ("SRC", "DST", "ID", "SPORT", "DPORT"))
        if tid not in cur or packets[cur[tid]]["key"] != key:
            packets.append({"key": key, "kv": kv, "v": []}); cur[tid] = len(packets) - 1
    elif line.startswith(" TRACE:") and line.split()[2] in cur:
        f = line.split(None, 4); where = f[3].split(":")
        if where[0] == "filter" and where[1] == "FORWARD":
            if where[2] == "policy":
                packets[cur[f[2]]]["v"].append("policy " + where[3])
            else:
                txt = line.split("  ", 1)[1].strip() if "  " in line else ""
                n = next((i + 1 for i, r in enumerate(rules) if r.replace("-A FORWARD ", "") == txt.replace("-4 -t filter -A FORWARD ", "")), 0)
                packets[cur[f[2]]]["v"].append("rule %d %s" % (n, where[-1]))
probes = [p for p in packets if p["kv"].get("IN") == "eth0" and "OUT" not in p["kv"] and p["kv"].get("DST") == "10.244.1.3"]
icmp = [p for p in probes if "SPORT" not in p["kv"]]
fr = []
for line in open(frames):
    m = re.match(r"\s*(\d+)\s+([\d.]+)\s+eth0\s+In\s+IP (\S+?) > (\S+?): (.*)", line)
    if not m:
        continue
    n, t, s, d, rest = m.groups()
    if d.startswith("10.244.1.3.") and "Flags [S]," in rest:
        fr.append((int(n), float(t), "tcp", s, d))
    elif d == "10.244.1.3" and "ICMP echo request" in rest:
        fr.append((int(n), float(t), "icmp", s, d))
def forward_verdict(p):
    return ", ".join(p["v"]) or "(no filter FORWARD verdict)"
def bucket(cost, cap):
    st = {}
    def take(key, t):
        if key not in st:
            st[key] = [cap, t]
        c, last = st[key]
        c = min(cap, c + (t - last)); before = c
        ok = c >= cost
        if ok:
            c -= cost
        st[key] = [c, t]
        return before, ok
    return take
lim = bucket(0.2, 0.6); hl = bucket(0.5, 1.0); slow = bucket(60.0, 60.0)
start, icmp_i = {}, 0
print("%-6s %-7s %-9s %-36s %-30s %s" % ("frame", "phase", "t (s)", "packet", "kernel (filter FORWARD)", "credit from capture times"))
for n, t, kind, s, d in fr:
    if kind == "icmp":
        phase = "limit"; p = icmp[icmp_i] if icmp_i < len(icmp) else None; icmp_i += 1
    else:
        phase = {"8080": "hashlim", "8081": "hl-slow", "2222": "recent", "9090": "connl", "9091": "connl-up"}[d.rsplit(".", 1)[1]]
        src, sp = s.rsplit(".", 1); dp = d.rsplit(".", 1)[1]
        p = next((q for q in probes if q["kv"].get("SRC") == src and q["kv"].get("SPORT") == sp and q["kv"].get("DPORT") == dp), None)
    start.setdefault(phase, t)
    v = forward_verdict(p) if p else "(no trace)"
    extra = ""
    if phase == "limit":
        before, ok = lim("x", t); extra = "%.1f ms -> %s" % (before * 1000, "pass" if ok else "over")
    elif phase == "hashlim":
        before, ok = hl(s.rsplit(".", 1)[0], t); extra = "%.1f ms -> %s" % (before * 1000, "pass" if ok else "over")
    elif phase == "hl-slow":
        before, ok = slow(s.rsplit(".", 1)[0], t); extra = "%.1f ms -> %s (no expiry)" % (before * 1000, "pass" if ok else "over")
    print("%-6d %-7s %-9s %-36s %-30s %s" % (n, phase, "+%.4f" % (t - start[phase]),
          ("%s > %s" % (s, d)) if kind == "tcp" else "echo %s > %s" % (s, d), v, extra))
PYEOF
grep -q '(no trace)' "$WORK/table.txt" && log "WARNING: some probes have no trace: $(grep -c '(no trace)' "$WORK/table.txt")"
cp "$WORK/table.txt" "$BUNDLE/probe-verdicts.txt"

# ------------------------------------------------------------------ README
# xt_recent stamps (jiffies) as seconds after the first stamp of each address
python3 - "$BUNDLE/xt_recent.txt" > "$WORK/recent-rel.txt" <<'PYEOF'
import sys, re
for line in open(sys.argv[1]):
    m = re.match(r"src=(\S+) ttl: \d+ last_seen: \d+ oldest_pkt: \d+ (.*)", line.strip())
    if m:
        st = [int(x) for x in m.group(2).replace(",", " ").split()]
        print("%s: %d stamps, seconds after the first: %s" % (m.group(1), len(st), " ".join("%.3f" % ((x - st[0]) / 250.0) for x in st)))
PYEOF
{
  echo "# rate-limits: limit, hashlimit, recent and connlimit verdicts that depend on packet timing"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1; kernel HZ=250, jiffies of 4 ms), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP/24 with a"
  echo "second address $B/24 on the uplink's eth0 (a second external client), pod web1 $WEB on \`$WIF\` with one server"
  echo "listening on 8080, 2222, 9090 and 9091 that holds every accepted connection until the peer closes it"
  echo "(server-web1.txt). filter FORWARD (policy ACCEPT; no nat table) and two counting rules in filter OUTPUT:"
  echo
  echo '```'; grep -E '^-A (FORWARD|OUTPUT)' "$WORK/rules.v4" | nl -w2 -s'  '; echo '```'
  echo
  echo "Which kernel code ran each match (\`nft --debug=netlink list table ip filter\`, nft-filter-netlink.txt): iptables-nft"
  echo "1.8.9 writes \`-m limit\` as the native expression: limit is **$lim_impl**; hashlimit is"
  echo "$hl_impl, recent $rc_impl, connlimit $cl_impl."
  echo
  echo "## Traffic (probes.txt; each phase is one process in the uplink sending on an absolute schedule)"
  echo
  echo "1. limit: $ICMP_N ICMP echo requests $A → $WEB, $(python3 -c "print(int($ICMP_GAP*1000))") ms apart, each with its own ICMP id (a new conntrack"
  echo "   entry each, so every one is NEW and meets rule 2). 5/sec = 200 ms of credit per packet, burst 3 = 600 ms."
  echo "2. hashlimit: raw SYNs to $WEB:8080 (the uplink's kernel answers each SYN-ACK with a RST), SRC:SPORT@offset:"
  echo "   \`$HL_PLAN\`. 2/sec = 500 ms per packet, burst 2, one bucket per source address."
  echo "   And raw SYNs to $WEB:8081 (rule 13: 1/min, burst 1): \`$SL_PLAN1\` before the 8080 SYNs and, at least"
  echo "   ${SL_GAP} s after the first ($sl_gap s here, after the other phases), \`$SL_PLAN2\`."
  echo "3. recent: raw SYNs to $WEB:2222: \`$RC_PLAN\`. Rule 6 \`--set\` stamps every SYN; rule 7 drops a SYN when"
  echo "   its source has >= 3 stamps in the last 2 s and, matching, stamps it once more (xt_recent's \`--update\`)."
  echo "4. connlimit: real connections to $WEB:9090, kept open: \`$CL_PLAN\` (non-blocking connects; close = FIN)."
  echo "5. connlimit written the other way round, to $WEB:9091: \`$CU_PLAN\`."
  echo
  echo "## What the kernel did"
  echo
  echo "- limit: $icmp_ok echo requests answered (rule 2 ACCEPT counter $lim_acc), $icmp_no dropped (rule 3 counter $lim_drop): the"
  echo "  burst of 3, then one every 3rd or 4th packet as 70 ms of credit per gap adds up to 200 ms (credit keeps"
  echo "  accruing while packets are dropped)."
  echo "- hashlimit: $hl_ok SYNs let through (rule 4 counter $hl_acc), $hl_no dropped (rule 5 counter $hl_drop); each source has its own"
  echo "  bucket: $A $(grep '^HASHLIMIT_172_18_0_1=' "$BUNDLE/scenario.env" | cut -d= -f2-), $B $(grep '^HASHLIMIT_172_18_0_11=' "$BUNDLE/scenario.env" | cut -d= -f2-)."
  echo "- hashlimit 1/min (8081): 43001 passed, 43002 dropped, and 43003, $sl_gap s after 43001, dropped as well (rule 13"
  echo "  counter $sl_acc, rule 14 counter $sl_drop): its bucket had refilled $sl_gap s of the 60 s a packet costs. iptables"
  echo "  sets \`--hashlimit-htable-expire\` to the rate's unit when the rule does not give it (60000 ms for /min, 1000 ms for"
  echo "  /sec; iptables-save omits it then), so the entry was not expired: hashlimit.txt shows it $sl_exp s from expiry right"
  echo "  after 43003, and the 8080 entries 0 s from expiry about a second after their last SYN."
  echo "- recent: rule 6 (\`--set\`) counted $rc_set SYNs; $rc_no dropped by rule 7, $rc_ok accepted by rule 8. $A:42006 (+3.1 s)"
  echo "  was dropped only because rule 7 had stamped the dropped SYN 42005 (+1.2 s) a second time: its last 2 s hold 42005's"
  echo "  two stamps and its own; $A:42007 (+5.5 s) finds only its own stamp and passes. $B has its own entry."
  echo "- connlimit (9090, \`--connlimit-above 2 -j REJECT\`): $cl_rej SYNs reset by rule 9 (RST frames $f_rst, forged with"
  echo "  $WEB:9090 as source), $cl_acc accepted by rule 10; c5, opened after c1 was closed (c1's conntrack entry in TIME_WAIT"
  echo "  no longer counts), result: $c5; c6 from $B: its own count."
  echo "- connlimit (9091, \`--connlimit-upto 2 -j ACCEPT\`, then REJECT): $cu_acc SYNs accepted by rule 11, $cu_rej reset by rule 12"
  echo "  (RST frame $f_rst2)."
  echo "- The $rst_rel resets REJECT sent (filter OUTPUT) matched \`--ctstate RELATED\` (rule 15); \`--ctstate INVALID\`"
  echo "  (rule 16) counted $rst_inv: nf_send_reset attaches the rejected SYN's conntrack entry to its reset (IP_CT_RELATED_REPLY),"
  echo "  so the reset is never looked up in conntrack."
  echo
  echo "### Every probe: capture time from its phase's first probe, the kernel's verdict (probe-verdicts.txt)"
  echo
  echo "Rules are numbered as in the FORWARD listing above. The last column is what a token bucket in nanoseconds computes"
  echo "from the capture's timestamps (credit before the packet, in ms; a packet costs 200 ms for limit and 500 ms per"
  echo "source for hashlimit; the buckets hold 600 / 1000 ms and are full at the start). nft_limit counts nanoseconds as"
  echo "well; xt_hashlimit counts whole jiffies (4 ms), so there a margin under 4 ms could go either way."
  echo
  echo '```'; cat "$WORK/table.txt"; echo '```'
  echo
  echo "### /proc/net/xt_recent/pkp-ssh after the traffic (xt_recent.txt: stamps in jiffies, HZ=250)"
  echo
  echo '```'; cat "$BUNDLE/xt_recent.txt"; echo; cat "$WORK/recent-rel.txt"; echo '```'
  echo
  echo "### /proc/net/ipt_hashlimit (hashlimit.txt: seconds to expiry, key, then credit, credit_cap and cost in credit units of 2^39 a jiffy; reading the file first adds the credit earned up to that moment)"
  echo
  echo '```'; cat "$BUNDLE/hashlimit.txt"; echo '```'
  b_readme_tail 'DROP|filter:FORWARD:rule0x[0-9a-f]+:ACCEPT|filter:OUTPUT'
} > "$BUNDLE/README.md"
pkp_finish
