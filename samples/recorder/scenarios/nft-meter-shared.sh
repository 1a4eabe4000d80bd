#!/usr/bin/env bash
# nft-meter-shared: two rules, in two chains, filling one dynamic set with per-element stateful expressions, and a
# set of size 1 whose expired element waits for garbage collection, in a native `table inet pkp_nms` input chain
# (priority filter + 10), fed paced, bounded UDP from four clients on the uplink (172.18.0.1 = A, .11 = B, .12 = C,
# .13 = D): `update @flood { ip saddr limit rate over 1/minute burst 2 packets } drop` (UDP 6001, chain input),
# `add @flood { ip saddr quota over 300 bytes } drop` (UDP 6002, chain other) and `add @flood { ip saddr } drop` (UDP
# 6003, no expression) on one set: which expression decides when an element created by one rule meets another; and
# `add @tiny { ip saddr limit rate 10/second } accept` (UDP 6010) on `set tiny { size 1; timeout 1s; gc-interval 30s }`
# followed by a drop: is a new element refused while an expired one still holds the set's only place, and created
# once the garbage collection (30 s after the set was loaded) freed it. iptables holds only the TRACE rules;
# nft-trace.txt is `nft monitor trace`, nft-sets-before.txt / nft-sets-after.txt the two sets' elements (lines behind
# "# "), nft-ruleset.txt `nft -a list ruleset` after the traffic (its counters), nft-ruleset.json `nft -j list ruleset`.
source "$(dirname "$0")/../lib.sh"
PKP_TAG="mt-nms"
pkp_init nft-meter-shared
source "$PKP_LIB_DIR/lib-extra.sh"
[[ "$NODE_NS" == pkp-mt-nms-* ]] || die "unexpected namespace name $NODE_NS"

A=172.18.0.1; B=172.18.0.11; C=172.18.0.12; D=172.18.0.13
make_node_ns; make_uplink_ns
for x in "$B" "$C" "$D"; do ip -n "$UPLINK_NS" addr add "$x/24" dev eth0; done
env_put UPLINK_IP2 "$B"; env_put UPLINK_IP3 "$C"; env_put UPLINK_IP4 "$D"
load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_nms {
	set flood { type ipv4_addr; size 65535; flags dynamic,timeout; timeout 1m; }
	set tiny { type ipv4_addr; size 1; flags dynamic,timeout; timeout 1s; gc-interval 30s; }
	chain input {
		type filter hook input priority filter + 10; policy accept;
		udp dport 6001 update @flood { ip saddr limit rate over 1/minute burst 2 packets } counter drop
		udp dport 6002 jump other
		udp dport 6003 add @flood { ip saddr } counter drop
		udp dport 6010 add @tiny { ip saddr limit rate 10/second } counter accept
		udp dport 6010 counter drop
	}
	chain other {
		udp dport 6002 add @flood { ip saddr quota over 300 bytes } counter drop
	}
}
N
b_nft_load "$WORK/native.nft"
LOADED=$(date +%s.%N)
for p in 6001 6002 6003 6010; do b_serve node udp "$p" 60; done

# sender: "OFFSET SRC SPORT DPORT" lines on stdin, one datagram of 60 bytes (IP length) each at its offset from the
# start (bounded, paced)
SENDER="$(cat <<'PY'
import socket, sys, time
plan = [l.split() for l in sys.stdin if l.strip()]
assert len(plan) <= 40
t0 = time.time()
for off, src, sport, dport in plan:
    time.sleep(max(0.0, t0 + float(off) - time.time()))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.sendto(b"x" * 32, (sys.argv[1], int(dport)))
    s.close()
    print("udp %s:%s > %s len 60 at +%.3f s" % (src, sport, dport, time.time() - t0), flush=True)
PY
)"
plan() {
  # 1. A: two to 6001 (creates A's element with 6001's limit, burst 2), two to 6002 (6002's add meets that element)
  echo "0.0 $A 42001 6001"; echo "0.2 $A 42001 6001"; echo "0.4 $A 42002 6002"; echo "0.6 $A 42002 6002"
  # 2. B: one to 6002 (creates B's element with 6002's quota over 300 bytes), five to 6001 (6001 meets that element)
  echo "1.0 $B 43002 6002"
  for t in 1.2 1.4 1.6 1.8 2.0; do echo "$t $B 43001 6001"; done
  # 3. C: one to 6003 (creates C's element without an expression), then 6001 and 6002
  echo "2.5 $C 44003 6003"; echo "2.7 $C 44001 6001"; echo "2.9 $C 44002 6002"
  # 4. D: one to 6001 (creates D's element, burst 2), then two to 6003 (the add without expression meets it)
  echo "3.2 $D 45001 6001"; echo "3.4 $D 45003 6003"; echo "3.6 $D 45003 6003"
  # 5. UDP 6010 on @tiny (size 1, timeout 1s, gc-interval 30s): A creates; B finds it full; A's element expires at
  #    +5.0; B, A and B again before the garbage collection
  echo "4.0 $A 42010 6010"; echo "4.5 $B 43010 6010"; echo "5.5 $B 43010 6010"; echo "6.5 $A 42010 6010"
  echo "8.0 $B 43010 6010"
}
plan > "$WORK/plan.txt"
# list_sets: both sets' elements, each line behind "# " (a bundle file of several `table` blocks would be read as the
# nft ruleset: this one is a record for the reader, ignored by pktpath)
list_sets() {
  { nsx "$NODE_NS" nft list set inet pkp_nms flood; nsx "$NODE_NS" nft list set inet pkp_nms tiny; } | sed 's/^/# /'
}

sleep 1
list_sets > "$BUNDLE/nft-sets-before.txt"
snapshot_state before
start_capture; start_trace nft
T0=$(date +%s.%N)
timeout 20 ip netns exec "$UPLINK_NS" python3 -c "$SENDER" "$NODE_IP" < "$WORK/plan.txt" > "$WORK/sent.txt"
list_sets > "$WORK/sets-before-gc.txt"
# 6. after the set's first garbage collection (30 s after it was loaded): B to 6010 once more
WAIT=$(echo "$LOADED $(date +%s.%N)" | awk '{ w = $1 + 32 - $2; print (w > 0 ? w : 0) }')
log "waiting ${WAIT}s for @tiny's garbage collection (gc-interval 30s from the load)"
sleep "$WAIT"
LATE=$(echo "$T0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
echo "0 $B 43011 6010" > "$WORK/plan-late.txt"
timeout 5 ip netns exec "$UPLINK_NS" python3 -c "$SENDER" "$NODE_IP" < "$WORK/plan-late.txt" \
  | sed "s/at +[0-9.]* s/at +$LATE s/" >> "$WORK/sent.txt"
{ cat "$WORK/plan.txt"; echo "$LATE $B 43011 6010"; } > "$BUNDLE/plan.txt"
sleep 0.5
list_sets > "$BUNDLE/nft-sets-after.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
nsx "$NODE_NS" nft -j list ruleset > "$BUNDLE/nft-ruleset.json"
cp "$WORK/sent.txt" "$BUNDLE/sent.txt"
sed 's/^/[up] /' "$WORK/sent.txt" > "$WORK/probes.txt"
b_keep_probes

# the native chain's decision for each UDP datagram, in trace order (a rule of the chain other when it took one)
nft_decisions 'inet pkp_nms input' src > "$WORK/decisions.txt"
pattern() { grep -E -- "$1" "$WORK/decisions.txt" | awk '{print ($NF == "drop") ? "D" : "a"}' | paste -sd' ' -; }
pA1=$(pattern "$A:[0-9]+>6001 "); pA2=$(pattern "$A:[0-9]+>6002 ")
pB2=$(pattern "$B:[0-9]+>6002 "); pB1=$(pattern "$B:[0-9]+>6001 ")
pC=$(pattern "$C:[0-9]+>600[123] "); pD1=$(pattern "$D:[0-9]+>6001 "); pD3=$(pattern "$D:[0-9]+>6003 ")
pT=$(grep -E -- ">6010 " "$WORK/decisions.txt" | awk '{split($1 " " $2, a, "[ :]"); print a[2] "=" (($NF == "drop") ? "D" : "a")}' \
  | paste -sd' ' -)
cp "$WORK/decisions.txt" "$BUNDLE/decisions.txt"
log "A 6001=$pA1 6002=$pA2; B 6002=$pB2 6001=$pB1; C 6003,6001,6002=$pC; D 6001=$pD1 6003=$pD3; 6010: $pT"

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
# one element per source, shared by the rules; the expression of the rule that created it decides in every rule
[ "$pA1" = "a a" ] && [ "$pA2" = "D D" ] || b_fail "A: 6001 $pA1, 6002 $pA2, expected a a and D D (6001's limit)"
[ "$pB2" = "a" ] && [ "$pB1" = "a a a a D" ] || b_fail "B: 6002 $pB2, 6001 $pB1, expected a and a a a a D (6002's quota)"
[ "$pC" = "D D D" ] || b_fail "C: $pC, expected D D D (an element without expression: every rule goes on)"
[ "$pD1" = "a" ] && [ "$pD3" = "a D" ] || b_fail "D: 6001 $pD1, 6003 $pD3, expected a and a D (the add meets D's limit)"
# @tiny: A's element, then expired but not collected, holds the only place until the garbage collection
[ "$pT" = "172.18.0.1=a 172.18.0.11=D 172.18.0.11=D 172.18.0.1=D 172.18.0.11=D 172.18.0.11=a" ] \
  || b_fail "@tiny: $pT, expected A a, B D, B D, A D, B D, then B a after the garbage collection"
grep -q 'table inet pkp_nms' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
grep -qE "elements = \{ .*$A limit rate over 1/minute burst 2 packets" "$BUNDLE/nft-sets-after.txt" \
  || b_fail "A's element does not carry 6001's limit"
grep -qE "$B quota over 300 bytes" "$BUNDLE/nft-sets-after.txt" || b_fail "B's element does not carry 6002's quota"
sed -n '/set tiny/,/^# }/p' "$WORK/sets-before-gc.txt" | grep -q elements && b_fail "@tiny lists A's expired element"

# ------------------------------------------------------------------ README
{
  echo "# nft-meter-shared: one dynamic set filled by three rules, and a full set whose expired element awaits its GC"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $A/24 (client A) with the addresses $B (B), $C (C) and"
  echo "$D (D). UDP servers on the node answer on 6001-6003 and 6010. iptables holds only the raw TRACE rules (every"
  echo "policy ACCEPT). The native table (nft-input.txt, loaded with \`nft -f\` a second before the traffic):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (plan.txt: offset, source, source port, port; datagrams of 60 bytes; sent.txt what was sent)"
  echo
  echo '```'; cat "$BUNDLE/plan.txt"; echo '```'
  echo
  echo "## What the kernel did (nft-trace.txt; a: let through, D: dropped, per source in order)"
  echo
  echo "- A: 6001 \`$pA1\` (its element created by 6001's \`update\`, with 6001's limit, burst 2), then 6002 \`$pA2\`:"
  echo "  6002's \`add\` found A's element and evaluated the element's limit (empty: over), not its own quota."
  echo "- B: 6002 \`$pB2\` (its element created by 6002's \`add\`, with 6002's \`quota over 300 bytes\`), then 6001"
  echo "  \`$pB1\`: 6001 evaluated B's quota (60 + 4 × 60 = 300 bytes is not over, the fifth is), not its limit"
  echo "  (burst 2 would have dropped the third)."
  echo "- C: 6003, 6001, 6002 \`$pC\`: 6003's \`add @flood { ip saddr }\` created C's element without an expression,"
  echo "  and every rule then found it and went on to its drop."
  echo "- D: 6001 \`$pD1\`, then 6003 \`$pD3\`: 6003's \`add\` without an expression evaluated D's element's limit: with"
  echo "  a token left (\`over\` not matched) the statement ended the rule (let through), without one the rule dropped."
  echo "- @tiny (size 1, timeout 1s, gc-interval 30s), 6010, source=decision in order: \`$pT\`. A's element expired"
  echo "  1 s after it was created, yet B at +5.5 s and +8.0 s, and A itself at +6.5 s, found the set full: the expired"
  echo "  element kept its place (nft_dynset_new counts \`set->nelems\`, which only the garbage collection lowers) until"
  echo "  the set's garbage collection, 30 s after it was loaded; B's datagram at +$LATE s then created its element."
  echo "  \`nft list set\` does not show an expired element: the listing taken after +8.0 s, before the collection,"
  echo "  showed @tiny empty (the scenario checks it)."
  echo
  echo "What that shows of nft_dynset (kernel $(uname -r), nft $(nsx "$NODE_NS" nft --version | awk '{print $2}')):"
  echo "one element per key in the set, whichever rule looks it up; an element is created with the expression (and"
  echo "the timeout) of the rule that created it, and every rule that finds it evaluates the element's expression, not"
  echo "its own; an element without one lets every rule go on; \`add\` and \`update\` of any rule evaluate it."
  echo
  echo '```'
  sed 's/^/  /' "$WORK/decisions.txt"
  echo '```'
  echo
  echo "The sets after the traffic (nft-sets-after.txt), and the rules' counters:"
  echo
  echo '```'
  grep -E 'elements|^# \s+[0-9]' "$BUNDLE/nft-sets-after.txt" | sed 's/^# \t*/  /'
  grep -E 'counter' "$BUNDLE/nft-ruleset.txt" | sed 's/^\t*/  /'
  echo '```'
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
} > "$BUNDLE/README.md"
pkp_finish
