#!/usr/bin/env bash
# nft-limit: nft's stateful expressions `limit`, `quota` and `ct count` in a native `table inet pkp_nlim` input chain
# (priority filter + 10), each fed a paced, bounded burst from the uplink: echo requests against
# `limit rate 2/second burst 3 packets` (ping -i 0.12), UDP 5001 against `limit rate over 4/second burst 2 packets drop`,
# UDP 5002 and 5003 against `quota 500 bytes accept` and `quota over 300 bytes drop` (datagrams of 100 bytes),
# UDP 5004 against the byte mode `limit rate 1 kbytes/second` (datagrams of 300 bytes) and UDP 5005 against
# `ct count over 2 drop` (one datagram from each of four source ports, then two of the first ones again). iptables
# holds only the TRACE rules; nft-trace.txt is `nft monitor trace`, nft-ruleset.txt `nft -a list ruleset` after the
# traffic (its counters and each quota's `used`), nft-ruleset.json `nft -j list ruleset` then.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="nlim"
pkp_init nft-limit
source "$PKP_LIB_DIR/lib-extra.sh"

make_node_ns; make_uplink_ns
load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_nlim {
	chain input {
		type filter hook input priority filter + 10; policy accept;
		icmp type echo-request limit rate 2/second burst 3 packets counter accept
		icmp type echo-request counter drop
		udp dport 5001 limit rate over 4/second burst 2 packets counter drop
		udp dport 5002 quota 500 bytes counter accept
		udp dport 5002 counter drop
		udp dport 5003 quota over 300 bytes counter drop
		udp dport 5004 limit rate 1 kbytes/second counter accept
		udp dport 5004 counter drop
		udp dport 5005 ct count over 2 counter drop
	}
}
N
b_nft_load "$WORK/native.nft"
for p in 5001 5002 5003 5004 5005; do b_serve node udp "$p" 40; done

# sender: "OFFSET SPORT DPORT IPLEN" lines on stdin; one datagram each, at its offset from the start (bounded, paced)
SENDER="$(cat <<'PY'
import socket, sys, time
plan = [l.split() for l in sys.stdin if l.strip()]
assert len(plan) <= 40
t0 = time.time()
for off, sport, dport, iplen in plan:
    time.sleep(max(0.0, t0 + float(off) - time.time()))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(sport)))
    s.sendto(b"x" * (int(iplen) - 28), (sys.argv[2], int(dport)))
    s.close()
    print("udp %s > %s len %s at +%.3f s" % (sport, dport, iplen, time.time() - t0), flush=True)
PY
)"
send() {
  timeout 15 ip netns exec "$UPLINK_NS" python3 -c "$SENDER" "$UPLINK_IP" "$NODE_IP" >> "$WORK/sent.txt"
}
# ping_burst COUNT: COUNT echo requests 0.12 s apart from the uplink; its summary line goes to the probe log
ping_burst() {
  timeout 6 ip netns exec "$UPLINK_NS" ping -n -c "$1" -i 0.12 -W 1 "$NODE_IP" >> "$WORK/ping.txt" 2>&1 || true
  printf '[up] ping -c %s -i 0.12: %s\n' "$1" "$(grep 'packets transmitted' "$WORK/ping.txt" | tail -1)" >> "$WORK/pings.txt"
}

sleep 2   # the buckets were full when the rules were loaded: nothing changes them before the first packet
snapshot_state before
start_capture; start_trace nft
# 1. ten echo requests 0.12 s apart
ping_burst 10
sleep 0.8
# 2. UDP 5001 (limit over 4/s burst 2): eight datagrams 0.09 s apart, one flow
printf '%s\n' "0 41001 5001 100" "0.09 41001 5001 100" "0.18 41001 5001 100" "0.27 41001 5001 100" \
  "0.36 41001 5001 100" "0.45 41001 5001 100" "0.54 41001 5001 100" "0.63 41001 5001 100" | send
sleep 0.5
# 3. UDP 5002 (quota 500 bytes) and 5003 (quota over 300 bytes): six and five datagrams of 100 bytes
printf '%s\n' "0 41002 5002 100" "0.06 41002 5002 100" "0.12 41002 5002 100" "0.18 41002 5002 100" \
  "0.24 41002 5002 100" "0.30 41002 5002 100" "0.40 41003 5003 100" "0.46 41003 5003 100" \
  "0.52 41003 5003 100" "0.58 41003 5003 100" "0.64 41003 5003 100" | send
sleep 0.5
# 4. UDP 5004 (limit 1 kbytes/second, no burst): seven datagrams of 300 bytes 0.1 s apart
printf '%s\n' "0 41004 5004 300" "0.1 41004 5004 300" "0.2 41004 5004 300" "0.3 41004 5004 300" \
  "0.4 41004 5004 300" "0.5 41004 5004 300" "0.6 41004 5004 300" | send
sleep 0.5
# 5. UDP 5005 (ct count over 2): four flows 0.15 s apart, then the first and second again
printf '%s\n' "0 42001 5005 60" "0.15 42002 5005 60" "0.30 42003 5005 60" "0.45 42004 5005 60" \
  "0.80 42001 5005 60" "1.0 42002 5005 60" | send
sleep 1
# 6. five more echo requests 0.12 s apart after the bucket refilled
ping_burst 5
sleep 0.5
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j list ruleset > "$BUNDLE/nft-ruleset.json"
cp "$WORK/sent.txt" "$BUNDLE/sent.txt"
cp "$WORK/ping.txt" "$BUNDLE/ping.txt"
cat "$WORK/pings.txt" "$WORK/sent.txt" | sed 's/^\([^[]\)/[up] \1/' > "$WORK/probes.txt"
b_keep_probes

# the native chain's decision for each packet, in trace order
nft_decisions 'inet pkp_nlim input' len > "$WORK/decisions.txt"
drops() { grep -E -- "$1" "$WORK/decisions.txt" | awk '{print ($NF == "drop") ? "D" : "a"}' | paste -sd' ' -; }
echo_pattern=$(drops 'icmp echo-request'); p5001=$(drops '>5001 '); p5002=$(drops '>5002 '); p5003=$(drops '>5003 ')
p5004=$(drops '>5004 '); p5005=$(drops '>5005 ')

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
cnt() { sed -n "s/.*$1 counter packets \([0-9]*\) .*/\1/p" "$BUNDLE/nft-ruleset.txt"; }
echo_acc=$(cnt 'limit rate 2\/second burst 3 packets'); echo_drop=$(cnt 'icmp type echo-request')
over=$(cnt 'limit rate over 4\/second burst 2 packets'); q=$(cnt 'quota 500 bytes used [0-9]* bytes')
qd=$(cnt 'udp dport 5002'); qo=$(cnt 'quota over 300 bytes used [0-9]* bytes'); bl=$(cnt 'udp dport 5004 limit rate 1 kbytes\/second')
bd=$(cnt 'udp dport 5004'); cc=$(cnt 'ct count over 2')
log "echo accept=$echo_acc drop=$echo_drop; over drop=$over; quota acc=$q drop=$qd; quota over drop=$qo;" \
  "bytes acc=$bl drop=$bd; ct count drop=$cc"
[ "$((echo_acc + echo_drop))" = 15 ] || b_fail "echo requests counted $echo_acc + $echo_drop, expected 15"
[ "${echo_acc:-0}" -ge 4 ] && [ "${echo_drop:-0}" -ge 3 ] || b_fail "the echo limit did not both accept and drop"
[ "${over:-0}" -ge 1 ] && [ "${over:-0}" -le 7 ] || b_fail "limit over dropped $over of 8"
# nft_quota on this kernel: over the quota when the bytes consumed with this packet exceed it (consumed > quota; before
# the 2025 fix "match correctly when the quota just depleted" at equal too): the fifth datagram (500 bytes) still passes
[ "$q" = 5 ] && [ "$qd" = 1 ] || b_fail "quota 500 bytes: accepted $q dropped $qd, expected 5 and 1"
[ "$qo" = 2 ] || b_fail "quota over 300 bytes dropped $qo, expected 2 (the fourth and fifth datagram)"
[ "${bl:-0}" -ge 3 ] && [ "${bd:-0}" -ge 1 ] || b_fail "the byte limit accepted $bl dropped $bd"
[ "${cc:-0}" -ge 2 ] || b_fail "ct count over 2 dropped $cc"
grep -q 'table inet pkp_nlim' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
# the bucket is full when the rule is loaded (burst 3): the first three echo requests pass, the fourth (0.36 s later,
# 0.36 s of 0.5 s refilled) does not
[ "${echo_pattern:0:8}" = "a a a D " ] || b_fail "echo requests: $echo_pattern, expected a a a D first"
[ "$p5005" = "a a D D D D" ] || b_fail "ct count over 2: $p5005, expected a a D D D D"

# ------------------------------------------------------------------ README
{
  echo "# nft-limit: nft's \`limit\`, \`quota\` and \`ct count\` in a native input chain"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP/24. UDP servers on the node listen on 5001-5005 and"
  echo "answer each datagram. iptables holds only the raw TRACE rules (every policy ACCEPT). The native table"
  echo "(nft-input.txt, loaded with \`nft -f\` two seconds before the traffic):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (from the uplink; sent.txt has each datagram's offset within its group)"
  echo
  echo "1. \`ping -c 10 -i 0.12\`. 2. UDP 5001: eight datagrams of 100 bytes 0.09 s apart. 3. UDP 5002: six datagrams of"
  echo "100 bytes 0.06 s apart, then UDP 5003: five. 4. UDP 5004: seven datagrams of 300 bytes 0.1 s apart. 5. UDP 5005:"
  echo "one datagram of 60 bytes from each of the source ports 42001-42004 0.15 s apart, then 42001 and 42002 again."
  echo "6. \`ping -c 5 -i 0.12\` after 1 s without echo requests."
  echo
  echo "## What the kernel did (nft-ruleset.txt after the traffic)"
  echo
  echo "- Echo requests: $echo_acc accepted by the limit rule, $echo_drop dropped by the next rule."
  echo "- UDP 5001: $over of 8 dropped by \`limit rate over\` (the others fell through to the policy)."
  echo "- UDP 5002: $q accepted by \`quota 500 bytes\`, $qd dropped; UDP 5003: $qo of 5 dropped by \`quota over 300 bytes\`."
  echo "- UDP 5004: $bl accepted by the byte limit, $bd dropped."
  echo "- UDP 5005: $cc dropped by \`ct count over 2\`."
  echo
  echo "Per packet, in order (a: accepted or let through, D: dropped; nft-trace.txt): echo requests \`$echo_pattern\`;"
  echo "UDP 5001 \`$p5001\`, 5002 \`$p5002\`, 5003 \`$p5003\`, 5004 \`$p5004\`, 5005 \`$p5005\`. What that shows of the kernel:"
  echo
  echo "- nft_limit's bucket is full when the rule is loaded: the first three echo requests passed (burst 3), the fourth,"
  echo "  0.36 s later, found 0.36 s of tokens where a packet costs 0.5 s; a refused packet takes nothing, so the bucket"
  echo "  refills from where it was (the next pass once 0.5 s is there), up to 1.5 s again after an idle second."
  echo "- \`limit rate over\` matches (drops) exactly the packets the bucket cannot pay; those it lets through pay."
  echo "- \`quota 500 bytes\` let the fifth 100-byte datagram pass (500 consumed is not over 500) and dropped the sixth;"
  echo "  \`quota over 300 bytes\` dropped the fourth and fifth: the quota is over once the bytes consumed with the packet"
  echo "  exceed it (nft_quota since 2025; before, at equal too). The listing's \`used\` is the state after the traffic."
  echo "- \`ct count over 2\` dropped the third and fourth flows, and then the first two flows' next datagrams: the fourth"
  echo "  flow's connection, dropped and never confirmed, stayed in the rule's list behind them (the first flow's entry"
  echo "  is found first and the count is not recomputed), so the count was still 3."
  echo
  echo '```'
  sed 's/^/  /' "$WORK/decisions.txt"
  echo '```'
  echo
  echo "The native rules' counters after the traffic:"
  echo
  echo '```'
  grep -E 'limit|quota|ct count|counter' "$BUNDLE/nft-ruleset.txt" | sed 's/^\t*/  /'
  echo '```'
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
