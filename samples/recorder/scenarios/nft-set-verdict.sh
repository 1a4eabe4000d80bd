#!/usr/bin/env bash
# nft-set-verdict: nft's set statements followed by a verdict in the same rule, in a native `table inet pkp_sv` input
# chain (priority filter + 10): `tcp dport 7000 counter add @blocked { ip saddr timeout 10s } drop` (a tripwire),
# `ip saddr @blocked counter update @blocked { ip saddr timeout 30s } drop` (refresh and drop),
# `tcp dport 8080 ct state new counter add @seen { ip saddr } accept` (remember and accept), `tcp dport 9090 counter
# delete @seen { ip saddr } reject` (forget and reject), `tcp dport 9092 counter meta mark set 0x2a jump marked` (a mark
# statement before a jump, the chain marked accepting `meta mark 0x2a`); 9091 is accepted only `ip saddr @seen`, else dropped. Two
# clients on the uplink: 172.18.0.1 and 172.18.0.11 (the one that trips the wire). iptables holds only the TRACE
# rules; nft-trace.txt is `nft monitor trace`, nft-ruleset.txt `nft -a list ruleset` after the traffic (the rule
# counters), nft-set-after.txt both sets' elements then. Every namespace is pkp-nft-set-verdict-*.
source "$(dirname "$0")/../lib.sh"
pkp_init nft-set-verdict
source "$PKP_LIB_DIR/lib-extra.sh"
[[ "$NODE_NS" == pkp-nft-set-verdict-* ]] || die "unexpected namespace name $NODE_NS"

A=172.18.0.1; B=172.18.0.11
make_node_ns; make_uplink_ns
ip -n "$UPLINK_NS" addr add "$B/24" dev eth0
env_put UPLINK_IP2 "$B"

load_empty_filter
cat > "$WORK/native.nft" <<'N'
table inet pkp_sv {
	set seen {
		type ipv4_addr
		flags dynamic,timeout
		timeout 60s
	}
	set blocked {
		type ipv4_addr
		flags dynamic,timeout
		timeout 60s
	}
	chain input {
		type filter hook input priority filter + 10; policy accept;
		ct state established,related accept
		tcp dport 7000 counter add @blocked { ip saddr timeout 10s } drop
		ip saddr @blocked counter update @blocked { ip saddr timeout 30s } drop
		tcp dport 8080 ct state new counter add @seen { ip saddr } accept
		tcp dport 9090 counter delete @seen { ip saddr } reject
		tcp dport 9092 counter meta mark set 0x2a jump marked
		tcp dport 9091 ip saddr @seen counter accept
		tcp dport 9091 counter drop
	}
	chain marked {
		meta mark 0x2a counter accept
		counter drop
	}
}
N
cp "$WORK/native.nft" "$BUNDLE/nft-input.txt"
nsx "$NODE_NS" nft -f "$WORK/native.nft" || b_fail "nft -f native.nft failed"

b_serve node tcp 8080 30
b_serve node tcp 9091 30
b_serve node tcp 9092 30
snapshot_state before
start_capture; start_trace nft
t0=$(date +%s.%N)
at() { local w; w=$(python3 -c "import time; print(max(0.0, $t0 + $1 - time.time()))"); sleep "$w"; }
# step OFFSET SRC PORT SPORT: one connection attempt (a dropped SYN: 0.8 s, before the client's retransmission)
step() { at "$1"; b_probe up tcp 172.18.0.2 "$3" "$2" "$4" 0.8; }
step 0.0  "$A" 9091 47001   # 1 not seen yet: drop
step 1.0  "$A" 8080 47002   # 2 add @seen + accept: connected
step 2.0  "$A" 9091 47003   # 3 seen: accept
step 3.0  "$A" 8080 47004   # 4 add again (already an element) + accept
step 4.0  "$A" 9090 47005   # 5 delete @seen + reject: refused
step 5.0  "$A" 9091 47006   # 6 deleted: drop
step 6.0  "$A" 9090 47007   # 7 delete of a non-element + reject: refused
step 7.0  "$B" 7000 47008   # 8 tripwire: add @blocked (timeout 10s) + drop
step 8.0  "$B" 8080 47009   # 9 blocked: update @blocked (timeout 30s) + drop, never reaches the 8080 rule
step 9.0  "$B" 9091 47010   # 10 blocked: update + drop
step 10.0 "$A" 8080 47011   # 11 add @seen + accept again: connected
step 11.0 "$A" 9092 47012   # 12 mark 0x2a, jump marked: accepted there on the mark
nsx "$NODE_NS" nft list set inet pkp_sv seen > "$BUNDLE/nft-set-after.txt"
nsx "$NODE_NS" nft list set inet pkp_sv blocked >> "$BUNDLE/nft-set-after.txt"
trace_alive || log "WARNING: xtables-monitor died during the traffic"
stop_trace; stop_capture
snapshot_state after
nsx "$NODE_NS" nft -a list ruleset > "$BUNDLE/nft-ruleset.txt"
b_keep_probes

# ------------------------------------------------------------------ did the kernel do what the scenario intends?
P="$WORK/probes.txt"
ok=$(grep -c 'result=connected' "$P" || true)
[ "$ok" = 5 ] || b_fail "expected 5 connections (probes 2, 3, 4, 11, 12), got $ok: $(cat "$P")"
refused=$(grep -c 'result=ECONNREFUSED' "$P" || true)
cnt() { grep -F -- "$1" "$BUNDLE/nft-ruleset.txt" | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | head -1; }
c_trip=$(cnt 'tcp dport 7000 counter'); c_blocked=$(cnt 'ip saddr @blocked counter')
c_seen=$(cnt 'tcp dport 8080 ct state new counter'); c_forget=$(cnt 'tcp dport 9090 counter')
c_acc=$(cnt 'tcp dport 9091 ip saddr @seen counter'); c_drop=$(cnt 'tcp dport 9091 counter packets')
c_mark=$(cnt 'tcp dport 9092 counter'); c_marked=$(cnt 'meta mark 0x0000002a counter')
[ "$c_trip" = 1 ] || b_fail "tripwire counter $c_trip, expected 1"
[ "$c_blocked" = 2 ] || b_fail "blocked counter $c_blocked, expected 2"
[ "$c_seen" = 3 ] || b_fail "8080 add+accept counter $c_seen, expected 3"
[ "$c_forget" = 2 ] || b_fail "9090 delete+reject counter $c_forget, expected 2"
[ "$c_acc" = 1 ] || b_fail "9091 accept counter $c_acc, expected 1"
[ "$c_drop" = 2 ] || b_fail "9091 drop counter $c_drop, expected 2"
[ "$c_mark" = 1 ] || b_fail "9092 mark+jump counter $c_mark, expected 1"
[ "$c_marked" = 1 ] || b_fail "marked chain's accept counter $c_marked, expected 1"
grep -q 'table inet pkp_sv' "$BUNDLE/nft-ruleset.txt" || b_fail "nft-ruleset.txt lacks the native table"
seen_left=$(sed -n '/set seen/,/}/s/.*elements = { \(.*\) }.*/\1/p' "$BUNDLE/nft-set-after.txt")
blocked_left=$(sed -n '/set blocked/,/}/s/.*elements = { \(.*\) }.*/\1/p' "$BUNDLE/nft-set-after.txt")
[ -n "$seen_left" ] && [ -n "$blocked_left" ] || b_fail "a set is empty after the traffic: $(cat "$BUNDLE/nft-set-after.txt")"
env_put CLIENT_IP "$A"

# ------------------------------------------------------------------ README
{
  echo "# nft-set-verdict: nft's \`add\`, \`update\`, \`delete @set\` followed by a verdict in the same rule"
  echo
  b_readme_topology
  echo "Node \`$NODE_NS\`, uplink eth0 $NODE_IP/24 ↔ $UPLINK_IP/24 with a second address $B/24 (the client that trips"
  echo "the wire). Servers on the node listen on TCP 8080, 9091 and 9092. iptables holds only the raw TRACE rules (every policy"
  echo "ACCEPT). The native table (nft-input.txt, loaded with \`nft -f\`):"
  echo
  echo '```'; cat "$WORK/native.nft"; echo '```'
  echo
  echo "## Traffic (one connection attempt each, seconds after the first; a dropped SYN is given up after 0.8 s)"
  echo
  echo "1. +0 $A → 9091 (not seen). 2. +1 $A → 8080 (add @seen, accept). 3. +2 $A → 9091. 4. +3 $A → 8080 again."
  echo "5. +4 $A → 9090 (delete @seen, reject). 6. +5 $A → 9091. 7. +6 $A → 9090 again (not an element)."
  echo "8. +7 $B → 7000 (add @blocked timeout 10s, drop). 9. +8 $B → 8080 (blocked). 10. +9 $B → 9091 (blocked)."
  echo "11. +10 $A → 8080 (add @seen, accept). 12. +11 $A → 9092 (meta mark set 0x2a, jump marked)."
  echo
  echo "## What the kernel did"
  echo
  echo "- Each rule with a set statement and a verdict is one rule to the kernel: nft-trace.txt prints it once per"
  echo "  packet, with the rule's verdict (\`verdict accept\`, \`verdict drop\`), and its counter counts each packet once"
  echo "  (nft-ruleset.txt): 7000 add+drop $c_trip, @blocked update+drop $c_blocked, 8080 add+accept $c_seen, 9090"
  echo "  delete+reject $c_forget; 9091 accepted by \`ip saddr @seen\` $c_acc time(s), dropped $c_drop time(s)."
  echo "- The 9092 SYN's mark set before the jump was read in chain marked: 9092 mark+jump $c_mark, marked's"
  echo "  \`meta mark 0x2a\` accept $c_marked."
  echo "- $refused probe(s) to 9090 were refused (the reject), the element deleted by the first (probe 6 dropped)."
  echo "- $B, once in @blocked, was dropped by the update rule before the 8080 rule (probes 9 and 10)."
  echo "- The sets after the traffic (nft-set-after.txt, listed at about +12): seen \`$seen_left\`; blocked"
  echo "  \`$blocked_left\` (the update's timeout 30s)."
  b_readme_tail 'ACCEPT|filter:[A-Z]+:policy'
  echo
  echo "### The native chain's verdicts for the SYNs (nft-trace.txt, established packets left out)"
  echo
  echo '```'
  # indented: a line starting with "trace id" would make this README look like a trace log
  grep -E "inet pkp_sv (input|marked) (rule|policy)" "$BUNDLE/nft-trace.txt" | grep -v 'ct state established' | sed 's/^/  /'
  echo '```'
} > "$BUNDLE/README.md"
pkp_finish
