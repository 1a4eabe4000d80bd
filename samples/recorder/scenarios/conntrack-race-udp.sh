#!/usr/bin/env bash
# conntrack-race-udp: two UDP datagrams from ONE socket, sent at the same instant by two processes
# pinned to different CPUs (sched_setaffinity, like taskset), to a DNAT'd ClusterIP with two
# endpoints; repeated for many pairs, each pair from a new socket (new source port), paced.
# The trace covers only the first TRACE_PAIRS pairs (xtables-monitor and bundle size); the
# capture, the rule counters and conntrack -S cover all pairs.
source "$(dirname "$0")/../lib.sh"
pkp_init conntrack-race-udp

CIP=10.96.0.50; PORT=53; TPORT=5353; PAIRS=${PAIRS:-110}; TRACE_PAIRS=${TRACE_PAIRS:-10}; PACE=${PACE:-0.025}
make_node_ns; make_uplink_ns
add_pod client 10.244.1.2
add_pod dns1 10.244.1.3
add_pod dns2 10.244.1.4
kp_reset
kp_service kube-system/dns:dns udp "$CIP" "$PORT" - cluster 10.244.1.3:$TPORT 10.244.1.4:$TPORT
kp_write_rules "$WORK/rules.v4"; load_rules "$WORK/rules.v4"
udp_server dns1 "$TPORT" 60; udp_server dns2 "$TPORT" 60

PY_RACE='
import os, socket, sys, time
dst, port, first, count, pace = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
ncpu = os.cpu_count() or 1
for i in range(first, first + count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((dst, port))
    sp = s.getsockname()[1]
    t0 = time.monotonic() + 0.004
    kids = []
    for cpu, tag in ((0, "a"), (1 % ncpu, "b")):
        pid = os.fork()
        if pid == 0:
            os.sched_setaffinity(0, {cpu})
            while time.monotonic() < t0:
                pass
            try:
                s.send(("p%d%s" % (i, tag)).encode())
            except OSError:
                pass
            os._exit(0)
        kids.append(pid)
    for pid in kids:
        os.waitpid(pid, 0)
    s.settimeout(0.25)
    got = []
    for _ in range(2):
        try:
            got.append(s.recv(512).decode())
        except (socket.timeout, OSError) as e:
            break
    s.close()
    eps = sorted(set(g.split(":")[0] for g in got))
    print("pair=%d sport=%d replies=%d endpoints=%s got=%s" % (i, sp, len(got), ",".join(eps) or "-", "|".join(sorted(got))), flush=True)
    time.sleep(pace)
'
race() { timeout 60 ip netns exec "$(pod_ns client)" python3 -c "$PY_RACE" "$CIP" "$PORT" "$1" "$2" "$PACE"; }

snapshot_state before
start_capture; start_trace
race 1 "$TRACE_PAIRS" >> "$WORK/pairs.txt"
stop_trace
race $((TRACE_PAIRS + 1)) $((PAIRS - TRACE_PAIRS)) >> "$WORK/pairs.txt"
stop_capture
snapshot_state after
cp "$WORK/pairs.txt" "$BUNDLE/race-pairs.txt"

total=$(wc -l < "$WORK/pairs.txt")
both=$(grep -c 'replies=2 ' "$WORK/pairs.txt" || true)
one=$(grep -c 'replies=1 ' "$WORK/pairs.txt" || true)
none=$(grep -c 'replies=0 ' "$WORK/pairs.txt" || true)
split=$(grep -c 'endpoints=dns1,dns2' "$WORK/pairs.txt" || true)
sum_stat() { awk -v k="$2" '{for(i=1;i<=NF;i++){split($i,a,"="); if(a[1]==k) s+=a[2]}} END{print s+0}' "$1"; }
declare -A B A
for k in clash_resolve insert_failed drop found invalid; do
  B[$k]=$(sum_stat "$BUNDLE/conntrack-S-before.txt" $k); A[$k]=$(sum_stat "$BUNDLE/conntrack-S.txt" $k)
done
sports_split=$(grep 'endpoints=dns1,dns2' "$WORK/pairs.txt" | sed 's/.*sport=\([0-9]*\).*/\1/' | tr '\n' ' ')
env_put CLIENT_IP 10.244.1.2; env_put SERVICE "$CIP:$PORT/udp"; env_put ENDPOINTS "10.244.1.3:$TPORT 10.244.1.4:$TPORT"
env_put PAIRS "$total"; env_put TRACE_PAIRS "$TRACE_PAIRS"; env_put PAIRS_TWO_REPLIES "$both"; env_put PAIRS_ONE_REPLY "$one"
env_put PAIRS_NO_REPLY "$none"; env_put PAIRS_SPLIT_ENDPOINTS "$split"; env_put SPLIT_SPORTS "$sports_split"
for k in clash_resolve insert_failed drop; do env_put "CT_${k^^}_DELTA" "$((A[$k] - B[$k]))"; done
{
  echo "# conntrack-race-udp: two simultaneous UDP datagrams from one socket to a DNAT'd ClusterIP"
  echo; echo "## Topology"; echo; topology_text; echo
  echo "Service \`kube-system/dns:dns\` $CIP:$PORT/udp → 10.244.1.3:$TPORT (dns1), 10.244.1.4:$TPORT (dns2) (statistic 0.5)."
  echo "Kernel $(uname -r), $(nproc) CPUs."
  echo; echo "## Traffic"; echo
  echo "$total pairs. For each pair the client creates and connect()s a NEW UDP socket, forks two processes pinned to CPU 0 and"
  echo "CPU 1 (sched_setaffinity, as taskset does) that busy-wait to the same monotonic instant and each send() one datagram"
  echo "(\`p<N>a\`, \`p<N>b\`) on that same socket; the parent then waits up to 250 ms for two replies. Pairs are $PACE s apart."
  echo "\`trace.txt\` covers only the first $TRACE_PAIRS pairs (xtables-monitor stopped afterwards to stay within ENOBUFS limits and"
  echo "the bundle size); capture.pcap, the rule counters and conntrack -S cover all $total pairs. Per-pair results: \`race-pairs.txt\`."
  echo; echo "## What the kernel did"; echo
  echo "| conntrack -S (sum over CPUs) | before | after | delta |"; echo "| --- | ---: | ---: | ---: |"
  for k in clash_resolve insert_failed drop found invalid; do echo "| $k | ${B[$k]} | ${A[$k]} | $((A[$k] - B[$k])) |"; done
  echo
  echo "- Pairs with two replies: $both; with one reply: $one; with none: $none."
  echo "- Pairs whose two datagrams were answered by DIFFERENT endpoints (dns1 and dns2 for the same source port): $split${sports_split:+ (source ports: $sports_split)}."
  dcl=$((A[clash_resolve] - B[clash_resolve])); dif=$((A[insert_failed] - B[insert_failed])); ddr=$((A[drop] - B[drop]))
  if [ "$split" -gt 0 ] || [ "$dcl" -gt 0 ] || [ "$dif" -gt 0 ] || [ "$ddr" -gt 0 ] || [ "$one" -gt 0 ] || [ "$none" -gt 0 ]; then
    echo "- Verdict: YES, this kernel hit the conntrack insertion race: clash_resolve +$dcl, insert_failed +$dif, drop +$ddr;"
    echo "  $split pair(s) were answered by two different endpoints and $((one + none)) pair(s) lost a reply."
    echo "  A split pair means both datagrams went through nat PREROUTING before either conntrack entry was confirmed, each"
    echo "  picked its own KUBE-SEP branch, and at confirmation the kernel resolved the clash (clash_resolve) instead of"
    echo "  dropping the second datagram$([ "$dif$ddr" = 00 ] && echo " (insert_failed and drop stayed 0: nothing was lost)")."
  else
    echo "- Verdict: NO, this kernel did not reproduce the race in $total pairs: every pair got both replies from the same"
    echo "  endpoint and clash_resolve/insert_failed/drop did not move."
  fi
  if [ "$split" -gt 0 ]; then
    sp1=$(grep 'endpoints=dns1,dns2' "$WORK/pairs.txt" | awk -v t="$TRACE_PAIRS" '{split($1,a,"="); if (a[2] <= t) {print; exit}}' | sed 's/.*sport=\([0-9]*\).*/\1/')
    [ -n "$sp1" ] && echo "- At least one split pair lies inside the traced window (pairs 1-$TRACE_PAIRS): its packets are in trace.txt."
    [ -z "$sp1" ] && { sp1=$(echo "$sports_split" | awk '{print $1}'); echo "- No split pair fell inside the traced window (pairs 1-$TRACE_PAIRS)."; }
    echo "- Example: source port $sp1: $(grep "sport=$sp1 " "$WORK/pairs.txt"). Frames (node ns):"
    echo; echo '```'; grep "\.$sp1 " "$WORK/frames.txt"; echo '```'; echo
    if grep -q "SPORT=$sp1 DPORT=$PORT " "$BUNDLE/trace.txt"; then
      echo "  trace.txt: the two datagrams (two trace ids) took different KUBE-SEP DNAT rules:"
      echo; echo '```'
      for id in $(grep "SPORT=$sp1 DPORT=$PORT " "$BUNDLE/trace.txt" | awk '{print $3}' | awk '!seen[$0]++'); do
        grep " $id " "$BUNDLE/trace.txt" | grep -E 'nat:KUBE-SEP-.*DNAT' | sed 's/ -m comment --comment "[^"]*"//'
      done
      echo '```'; echo
    fi
    echo "  clash_resolve also counts clashes where both datagrams happened to pick the SAME endpoint (identical entries, merged)."
    echo "  conntrack-L.txt (taken after the traffic) lists only ONE entry for that tuple: $(grep -c "sport=$sp1 dport=$PORT" "$BUNDLE/conntrack-L.txt") line(s):"
    echo "  \`$(grep "sport=$sp1 dport=$PORT" "$BUNDLE/conntrack-L.txt" | head -1 | tr -s ' ')\`."
    echo "  The losing entry of a resolved UDP clash carries IPS_NAT_CLASH, is inserted for the REPLY direction only (so the other"
    echo "  endpoint's reply was still un-DNATed to $CIP:$PORT and accepted by the connected socket) and expires after about 1 s;"
    echo "  a conntrack -L dump shows original-direction entries only, so it never lists it."
  fi
  echo; echo "First pairs:"; echo; echo '```'; head -20 "$WORK/pairs.txt"; echo '```'
  echo; readme_facts
} > "$BUNDLE/README.md"
pkp_finish
