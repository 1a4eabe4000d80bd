#!/usr/bin/env bash
# snat-port-race: two pods MASQUERADEd (no --random-fully) to the same node address send one UDP
# datagram each from the SAME source port to the SAME destination at the same instant, 20 rounds.
# Records which source port each got after SNAT and the conntrack -S clash/insert_failed/drop counters.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="b-snrace"
pkp_init snat-port-race
source "$PKP_LIB_DIR/lib-extra.sh"

ROUNDS=${ROUNDS:-20}; BASE=51000; INTERVAL=0.3
make_node_ns; make_uplink_ns
add_pod p1 10.244.1.2
add_pod p2 10.244.1.3
cat > "$WORK/rules.v4" <<'R'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE
COMMIT
R
cp "$WORK/rules.v4" "$BUNDLE/rules-input.txt"
load_rules "$WORK/rules.v4"
b_serve up udp 5300 60

snapshot_state before
start_capture; start_trace
T0=$(python3 -c 'import time; print("%.3f" % (time.time() + 1.0))')
RACE_PIDS=()
for p in p1 p2; do
  pkp_bg "race-$p" timeout 30 ip netns exec "$(pod_ns "$p")" python3 -u -c "$B_PY_PROBE" race "$UPLINK_IP" 5300 "$BASE" "$ROUNDS" "$INTERVAL" "$T0"
  RACE_PIDS+=("$PKP_LAST_PID")
done
wait "${RACE_PIDS[@]}" 2>/dev/null || true
stop_trace; stop_capture
snapshot_state after
for p in p1 p2; do sed "s/^/[$p] /" "$WORK/race-$p.out"; done > "$BUNDLE/probes.txt"
cp "$BUNDLE/probes.txt" "$WORK/probes.txt"

[ "$(grep -c 'round=' "$WORK/probes.txt")" = $((2 * ROUNDS)) ] || die "race clients did not finish: $(cat "$WORK"/race-*.err)"
# Per round: the NATed source port the server saw for each pod (or the client's failure).
seen() { grep "^\[$1\] round=$2 " "$WORK/probes.txt" | sed -E "s/.*saw $NODE_IP:([0-9]+).*/\1/; s/.*result=(timeout|E[A-Z]+).*/\1/"; }
same=0; diff=0; lost=0
for i in $(seq 0 $((ROUNDS - 1))); do
  a=$(seen p1 "$i"); b=$(seen p2 "$i"); port=$((BASE + i))
  ta=$(grep "^\[p1\] round=$i " "$WORK/probes.txt" | sed -E 's/.*sent=([0-9.]+).*/\1/')
  tb=$(grep "^\[p2\] round=$i " "$WORK/probes.txt" | sed -E 's/.*sent=([0-9.]+).*/\1/')
  skew=$(awk -v a="$ta" -v b="$tb" 'BEGIN { d = (a - b) * 1e6; if (d < 0) d = -d; printf "%d", d }')
  echo "| $i | $port | $a | $b | $skew |" >> "$WORK/rounds.md"
  case "$a$b" in *timeout*|*E*) lost=$((lost + 1)) ;; esac
  if [ "$a" = "$port" ] && [ "$b" = "$port" ]; then same=$((same + 1)); fi
  if [ "$a" != "$b" ]; then diff=$((diff + 1)); fi
done
[ "$same" = 0 ] || die "both pods reported the same NAT port $same times"
d_clash_resolve=$(( $(b_ct_stat clash_resolve) - $(b_ct_stat clash_resolve before) ))
d_insert_failed=$(( $(b_ct_stat insert_failed) - $(b_ct_stat insert_failed before) ))
d_drop=$(( $(b_ct_stat drop) - $(b_ct_stat drop before) ))
masq=$(b_count nat MASQUERADE)
kept_p1=$(awk -F'|' '{gsub(/ /,""); if ($4 == $3) n++} END {print n + 0}' "$WORK/rounds.md")
kept_p2=$(awk -F'|' '{gsub(/ /,""); if ($5 == $3) n++} END {print n + 0}' "$WORK/rounds.md")
skews_ok=$(awk -F'|' '{gsub(/ /,""); if ($4 ~ /^[0-9]+$/ && $5 ~ /^[0-9]+$/) print $6}' "$WORK/rounds.md" | sort -n | sed -n '1p;$p' | paste -sd- -)
# Lost datagrams: which pod, in on its cali, never out on eth0 (only the winner's NATed datagram left), no ct for it.
: > "$WORK/lost.txt"
b_trace_summary > "$WORK/ts.txt"
for i in $(seq 0 $((ROUNDS - 1))); do
  port=$((BASE + i))
  for p in p1 p2; do
    r=$(seen "$p" "$i"); [ "$r" = timeout ] || continue
    ip=$(grep "^POD_$(echo $p | tr a-z A-Z)_IP=" "$BUNDLE/scenario.env" | cut -d= -f2)
    fin=$(b_expect_frames "lost datagram in" "In +IP ${ip//./\\.}\.$port > $UPLINK_IP\.5300: UDP" 1)
    nout=$(grep -cE "eth0 +Out +IP $NODE_IP\.$port > $UPLINK_IP\.5300: UDP" "$WORK/frames.txt")
    [ "$nout" = 1 ] || die "round $i: $nout datagrams left eth0 from port $port, expected only the winner's"
    grep -q "src=$ip .*sport=$port " "$BUNDLE/conntrack-L.txt" && die "round $i: loser $p has a ct entry"
    skew=$(awk -F'|' -v r="$i" '{gsub(/ /,""); if ($2 == r) print $6}' "$WORK/rounds.md")
    grep -qE "/eth0 ${ip//./\\.}>$UPLINK_IP $port>5300 ID=[0-9]+ : nat:POSTROUTING:rule0x[0-9a-f]+:ACCEPT$" "$WORK/ts.txt" \
      || die "round $i: loser did not pass nat POSTROUTING MASQUERADE in the trace"
    echo "round $i: $p's datagram (frame $fin, source $ip:$port) passed nat POSTROUTING -j MASQUERADE (trace) but never left eth0; sends $skew µs apart" >> "$WORK/lost.txt"
  done
done
nlost=$(grep -c . "$WORK/lost.txt" || true)
env_put ROUNDS "$ROUNDS"; env_put BASE_SPORT "$BASE"; env_put MASQ_TO "$NODE_IP"; env_put LOST_DATAGRAMS "$nlost"
env_put CT_CLASH_RESOLVE_DELTA "$d_clash_resolve"; env_put CT_INSERT_FAILED_DELTA "$d_insert_failed"; env_put CT_DROP_DELTA "$d_drop"

{
  echo "# snat-port-race: two pods, same source port, same destination, same instant, MASQUERADE without --random-fully"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\` (ip_forward=1), uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP (UDP server :5300 that answers \"up port 5300 saw SRC:PORT\"),"
  echo "pods p1 10.244.1.2 and p2 10.244.1.3. nat POSTROUTING: \`-s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE\` (no --random-fully);"
  echo "no filter rules (policy ACCEPT)."
  echo
  echo "## Traffic (probes.txt, one line per pod and round)"
  echo
  echo "$ROUNDS rounds, $INTERVAL s apart. In round i both pods send ONE UDP datagram from source port $BASE+i to $UPLINK_IP:5300 at the same"
  echo "absolute time (each pod's python client sleeps until T0 + i × $INTERVAL s), then wait for the reply."
  echo
  echo "## What the kernel did"
  echo
  echo "| round | source port of both pods | port the server saw for p1 | for p2 | send-time skew (µs) |"
  echo "| --- | --- | --- | --- | --- |"
  cat "$WORK/rounds.md"
  echo
  echo "- No two answered flows ever shared a NATed port. In the $((ROUNDS - lost)) rounds where both pods were answered, one kept $BASE+i"
  echo "  (p1 kept it $kept_p1 times, p2 $kept_p2 times over all rounds) and the other was moved to an unrelated port (not port+1):"
  echo "  without --random-fully MASQUERADE keeps the original port when it is free. Send skew in those rounds: $skews_ok µs (min-max)."
  echo "- conntrack -S deltas over the recording (conntrack-S-before.txt → conntrack-S.txt, summed over CPUs): clash_resolve +$d_clash_resolve,"
  echo "  insert_failed +$d_insert_failed, drop +$d_drop. MASQUERADE counted $masq (the first packet of each of the $((2 * ROUNDS)) flows)."
  if [ "$nlost" -gt 0 ]; then
    echo "- $nlost datagram(s) were lost — the race:"
    echo
    echo '```'; cat "$WORK/lost.txt"; echo '```'
    echo
    echo "  In trace.txt both datagrams of such a round pass nat POSTROUTING (\`-j MASQUERADE\` prints as ACCEPT); only one datagram"
    echo "  with that source port left eth0 (the winner's, answered), the loser has no conntrack entry and got no reply."
    echo "  $( [ "$nlost" = "$d_insert_failed" ] && [ "$nlost" = "$d_drop" ] && echo "insert_failed and drop each grew by exactly the number of lost datagrams ($nlost), clash_resolve by $d_clash_resolve: consistent with both flows being NATed to the same $NODE_IP:port before either ct was confirmed, the second confirmation clashing on the reply tuple, and the packet being dropped (no clash resolution: the two original tuples differ)." || echo "The counters above do not equal the number of lost datagrams ($nlost); see conntrack-S.txt.")"
  else
    echo "- No datagram was lost on this run (see the send skews in the table); insert_failed and drop did not move."
  fi
  b_readme_tail 'nat:POSTROUTING:rule'
} > "$BUNDLE/README.md"
pkp_finish
